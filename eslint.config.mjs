// Lint rules, including the layer fences of docs/architecture.md:
// core is pure, node never sees vscode, webview only sees the protocol types,
// and onnxModelRunner.ts is the one importer of onnxruntime-node.
// Flat config: for one file the last matching block's `no-restricted-imports` wins,
// so each block below states its layer's full set of fences.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)].map((name) => ({
  name,
  message: 'This layer may not use Node built-ins (docs/architecture.md).',
}));
const vscode = { name: 'vscode', message: 'Only extension/vscode and extension/extension.ts may import vscode.' };
const onnx = { name: 'onnxruntime-node', message: 'Only extension/node/onnxModelRunner.ts imports onnxruntime-node.' };
const webviewCode = { group: ['**/webview/**'], message: 'Extension code never imports webview code.' };
const fence = (paths, patterns) => ['error', { paths, patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'models/**', '**/*.js', '**/*.mjs', '**/*.cjs', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' }],
    },
  },
  {
    files: ['extension/core/**/*.ts'],
    rules: {
      'no-restricted-imports': fence([vscode, onnx, ...nodeBuiltins], [
        webviewCode,
        { group: ['**/node/*', '**/node/**', '**/vscode/*', '**/vscode/**'], message: 'core may import only core.' },
      ]),
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname', 'setImmediate'],
    },
  },
  {
    files: ['extension/node/**/*.ts'],
    rules: {
      'no-restricted-imports': fence([vscode, onnx], [
        webviewCode,
        { group: ['**/vscode/*', '**/vscode/**'], message: 'node may not import extension/vscode.' },
      ]),
    },
  },
  {
    files: ['extension/node/onnxModelRunner.ts'],
    rules: {
      'no-restricted-imports': fence([vscode], [webviewCode, { group: ['**/vscode/*', '**/vscode/**'], message: 'node may not import extension/vscode.' }]),
    },
  },
  {
    files: ['extension/vscode/**/*.ts', 'extension/extension.ts'],
    rules: { 'no-restricted-imports': fence([onnx], [webviewCode]) },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': fence([vscode, onnx, ...nodeBuiltins], [
        { regex: '(^|/)extension/(?!core/protocol$)', message: 'webview may import only extension/core/protocol (types).' },
      ]),
    },
  },
);
