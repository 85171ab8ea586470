/**
 * The UI suite: a user's path through the installed VSIX in code-server's workbench, in headless
 * Chromium. Ask `@confidence` in the chat, see the badge before the answer, click Wrong, open
 * the panel and find the labelled row, then label a second answer with the keyboard alone. Then
 * labels arrive from a second window (appended to the shared journal file), the user retrains
 * and promotes EliCal from the notification, and the panel's comparison table, reliability
 * diagram and calibration history must show the new checkpoints once it has scored labelled
 * questions. Each label is also checked in the journal file, so a UI that only looks right fails.
 */
import * as assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { JOURNAL_SCHEMA_VERSION, type HeadPromotedEvent, type HeadTrainedEvent, type JournalEvent, type LabelGivenEvent, type QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { JournalFile } from '../../../extension/node/journalFile';
import { testModelAnswer, TEST_MODEL_NAME } from '../testModelExtension/testModelAnswer';
import type { CodeServer } from '../support/codeServer';
import { launchChromium } from '../support/launchChromium';
import type { SuiteResult } from '../support/suiteResult';
import { runUiSteps } from './uiSteps';
import type { Page } from 'playwright-core';
import { chatView, lastResponse, panelFrame, runCommand, sendChat, waitForWorkbench, WORKBENCH_TIMEOUT_MS } from './workbench';

const FIRST_QUESTION = 'What is the capital of Peru?';
const SECOND_QUESTION = 'What is the capital of Japan?';
/** The badge line starts with the percentage in bold: "**41%** confidence (medium) · …". */
const BADGE_PATTERN = /\d{1,3}% confidence \((low|medium|high)\)/;

function journalDir(server: CodeServer): string {
  return join(server.userDataDir, 'User', 'globalStorage', 'elical.elical-confidence');
}

async function journal(server: CodeServer): Promise<JournalEvent[]> {
  const read = await JournalFile.readFile(join(journalDir(server), 'journal.jsonl'));
  return read.events;
}

/** Questions "another window" asked and labelled: with the two of the chat, enough for a retrain (10). */
const OTHER_WINDOW_QUESTIONS = [
  'What is the capital of Kenya?', 'Who painted the Mona Lisa?', 'What is the capital of France?', 'Which planet is closest to the Sun?',
  'What is the capital of Chile?', 'Who discovered penicillin?', 'What is the capital of Spain?', 'Which ocean is the largest?',
  'What is the capital of Italy?', 'Who wrote Don Quixote?', 'What is the capital of Egypt?', 'Which gas do plants absorb?',
];

/**
 * Appends scored, answered and labelled questions to the journal file the way a second VS Code
 * window does (its own JournalFile on the same path); this window must pick them up by watching.
 * Scores are the package heads' recorded confidences in that window; capitals are labelled right.
 */
async function labelFromAnotherWindow(server: CodeServer, model: string, headIds: readonly string[]): Promise<void> {
  const file = await JournalFile.open(journalDir(server));
  try {
    for (const [index, question] of OTHER_WINDOW_QUESTIONS.entries()) {
      const time = new Date().toISOString();
      const questionId = randomUUID();
      const right = question.includes('capital');
      const scores = Object.fromEntries(headIds.map((headId, head) => [headId, Math.min(0.95, Math.max(0.05, (right ? 0.6 : 0.35) + 0.03 * ((index + head) % 5)))]));
      await file.append({ schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'question-scored', id: questionId, time, question, model, scores, runtime: 'cpu' });
      await file.append({ schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'answer-shown', id: randomUUID(), time, questionId, answer: testModelAnswer(question), source: 'vscode-lm' });
      await file.append({ schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'label-given', id: randomUUID(), time, questionId, label: right ? 1 : 0, source: 'chat-button' });
    }
  } finally {
    await file.close();
  }
}

/** Asks in the chat, waits for the answer, and clicks Right or Wrong under it; returns when the label is journalled. */
async function askAndLabel(page: Page, server: CodeServer, question: string, button: 'Right' | 'Wrong'): Promise<void> {
  await sendChat(page, `@confidence ${question}`);
  await poll(`the answer to ${question}`, async () => (((await lastResponse(page).textContent()) ?? '').includes(testModelAnswer(question)) ? true : undefined), 120_000);
  await lastResponse(page).getByRole('button', { name: button }).click();
  await poll(`the label of ${question}`, () => labelFor(server, question));
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
    // Palette retries are printed so that a focus thief shows up in the CI log, not just as time.
    const command = (title: string): Promise<void> => runCommand(page, title, WORKBENCH_TIMEOUT_MS, log);
    const response = () => lastResponse(page);
    const newHeads: string[] = [];

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
          await command('Chat: Open Chat');
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
          await command('EliCal: Open Panel');
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
          await command('Chat: Open Chat');
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
          await command('EliCal: Open Panel');
          const row = panelFrame(page).locator('section[aria-label="Question history"] li.row', { hasText: SECOND_QUESTION });
          await row.waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
          await poll('the row to show right', async () => ((await row.locator('.label').textContent())?.trim() === 'right' ? true : undefined));
        },
      },
      {
        name: 'labels-from-another-window',
        run: async () => {
          const scored = (await journal(server)).find((event): event is QuestionScoredEvent => event.type === 'question-scored');
          assert.ok(scored !== undefined, 'the chat turns journalled their scores');
          assert.equal(scored.model, 'demo-facts', 'the VSIX scores with its bundled demo model');
          await labelFromAnotherWindow(server, scored.model, Object.keys(scored.scores));
          const labelled = 2 + OTHER_WINDOW_QUESTIONS.length;
          await panelFrame(page).locator('section[aria-label="Latest question"]', { hasText: `${labelled} labelled` }).waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
        },
      },
      {
        name: 'retrain-and-promote-elical',
        run: async () => {
          const before = (await journal(server)).length;
          await command('EliCal: Retrain Calibration');
          const toast = page.locator('.notification-toast', { hasText: 'retrained on' });
          await toast.waitFor({ state: 'visible', timeout: 180_000 });
          await page.screenshot({ path: join(dirs.screenshots, '09a-retrain-notification.png') });
          await toast.getByRole('button', { name: 'Promote EliCal' }).click();
          const promoted = await poll('the promotion in the journal', async () => (await journal(server)).slice(before).find((event): event is HeadPromotedEvent => event.type === 'head-promoted'));
          const trained = (await journal(server)).slice(before).filter((event): event is HeadTrainedEvent => event.type === 'head-trained');
          assert.deepEqual(trained.map((event) => event.family).sort(), ['cal-only', 'elical']);
          assert.equal(promoted.headId, trained.find((event) => event.family === 'elical')?.headId);
          newHeads.push(...trained.map((event) => event.headId));
        },
      },
      {
        name: 'comparison-and-diagram-show-new-checkpoints',
        run: async () => {
          // A head is measured only on questions it scored when they were asked: ask and label two.
          await command('Chat: Open Chat');
          await askAndLabel(page, server, 'What is the capital of Peru? Answer in one word.', 'Right');
          await askAndLabel(page, server, 'Who wrote Hamlet?', 'Wrong');
          await command('EliCal: Open Panel');
          const frame = panelFrame(page);
          const comparisonSection = frame.locator('section[aria-label="Checkpoint comparison"]');
          for (const headId of newHeads) {
            const row = comparisonSection.locator('tbody tr', { has: frame.locator('th', { hasText: headId }) });
            await row.waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
            const cells = await row.locator('td').allTextContents();
            assert.equal(cells[0], '2', `${headId} is measured on the 2 questions it scored: ${cells.join(' | ')}`);
            assert.notEqual(cells[1], 'too few labels', `${headId} has metrics: ${cells.join(' | ')}`);
            await comparisonSection.locator('svg text.legend', { hasText: `${headId} (n 2)` }).waitFor({ state: 'visible' });
            assert.ok((await comparisonSection.locator('svg circle title', { hasText: `${headId}:` }).count()) >= 1, `${headId} has points in the reliability diagram`);
            await frame.locator('section[aria-label="Calibration history"] tbody tr', { hasText: headId }).waitFor({ state: 'visible' });
          }
          await frame.locator('section[aria-label="Latest question"]', { hasText: `Active checkpoint: ${newHeads.find((id) => id.endsWith('-elical'))}` }).waitFor({ state: 'visible' });
        },
      },
    ], log);
  } finally {
    await browser.close();
  }
}
