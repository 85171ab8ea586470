/**
 * "EliCal: Retrain Calibration" on labels given in the chat: it trains EliCal (continuing the
 * package's Eli-Only head) and Cal-Only, journals one head-trained event per head, and the next
 * question is scored by the new heads as well as the package's.
 */
import * as assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { HeadTrainedEvent, QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { askInChat, fixtureModelDir, journalEvents, setUserSetting, waitForNewEvents } from './e2eEnvironment';

/** MIN_RETRAIN_LABELS is 10 (core/retrain/retrainCalibration.ts); two more keep both classes in every fold. */
const QUESTIONS = [
  'Who painted the Mona Lisa?',
  'What is the capital of Kenya?',
  'Which planet is closest to the Sun?',
  'What is the capital of France?',
  'Who discovered penicillin?',
  'What is the capital of Japan?',
  'What is the boiling point of water in Celsius?',
  'What is the capital of Peru?',
  'Which ocean is the largest?',
  'Who wrote Don Quixote?',
  'What is the tallest mountain on Earth?',
  'Which gas do plants absorb?',
];

export function retrainTests(): void {
  describe('retrain on labels given in the chat', () => {
    const asked: QuestionScoredEvent[] = [];

    before(async function () {
      // Twelve chat round trips, each allowed waitFor's 90 s: above the suite's 120 s per hook.
      this.timeout(12 * 20_000);
      await setUserSetting('elical.modelPath', fixtureModelDir());
      await setUserSetting('elical.answerSource', 'vscode-lm');
      for (const [index, question] of QUESTIONS.entries()) {
        const count = (await journalEvents()).length;
        await askInChat(`@confidence ${question}`);
        const added = await waitForNewEvents(count, `${question} to be answered`, (events) => events.some((event) => event.type === 'answer-shown'));
        const scored = added.find((event): event is QuestionScoredEvent => event.type === 'question-scored' && event.question === question);
        assert.ok(scored !== undefined);
        asked.push(scored);
        // The test model knows the capitals only: those are right, the rest wrong (both classes present).
        await vscode.commands.executeCommand(question.includes('capital') || index % 3 === 0 ? 'elical.labelRight' : 'elical.labelWrong', { questionId: scored.id, source: 'chat-button' });
      }
    });

    it('trains EliCal and Cal-Only heads, journals them, and scores the next question with them', async function () {
      // The retrain may take up to 180 s, then the next question up to 90 s (waitFor's default).
      this.timeout(180_000 + 90_000 + 60_000);
      const count = (await journalEvents()).length;
      // Not awaited: after training the command asks (in a notification) whether to promote a head.
      void vscode.commands.executeCommand('elical.retrain');
      const added = await waitForNewEvents(count, 'the head-trained events', (events) => events.filter((event) => event.type === 'head-trained').length >= 2, 180_000);
      const trained = added.filter((event): event is HeadTrainedEvent => event.type === 'head-trained');
      assert.deepEqual(trained.map((event) => event.family).sort(), ['cal-only', 'elical']);
      const labelled = new Set((await journalEvents()).filter((event) => event.type === 'label-given').map((event) => (event as { questionId: string }).questionId));
      for (const event of trained) {
        assert.ok(event.labelCount >= QUESTIONS.length && event.labelCount <= labelled.size, `head ${event.headId} trained on ${event.labelCount} labels`);
        assert.ok(Object.keys(event.metricsAfter).length > 0, `head ${event.headId} has cross-validated metrics`);
      }

      const next = 'What is the capital of Kenya? Answer briefly.';
      const before = (await journalEvents()).length;
      await askInChat(`@confidence ${next}`);
      const scoredNext = await waitForNewEvents(before, 'the next question to be scored and answered', (events) => events.some((event) => event.type === 'answer-shown'));
      const scores = (scoredNext.find((event) => event.type === 'question-scored') as QuestionScoredEvent).scores;
      for (const event of trained) {
        assert.ok(event.headId in scores, `the new head ${event.headId} scored the next question: ${JSON.stringify(scores)}`);
        assert.ok(scores[event.headId] > 0 && scores[event.headId] < 1);
      }
      assert.ok('elical-1000' in scores && 'eli-only-mlp' in scores, 'the package heads still score');
    });
  });
}
