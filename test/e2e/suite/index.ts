/**
 * Entry of the extension-host suite, in the shape `@vscode/test-electron` and VS Code's
 * `extensionTestsPath` expect: a CommonJS module exporting `run(): Promise<void>` that resolves
 * when every test passed and rejects otherwise. It runs unchanged in code-server (via the
 * smoke-test driver, test/e2e/runExtensionHostSuite.ts) and in desktop VS Code
 * (test/e2e/runTestElectron.ts).
 *
 * The suite is bundled into one file (scripts/buildE2e.mjs), so test files cannot be handed to
 * mocha by path: each exports a function that declares its tests, called here after mocha has
 * installed its interface (the `pre-require` event, which is what `mocha.addFile` triggers).
 */
import Mocha from 'mocha';
import { activationTests } from './activation.test';
import { chatParticipantTests } from './chatParticipant.test';
import { elicitTests } from './elicit.test';
import { evaluateTests } from './evaluate.test';
import { labelJournalTests } from './labelJournal.test';
import { openaiAnswerSourceTests } from './openaiAnswerSource.test';
import { packageChatModelTests } from './packageChatModel.test';
import { remoteRuntimeTests } from './remoteRuntime.test';
import { retrainTests } from './retrain.test';
import { settingsTests } from './settings.test';
import { untrustedWorkspaceTests } from './untrustedWorkspace.test';

/** Start of the line that reports the counts; test/e2e/support/suiteResult.ts parses it. */
export const SUMMARY_PREFIX = 'extension-host suite:';

/** Per-test limit: the first question opens the ONNX session on a loaded 2-core machine. */
const TEST_TIMEOUT_MS = 120_000;

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: TEST_TIMEOUT_MS, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'elical-e2e-suite', mocha);
  // The runner starts a second, restricted-mode server for the untrusted-workspace tests alone.
  if (process.env.ELICAL_E2E_SCENARIO === 'untrusted-workspace') untrustedWorkspaceTests();
  else {
    activationTests();
    chatParticipantTests();
    openaiAnswerSourceTests();
    remoteRuntimeTests();
    labelJournalTests();
    settingsTests();
    retrainTests();
    elicitTests();
    evaluateTests();
    // Last: it offers a second chat model for a while, and no later test should meet the
    // chat's model picker in a state it left.
    packageChatModelTests();
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      // The runner reads this line (the console reaches it through codeAutomationLog) for CI's summary.
      console.log(`${SUMMARY_PREFIX} ${stats?.passes ?? 0} passed, ${failures} failed, ${stats?.pending ?? 0} pending`);
      if (failures > 0) reject(new Error(`${failures} extension-host tests failed`));
      else resolve();
    });
  });
}
