// Builds what the end-to-end suites load, next to the extension's own bundle (npm run build):
//  - dist/test/suite/index.js: the extension-host suite (mocha stays external: it is loaded from
//    node_modules, as @vscode/test-electron projects do; `vscode` is the host's),
//  - .cache/e2e/elical-e2e-test-model.vsix: the throw-away extension with the test language model.
// Kept out of esbuild.config.mjs so the product build knows nothing about tests.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

await build({
  entryPoints: ['test/e2e/suite/index.ts'],
  outfile: 'dist/test/suite/index.js',
  bundle: true,
  sourcemap: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  external: ['vscode', 'mocha', 'onnxruntime-node'],
});

const stage = '.cache/e2e/testModelExtension';
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
await build({
  entryPoints: ['test/e2e/testModelExtension/testLanguageModel.ts'],
  outfile: `${stage}/extension.js`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  external: ['vscode'],
});
copyFileSync('test/e2e/testModelExtension/package.json', `${stage}/package.json`);
writeFileSync(`${stage}/README.md`, '# EliCal E2E Test Model\n\nA deterministic chat model for the end-to-end suites. Never shipped.\n');
const packed = spawnSync(
  process.execPath,
  [new URL('../node_modules/@vscode/vsce/vsce', import.meta.url).pathname, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', '../elical-e2e-test-model.vsix'],
  { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] },
);
if (packed.status !== 0) {
  console.error('buildE2e: packaging the test model extension failed');
  process.exit(packed.status ?? 1);
}
console.log('buildE2e: dist/test/suite/index.js, .cache/e2e/elical-e2e-test-model.vsix');
