/**
 * The main job as a new user meets it: the code-server `npm start` runs (its settings, the VSIX
 * alone, no test extension, the bundled demo model), driven in headless Chromium. VS Code's chat
 * sends nothing while no chat model is available, and code-server has none signed in, so this is
 * the check that the extension's own chat model (elical.offerChatModel) is enough: the chat offers
 * "EliCal: demo-facts", and `@confidence` shows its badge and the demo model's answer, exactly the
 * answer the journal records.
 */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AnswerShownEvent, JournalEvent, QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { JournalFile } from '../../../extension/node/journalFile';
import type { CodeServer } from '../support/codeServer';
import { launchChromium } from '../support/launchChromium';
import type { SuiteResult } from '../support/suiteResult';
import { runUiSteps } from './uiSteps';
import { chatView, lastResponse, runCommand, sendChat, waitForWorkbench, WORKBENCH_TIMEOUT_MS } from './workbench';

/** A fact the demo model knows (models/demo-facts/MODEL_CARD.md), as `npm start` suggests asking. */
const QUESTION = 'In which continent is Canada located?';
const BADGE_PATTERN = /\d{1,3}% confidence \((low|medium|high)\)/;

export async function runMainJobSuite(server: CodeServer, workspace: string, dirs: { screenshots: string }): Promise<SuiteResult> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(60_000);
    const log = (line: string): void => console.log(line);
    const journalFile = join(server.userDataDir, 'User', 'globalStorage', 'elical.elical-confidence', 'journal.jsonl');
    return await runUiSteps('main-job', page, dirs.screenshots, [
      {
        name: 'main-job-workbench-loaded',
        run: async () => {
          await page.goto(server.workbenchUrl(workspace));
          await waitForWorkbench(page);
        },
      },
      {
        name: 'main-job-chat-offers-the-package-model',
        run: async () => {
          await runCommand(page, 'Chat: Open Chat', WORKBENCH_TIMEOUT_MS, log);
          await chatView(page).locator('.chat-input-picker-item', { hasText: 'EliCal: demo-facts' }).first().waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
        },
      },
      {
        name: 'main-job-confidence-answers-with-the-demo-model',
        run: async () => {
          await sendChat(page, `@confidence ${QUESTION}`);
          const deadline = Date.now() + 120_000;
          let shown: AnswerShownEvent | undefined;
          let scored: QuestionScoredEvent | undefined;
          while (shown === undefined) {
            if (Date.now() > deadline) throw new Error(`no answer to "${QUESTION}" was journalled within 120 s`);
            await new Promise((resolve) => setTimeout(resolve, 250));
            // The journal file appears with the first event.
            const events: JournalEvent[] = existsSync(journalFile) ? (await JournalFile.readFile(journalFile)).events : [];
            scored = events.find((event): event is QuestionScoredEvent => event.type === 'question-scored' && event.question === QUESTION);
            shown = scored === undefined ? undefined : events.find((event): event is AnswerShownEvent => event.type === 'answer-shown' && event.questionId === scored?.id);
          }
          assert.equal(scored?.model, 'demo-facts', 'scored by the bundled demo model');
          assert.equal(shown.source, 'model');
          assert.ok(shown.answer.length > 0, 'the demo model gave an answer');
          const answer = shown.answer;
          await lastResponse(page).filter({ hasText: answer }).waitFor({ state: 'visible' });
          const text = (await lastResponse(page).textContent()) ?? '';
          assert.match(text, BADGE_PATTERN);
          assert.ok(text.search(BADGE_PATTERN) < text.indexOf(answer), `the badge comes before the answer: ${text}`);
        },
      },
    ], log);
  } finally {
    await browser.close();
  }
}
