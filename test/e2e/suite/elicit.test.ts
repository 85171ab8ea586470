/**
 * "EliCal: Elicit from Self-Consistency" run with arguments (as a keybinding or task would, so no
 * picker is needed): the model answers a questions file by sampling, an Eli-Only head is written
 * and journalled, it is measured on the labels the earlier tests gave, and the next question is
 * scored by it too.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { foldJournal } from '../../../extension/core/journal/foldJournal';
import type { HeadTrainedEvent, QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { MIN_RETRAIN_LABELS } from '../../../extension/core/retrain/retrainCalibration';
import { askInChat, journalEvents, waitForNewEvents } from './e2eEnvironment';

const COUNTRIES = ['France', 'Peru', 'Chile', 'Spain', 'Italy', 'Japan', 'Kenya', 'Egypt', 'India', 'Nepal', 'Ghana', 'Cuba', 'Iran', 'Iraq', 'Oman', 'Laos', 'Mali', 'Chad', 'Fiji', 'Togo'];

export function elicitTests(): void {
  describe('elicit from self-consistency', () => {
    let dir: string | undefined;
    after(() => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('writes an Eli-Only head from a questions file, measures it on the labels, and scores with it', async function () {
      // Above the suite's 120 s: elicitation waits up to 180 s, then the next score up to 90 s (waitFor's default), plus a margin.
      this.timeout(180_000 + 90_000 + 60_000);
      dir = mkdtempSync(join(tmpdir(), 'elical-e2e-elicit-'));
      const file = join(dir, 'questions.jsonl');
      writeFileSync(file, COUNTRIES.map((country) => JSON.stringify({ question: `What is the capital of ${country}?` })).join('\n') + '\n');
      const journal = await journalEvents();
      // The command measures the head on the questions whose effective label is set (folded as the
      // extension folds them, so undone labels and relabelled questions count as it counts them),
      // and only when there are MIN_RETRAIN_LABELS of them. The retrain tests, which run before
      // these (index.ts), label 12 questions, so the measurement must be there.
      const labelled = [...foldJournal(journal).questions.values()].filter((question) => question.label !== null).length;
      assert.ok(labelled >= MIN_RETRAIN_LABELS, `the earlier tests left ${labelled} labelled questions; the head is measured from ${MIN_RETRAIN_LABELS}`);
      const count = journal.length;
      // Not awaited: at the end the command offers, in a notification, to promote the head.
      void vscode.commands.executeCommand('elical.elicit', { questionsFile: file, samples: 3 });
      const added = await waitForNewEvents(count, 'the elicited head', (events) => events.some((event) => event.type === 'head-trained'), 180_000);
      const trained = added.find((event): event is HeadTrainedEvent => event.type === 'head-trained');
      assert.ok(trained !== undefined);
      assert.equal(trained.family, 'eli-only');
      assert.equal(trained.labelCount, 0, 'elicitation uses no labels');
      assert.match(trained.headId, /^u\d{8}-\d{6}-\d{3}(-\d+)?-eli-only$/);
      assert.ok(trained.metricsAfter.auroc !== undefined, `measured on the ${labelled} labelled questions: ${JSON.stringify(trained.metricsAfter)}`);

      const before = (await journalEvents()).length;
      await askInChat('@confidence /score What is the capital of Nepal?');
      const scored = await waitForNewEvents(before, 'the next question to be scored', (events) => events.some((event) => event.type === 'question-scored'));
      const scores = (scored.find((event) => event.type === 'question-scored') as QuestionScoredEvent).scores;
      assert.ok(trained.headId in scores, `the elicited head scored the next question: ${JSON.stringify(scores)}`);
    });
  });
}
