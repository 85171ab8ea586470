/**
 * The same extension-host suite in desktop VS Code, through `@vscode/test-electron`, for machines
 * that can download VS Code (this project's CI cannot: it reaches only npm and Debian, so CI runs
 * the suite in code-server instead, see runE2e.ts). Usage, after `npm run build` and
 * `node scripts/buildE2e.mjs`:
 *
 *   npm run test:e2e:electron            (VS Code 1.104.0, the oldest the manifest accepts)
 *   VSCODE_VERSION=stable npm run test:e2e:electron
 *
 * Under Linux without a display run it inside `xvfb-run -a`.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './support/codeServer';

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'elical-electron-'));
  const userData = join(root, 'user');
  const extensions = join(root, 'extensions');
  const workspace = join(root, 'workspace');
  const model = join(REPO_ROOT, 'test/fixtures/tiny-llama/package');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(workspace, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({ 'elical.modelPath': model, 'security.workspace.trust.enabled': false }, null, 2));
  try {
    const executable = await downloadAndUnzipVSCode(process.env.VSCODE_VERSION ?? '1.104.0');
    // The suite's language model comes from the throw-away test model extension.
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(executable);
    const install = spawnSync(cli, [...cliArgs, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', join(REPO_ROOT, '.cache/e2e/elical-e2e-test-model.vsix')], { stdio: 'inherit' });
    if (install.status !== 0) throw new Error('installing the test model extension failed');
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: join(REPO_ROOT, 'dist/test/suite/index.js'),
      extensionTestsEnv: { ELICAL_E2E_USER_DATA_DIR: userData, ELICAL_E2E_MODEL_DIR: model },
      launchArgs: [workspace, '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-workspace-trust'],
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
