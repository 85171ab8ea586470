/**
 * The UI suite: a user's path through the installed VSIX in code-server's workbench, in headless
 * Chromium. Ask `@confidence` in the chat, see the badge before the answer, click Wrong, open
 * the panel and find the labelled row, then label a second answer with the keyboard alone. Each
 * label is also checked in the journal file, so a UI that only looks right fails.
 */
import * as assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEvent, LabelGivenEvent, QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { JournalFile } from '../../../extension/node/journalFile';
import { testModelAnswer, TEST_MODEL_NAME } from '../testModelExtension/testModelAnswer';
import type { CodeServer } from '../support/codeServer';
import { launchChromium } from '../support/launchChromium';
import type { SuiteResult } from '../support/suiteResult';
import { runUiSteps } from './uiSteps';
import { chatView, lastResponse, panelFrame, runCommand, sendChat, waitForWorkbench, WORKBENCH_TIMEOUT_MS } from './workbench';

const FIRST_QUESTION = 'What is the capital of Peru?';
const SECOND_QUESTION = 'What is the capital of Japan?';
/** The badge line starts with the percentage in bold: "**41%** confidence (medium) · …". */
const BADGE_PATTERN = /\d{1,3}% confidence \((low|medium|high)\)/;

async function journal(server: CodeServer): Promise<JournalEvent[]> {
  const read = await JournalFile.readFile(join(server.userDataDir, 'User', 'globalStorage', 'elical.elical-confidence', 'journal.jsonl'));
  return read.events;
}

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function labelFor(server: CodeServer, question: string): Promise<LabelGivenEvent | undefined> {
  const events = await journal(server);
  const scored = events.find((event): event is QuestionScoredEvent => event.type === 'question-scored' && event.question === question);
  if (scored === undefined) return undefined;
  return [...events].reverse().find((event): event is LabelGivenEvent => event.type === 'label-given' && event.questionId === scored.id);
}

export async function runUiSuite(server: CodeServer, workspace: string, dirs: { results: string; screenshots: string }): Promise<SuiteResult> {
  const consoleFile = join(dirs.results, 'ui-browser-console.log');
  writeFileSync(consoleFile, '');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('console', (message) => appendFileSync(consoleFile, `[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => appendFileSync(consoleFile, `[pageerror] ${error.stack ?? error.message}\n`));
    page.setDefaultTimeout(60_000);
    const log = (line: string): void => console.log(line);
    const response = () => lastResponse(page);

    return await runUiSteps('ui', page, dirs.screenshots, [
      {
        name: 'workbench-loaded',
        run: async () => {
          await page.goto(server.workbenchUrl(workspace));
          await waitForWorkbench(page);
        },
      },
      {
        name: 'chat-open-with-test-model',
        run: async () => {
          await runCommand(page, 'Chat: Open Chat');
          await chatView(page).locator('.interactive-input-editor').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
          // The chat can send only once a language model is available and picked.
          await chatView(page).locator('.chat-input-picker-item', { hasText: TEST_MODEL_NAME }).first().waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
        },
      },
      {
        name: 'badge-before-answer',
        run: async () => {
          await sendChat(page, `@confidence ${FIRST_QUESTION}`);
          const firstWord = testModelAnswer(FIRST_QUESTION).split(' ')[0];
          // Poll the response text: the badge must be on screen while the answer is not yet.
          const seen = await poll('the badge', async () => {
            const text = (await response().textContent().catch(() => null)) ?? '';
            if (BADGE_PATTERN.test(text)) return text;
            // Fail at once, with the reason, when the answer arrives with no badge above it.
            if (text.includes(firstWord)) throw new Error(`the answer (${firstWord}…) is on screen and no confidence badge is: ${text.trim().slice(0, 300)}`);
            return undefined;
          }, 120_000);
          assert.ok(!seen.includes(firstWord), `the answer (${firstWord}…) was on screen before the badge: ${seen}`);
          await page.screenshot({ path: join(dirs.screenshots, '03a-badge-shown-answer-pending.png') });
          const answered = await poll('the answer', async () => {
            const text = (await response().textContent()) ?? '';
            return text.includes(testModelAnswer(FIRST_QUESTION)) ? text : undefined;
          });
          const badgeAt = answered.search(BADGE_PATTERN);
          assert.ok(badgeAt >= 0 && badgeAt < answered.indexOf(firstWord), 'the badge is written above the answer');
        },
      },
      {
        name: 'click-wrong',
        run: async () => {
          await response().getByRole('button', { name: 'Wrong' }).click();
          const label = await poll('the Wrong label in the journal', () => labelFor(server, FIRST_QUESTION));
          assert.deepEqual([label.label, label.source], [0, 'chat-button']);
        },
      },
      {
        name: 'panel-shows-wrong-label',
        run: async () => {
          await runCommand(page, 'EliCal: Open Panel');
          const frame = panelFrame(page);
          const row = frame.locator('section[aria-label="Question history"] li.row', { hasText: FIRST_QUESTION });
          await row.waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
          assert.equal((await row.locator('.label').textContent())?.trim(), 'wrong');
          await frame.locator('section[aria-label="Latest question"]', { hasText: '1 labelled (0 right, 1 wrong)' }).waitFor({ state: 'visible' });
        },
      },
      {
        name: 'keyboard-only-labelling',
        run: async () => {
          // Back to the chat with the keyboard: focus the chat input, ask, then the label chord.
          await runCommand(page, 'Chat: Open Chat');
          await page.keyboard.type(`@confidence ${SECOND_QUESTION}`, { delay: 5 });
          await page.keyboard.press('Enter');
          await poll('the second answer', async () => (((await response().textContent()) ?? '').includes(testModelAnswer(SECOND_QUESTION)) ? true : undefined), 120_000);
          // ctrl+alt+e ctrl+alt+r: "Label Last Answer Right" (package.json keybindings).
          await page.keyboard.press('Control+Alt+KeyE');
          await page.keyboard.press('Control+Alt+KeyR');
          const label = await poll('the keyboard label in the journal', () => labelFor(server, SECOND_QUESTION));
          assert.deepEqual([label.label, label.source], [1, 'keyboard']);
        },
      },
      {
        name: 'panel-shows-keyboard-label',
        run: async () => {
          await runCommand(page, 'EliCal: Open Panel');
          const row = panelFrame(page).locator('section[aria-label="Question history"] li.row', { hasText: SECOND_QUESTION });
          await row.waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
          await poll('the row to show right', async () => ((await row.locator('.label').textContent())?.trim() === 'right' ? true : undefined));
        },
      },
    ], log);
  } finally {
    await browser.close();
  }
}
