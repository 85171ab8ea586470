/**
 * Runs the mocha suite (test/e2e/suite, bundled to dist/test/suite/index.js) inside the extension
 * host of a code-server started with the smoke-test driver: the workbench URL's payload names the
 * extension under development and the tests; the workbench calls codeAutomationLog for every
 * extension-host console line and codeAutomationExit once run() settles (0 passed, 1 failed).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatConsoleArgs } from './support/formatConsoleArgs';
import { launchChromium } from './support/launchChromium';
import { type CodeServer, REPO_ROOT } from './support/codeServer';
import { parseSuiteCounts, type SuiteResult } from './support/suiteResult';

const SUMMARY_PREFIX = 'extension-host suite:';
/** Whole-suite limit: the workbench alone takes up to 30 s to load on 2 loaded cores. */
const SUITE_TIMEOUT_MS = 15 * 60_000;

/** Lines of VS Code's own agent host that repeat every second without a GitHub sign-in: kept in the log, not echoed. */
const NOISE = /^\[AgentHost\] No signed-in session/;

export async function runExtensionHostSuite(server: CodeServer, workspace: string, resultsDir: string, name = 'extension-host'): Promise<SuiteResult> {
  const started = performance.now();
  const logFile = join(resultsDir, `${name}-suite.log`);
  const consoleFile = join(resultsDir, `${name}-suite.browser-console.log`);
  writeFileSync(logFile, '');
  writeFileSync(consoleFile, '');
  let output = '';
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    let exit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolveExit) => (exit = resolveExit));
    await context.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      const line = formatConsoleArgs(args);
      output += `${line}\n`;
      appendFileSync(logFile, `[${String(type)}] ${line}\n`);
      // Stack frames stay in the log file; the terminal gets the messages.
      if (!NOISE.test(line)) process.stdout.write(`  | ${line.split('\n').filter((part) => !/^\s+at /.test(part)).join('\n  | ')}\n`);
    });
    await context.exposeFunction('codeAutomationExit', (code: unknown) => exit(typeof code === 'number' ? code : 1));
    const page = await context.newPage();
    page.on('console', (message) => appendFileSync(consoleFile, `[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => appendFileSync(consoleFile, `[pageerror] ${error.stack ?? error.message}\n`));
    const url = server.workbenchUrl(workspace, [
      ['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)],
      ['extensionTestsPath', server.remoteUri(join(REPO_ROOT, 'dist/test/suite/index.js'))],
    ]);
    await page.goto(url);
    const timeout = new Promise<'timeout'>((resolveTimeout) => setTimeout(() => resolveTimeout('timeout'), SUITE_TIMEOUT_MS).unref());
    const code = await Promise.race([exited, timeout]);
    await page.screenshot({ path: join(resultsDir, `${name}-suite-end.png`) }).catch(() => undefined);
    const counts = parseSuiteCounts(output, SUMMARY_PREFIX);
    const failures: string[] = [];
    if (code === 'timeout') failures.push(`the suite did not finish within ${SUITE_TIMEOUT_MS / 60_000} minutes (log: ${logFile})`);
    if (counts === null) failures.push(`the suite printed no counts line (it crashed or never started); log: ${logFile}, browser console: ${consoleFile}`);
    else if (counts.failed > 0) failures.push(`${counts.failed} tests failed; see ${logFile}`);
    if (code !== 'timeout' && code !== 0 && counts !== null && counts.failed === 0) failures.push(`the suite exited with ${code} although no test failed; see ${logFile}`);
    return {
      name,
      passed: counts?.passed ?? 0,
      // A suite that never reported counts is one failure, never a silent zero.
      failed: counts === null ? 1 : counts.failed + (failures.length > 0 && counts.failed === 0 ? 1 : 0),
      skipped: counts?.skipped ?? 0,
      durationMs: performance.now() - started,
      failures,
    };
  } finally {
    await browser.close();
  }
}
