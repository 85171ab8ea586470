// Bundles the extension host code, the CLI and the webview script.
// onnxruntime-node is native (N-API) and stays external; `vscode` is provided by the host.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  minify: process.argv.includes('--minify'),
};

const targets = [
  {
    entryPoints: ['extension/node/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['onnxruntime-node'],
  },
  {
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'onnxruntime-node'],
  },
  {
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

for (const target of targets) {
  // Entry points land issue by issue; a missing one is skipped, not an error.
  if (!target.entryPoints.every((entry) => existsSync(entry))) continue;
  await build({ ...common, ...target });
}
if (watch) console.log('esbuild: --watch is not supported; rerun npm run build');
