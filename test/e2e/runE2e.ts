/**
 * CI's end-to-end run (scripts/e2e.sh builds first): the extension-host suite in a code-server
 * started with the smoke-test driver; its untrusted-workspace tests in a second one with
 * workspace trust on and the workspace left untrusted; then the UI suite in a third code-server
 * without the driver (the driver suppresses the toasts and dialogs a user sees), and the main-job
 * suite in a fourth, started exactly as `npm start` starts its own. Every server is stopped, whatever
 * happens; logs, screenshots and timings stay in test-results/. Ends with the line CI counts:
 * `e2e: N passed, M failed`.
 *
 *   node --import tsx test/e2e/runE2e.ts [--suite extension-host|untrusted-workspace|ui|main-job]
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExtensionHostSuite } from './runExtensionHostSuite';
import { CodeServer, REPO_ROOT } from './support/codeServer';
import { QUIET_WORKBENCH_SETTINGS } from './support/quietWorkbenchSettings';
import { PLAYGROUND_README, startSettings } from './support/startSettings';
import type { SuiteResult } from './support/suiteResult';
import { UNTRUSTED_WORKSPACE_SETTINGS } from './suite/untrustedWorkspaceSettings';
import { runMainJobSuite } from './ui/runMainJobSuite';
import { runUiSuite } from './ui/runUiSuite';

const RESULTS = join(REPO_ROOT, 'test-results', 'e2e');
const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const WORK = join(REPO_ROOT, '.cache', 'e2e', 'run');
export const FIXTURE_MODEL = join(REPO_ROOT, 'test/fixtures/tiny-llama/package');
const TEST_MODEL_VSIX = join(REPO_ROOT, '.cache/e2e/elical-e2e-test-model.vsix');
const EXTENSION_VSIX = join(REPO_ROOT, `elical-confidence-${process.platform}-${process.arch}.vsix`);

/**
 * User settings every server starts with: quiet workbench, the fixture model, and the package not
 * offered as a chat model, so that the chat's model is the test language model whose answers the
 * suites know (packageChatModel.test.ts turns the offer on for its own tests).
 */
function baseSettings(): Record<string, unknown> {
  return { 'elical.modelPath': FIXTURE_MODEL, 'elical.offerChatModel': false, ...QUIET_WORKBENCH_SETTINGS };
}

/** The most recently modified TypeScript file under `folders` (relative to the repository). */
function newestSource(folders: readonly string[]): { path: string; mtimeMs: number } {
  let newest = { path: '', mtimeMs: 0 };
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts')) {
        const { mtimeMs } = statSync(path);
        if (mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
      }
    }
  };
  for (const folder of folders) visit(join(REPO_ROOT, folder));
  return newest;
}

const running = new Set<CodeServer>();

async function withServer<T>(name: string, options: { extensions: string[]; smokeTestDriver: boolean; settings: Record<string, unknown>; workspaceTrust?: boolean; env?: Record<string, string> }, use: (server: CodeServer) => Promise<T>): Promise<{ result: T; startMs: number }> {
  const root = join(WORK, name);
  rmSync(root, { recursive: true, force: true });
  const server = await CodeServer.start({
    root,
    extensions: options.extensions,
    userSettings: options.settings,
    smokeTestDriver: options.smokeTestDriver,
    workspaceTrust: options.workspaceTrust,
    env: { ELICAL_E2E_USER_DATA_DIR: join(root, 'user'), ELICAL_E2E_MODEL_DIR: FIXTURE_MODEL, ...options.env },
  });
  running.add(server);
  console.log(`== ${name}: code-server healthy on ${server.url} after ${(server.startMs / 1000).toFixed(1)} s`);
  try {
    return { result: await use(server), startMs: server.startMs };
  } finally {
    await server.stop();
    running.delete(server);
    // The extension host log and the EliCal output channel, for whoever reads a failure.
    if (existsSync(server.logsDir)) cpSync(server.logsDir, join(RESULTS, `${name}-logs`), { recursive: true });
    for (const file of ['code-server.log', 'install-extensions.log']) if (existsSync(join(root, file))) cpSync(join(root, file), join(RESULTS, `${name}-${file}`));
  }
}

function freshWorkspace(name: string, workspaceSettings?: Record<string, unknown>): string {
  const folder = join(WORK, `${name}-workspace`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'README.md'), '# EliCal end-to-end workspace\n');
  if (workspaceSettings !== undefined) {
    mkdirSync(join(folder, '.vscode'));
    writeFileSync(join(folder, '.vscode', 'settings.json'), `${JSON.stringify(workspaceSettings, null, 2)}\n`);
  }
  return folder;
}

async function main(): Promise<number> {
  const only = process.argv.includes('--suite') ? process.argv[process.argv.indexOf('--suite') + 1] : 'all';
  if (!['all', 'extension-host', 'untrusted-workspace', 'ui', 'main-job'].includes(only)) throw new Error(`--suite must be extension-host, untrusted-workspace, ui or main-job, got ${only}`);
  for (const [path, how] of [
    [join(REPO_ROOT, 'dist/extension.js'), 'npm run build'],
    [join(REPO_ROOT, 'dist/test/suite/index.js'), 'node scripts/buildE2e.mjs'],
    [TEST_MODEL_VSIX, 'node scripts/buildE2e.mjs'],
    [EXTENSION_VSIX, 'node scripts/packageVsix.mjs --host'],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run ${how} (scripts/e2e.sh does it all)`);
    // A build older than the code runs yesterday's extension against today's suite (or the
    // reverse), and fails in ways that look like flakes.
    const newer = newestSource(['extension', 'webview', 'test/e2e']);
    if (newer.mtimeMs > statSync(path).mtimeMs) throw new Error(`${path} is older than ${newer.path}: run ${how} (scripts/e2e.sh does it all)`);
  }
  rmSync(RESULTS, { recursive: true, force: true });
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  mkdirSync(SCREENSHOTS, { recursive: true });

  const results: SuiteResult[] = [];
  const timings: Record<string, number> = {};
  const guard = async (name: string, run: () => Promise<SuiteResult>): Promise<void> => {
    const started = performance.now();
    try {
      results.push(await run());
    } catch (error) {
      // A server that would not start or a browser that would not launch is a failed suite, not a crash.
      results.push({ name, passed: 0, failed: 1, skipped: 0, durationMs: performance.now() - started, failures: [`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`] });
    }
  };

  if (only === 'all' || only === 'extension-host') {
    await guard('extension-host', async () => {
      const { result, startMs } = await withServer('extension-host', { extensions: [TEST_MODEL_VSIX], smokeTestDriver: true, settings: baseSettings() }, (server) =>
        runExtensionHostSuite(server, freshWorkspace('extension-host'), RESULTS),
      );
      timings.extensionHostServerStartMs = startMs;
      return result;
    });
  }
  if (only === 'all' || only === 'untrusted-workspace') {
    await guard('untrusted-workspace', async () => {
      // Trust on, never prompted: the workspace opens in restricted mode, as an unknown clone would.
      const settings = { ...baseSettings(), 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false };
      const { result, startMs } = await withServer('untrusted-workspace', { extensions: [TEST_MODEL_VSIX], smokeTestDriver: true, settings, workspaceTrust: true, env: { ELICAL_E2E_SCENARIO: 'untrusted-workspace' } }, (server) =>
        runExtensionHostSuite(server, freshWorkspace('untrusted-workspace', UNTRUSTED_WORKSPACE_SETTINGS), RESULTS, 'untrusted-workspace'),
      );
      timings.untrustedWorkspaceServerStartMs = startMs;
      return result;
    });
  }
  if (only === 'all' || only === 'ui') {
    await guard('ui', async () => {
      // The user's path on the model the VSIX ships (models/demo-facts), as after a fresh install.
      const settings = { ...baseSettings(), 'elical.modelPath': '', 'elical.answerSource': 'vscode-lm' };
      const { result, startMs } = await withServer('ui', { extensions: [EXTENSION_VSIX, TEST_MODEL_VSIX], smokeTestDriver: false, settings }, (server) =>
        runUiSuite(server, freshWorkspace('ui'), { results: RESULTS, screenshots: SCREENSHOTS }),
      );
      timings.uiServerStartMs = startMs;
      return result;
    });
  }

  if (only === 'all' || only === 'main-job') {
    await guard('main-job', async () => {
      // What `npm start` runs: its settings, the VSIX alone (no test extension), the bundled model.
      const workspace = freshWorkspace('main-job');
      writeFileSync(join(workspace, 'README.md'), PLAYGROUND_README);
      const { result, startMs } = await withServer('main-job', { extensions: [EXTENSION_VSIX], smokeTestDriver: false, settings: startSettings('') }, (server) =>
        runMainJobSuite(server, workspace, { screenshots: SCREENSHOTS }),
      );
      timings.mainJobServerStartMs = startMs;
      return result;
    });
  }

  for (const result of results) {
    timings[`${result.name}SuiteMs`] = result.durationMs;
    console.log(`== ${result.name}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped in ${(result.durationMs / 1000).toFixed(1)} s`);
    for (const failure of result.failures) console.log(`   FAIL ${failure}`);
  }
  writeFileSync(join(RESULTS, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  const passed = results.reduce((sum, result) => sum + result.passed, 0);
  const failed = results.reduce((sum, result) => sum + result.failed, 0);
  const skipped = results.reduce((sum, result) => sum + result.skipped, 0);
  console.log(`e2e: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    void Promise.all([...running].map((server) => server.stop())).finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  },
);
