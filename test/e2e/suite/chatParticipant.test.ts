/**
 * `@confidence` answering through VS Code's chat service: the request goes through the chat view
 * (workbench.action.chat.open with a query), the scores the extension journals are checked
 * against the fixture's PyTorch reference (tools/make_tiny_fixture.py wrote them), and the answer
 * of a `vscode-lm` turn must be exactly what the test language model streamed.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { AnswerShownEvent, QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { testModelAnswer } from '../testModelExtension/testModelAnswer';
import { askInChat, fixtureModelDir, journalEvents, setUserSetting, waitForNewEvents } from './e2eEnvironment';

/** Agreement asked of onnxruntime-node against PyTorch on the same float32 weights. */
const SCORE_TOLERANCE = 1e-4;

interface ReferenceCase {
  question: string;
  heads: Record<string, number>;
}

/** The PyTorch head scores of one fixture question, read from unknown (the file is data, not code). */
function referenceScores(question: string): Record<string, number> {
  const raw: unknown = JSON.parse(readFileSync(join(fixtureModelDir(), '..', 'reference.json'), 'utf8'));
  const cases = (raw as { cases?: unknown }).cases;
  assert.ok(Array.isArray(cases), 'reference.json has cases');
  const found = (cases as ReferenceCase[]).find((entry) => entry.question === question);
  assert.ok(found !== undefined && typeof found.heads === 'object', `reference.json has the question ${question}`);
  return found.heads;
}

const scoredFor = (question: string) => (event: { type: string }): event is QuestionScoredEvent => event.type === 'question-scored' && (event as QuestionScoredEvent).question === question;

export function chatParticipantTests(): void {
  describe('@confidence in the chat view', () => {
    before(async () => {
      await setUserSetting('elical.modelPath', fixtureModelDir());
    });

    it('scores the question with the model package before answering, and journals the scores PyTorch computes', async () => {
      await setUserSetting('elical.answerSource', 'model');
      const question = 'What is the capital of France?';
      const before = (await journalEvents()).length;
      await askInChat(`@confidence ${question}`);
      const events = await waitForNewEvents(before, 'the question to be scored and answered', (added) => {
        const scored = added.find(scoredFor(question));
        return scored !== undefined && added.some((event) => event.type === 'answer-shown' && event.questionId === scored.id);
      });
      const scored = events.find(scoredFor(question));
      assert.ok(scored !== undefined);
      assert.equal(scored.model, 'tiny-llama-fixture');
      const expected = referenceScores(question);
      assert.deepEqual(Object.keys(scored.scores).sort(), Object.keys(expected).sort());
      for (const [head, value] of Object.entries(expected)) {
        assert.ok(Math.abs(scored.scores[head] - value) <= SCORE_TOLERANCE, `head ${head}: extension ${scored.scores[head]}, PyTorch ${value}`);
      }
      const shown = events.find((event): event is AnswerShownEvent => event.type === 'answer-shown' && event.questionId === scored.id);
      assert.ok(shown !== undefined);
      assert.equal(shown.source, 'model');
      // The scored event precedes the answer: the confidence is computed before anything is answered.
      assert.ok(events.indexOf(scored) < events.indexOf(shown));
    });

    it('answers through the chat language model when elical.answerSource is vscode-lm, and journals exactly its answer', async () => {
      await setUserSetting('elical.answerSource', 'vscode-lm');
      const question = 'What is the capital of Peru?';
      const before = (await journalEvents()).length;
      await askInChat(`@confidence ${question}`);
      const events = await waitForNewEvents(before, 'the test model answer to be journalled', (added) => added.some((event) => event.type === 'answer-shown'));
      const scored = events.find(scoredFor(question));
      const shown = events.find((event): event is AnswerShownEvent => event.type === 'answer-shown');
      assert.ok(scored !== undefined && shown !== undefined);
      assert.equal(shown.questionId, scored.id);
      assert.equal(shown.source, 'vscode-lm');
      assert.equal(shown.answer, testModelAnswer(question));
      const prompts = await vscode.commands.executeCommand<string[]>('elicalE2e.testModel.requests');
      assert.ok(prompts.includes(question), `the test model received ${JSON.stringify(prompts)}`);
    });

    it('journals nothing for a question asked while the model package cannot be opened', async () => {
      await setUserSetting('elical.answerSource', 'model');
      const before = (await journalEvents()).length;
      await setUserSetting('elical.modelPath', join(fixtureModelDir(), 'no-such-package'));
      try {
        await askInChat('@confidence Who wrote the play Hamlet?');
      } finally {
        await setUserSetting('elical.modelPath', fixtureModelDir());
      }
      // The chat view runs one request after the other: once the next question is journalled,
      // the failed one has had its turn.
      const next = 'Which river flows through Cairo?';
      await askInChat(`@confidence ${next}`);
      const added = await waitForNewEvents(before, 'the question after the failed one', (events) => events.some(scoredFor(next)));
      assert.deepEqual(
        added.filter((event) => event.type === 'question-scored').map((event) => (event as QuestionScoredEvent).question),
        [next],
      );
    });
  });
}
