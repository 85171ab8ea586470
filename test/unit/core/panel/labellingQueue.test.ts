import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldJournal } from '../../../../extension/core/journal/foldJournal';
import type { JournalEvent } from '../../../../extension/core/journal/journalEvent';
import { labellingQueue } from '../../../../extension/core/panel/labellingQueue';

let clock = 0;
const time = (): string => new Date(Date.UTC(2026, 10, 27, 10, 0, clock++)).toISOString();

/** Journal events for a question: scored, answered, optionally labelled. */
function question(id: string, scores: Record<string, number>, label: 0 | 1 | null, answered = true): JournalEvent[] {
  const events: JournalEvent[] = [{ schemaVersion: 1, type: 'question-scored', id, time: time(), question: `question ${id}`, model: 'm', scores, runtime: 'cpu' }];
  if (answered) events.push({ schemaVersion: 1, type: 'answer-shown', id: `${id}-answer`, time: time(), questionId: id, answer: 'an answer', source: 'model' });
  if (label !== null) events.push({ schemaVersion: 1, type: 'label-given', id: `${id}-label`, time: time(), questionId: id, label, source: 'panel' });
  return events;
}

const close = (actual: number | null, expected: number): void => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-6, `${actual} vs ${expected}`);

test('doc example: q1 (0.5) before q2 (disagreement 0.7) before q3 (0.95); expected Brier 0.129167', () => {
  const state = foldJournal([...question('q3', { a: 0.95 }, null), ...question('q2', { a: 0.9, b: 0.2 }, null), ...question('q1', { a: 0.5 }, null)]);
  const queue = labellingQueue(state.questions.values(), 'a', 10);
  assert.deepEqual(queue.items.map((item) => item.questionId), ['q1', 'q2', 'q3']);
  close(queue.items[1].uncertainty, 0.2);
  close(queue.items[1].disagreement, 0.7);
  close(queue.items[1].priority, 0.7);
  close(queue.items[2].priority, 0.1);
  close(queue.expectedBrier, 0.129167);
  assert.equal(queue.candidates, 3);
});

test('labelled and unanswered questions are not queued; ties go to the newer question; limit cuts the list', () => {
  const state = foldJournal([
    ...question('old', { a: 0.3 }, null),
    ...question('labelled', { a: 0.5 }, 1),
    ...question('unanswered', { a: 0.5 }, null, false),
    ...question('new', { a: 0.7 }, null),
    ...question('other-head', { b: 0.5 }, null),
  ]);
  const queue = labellingQueue(state.questions.values(), 'a', 2);
  // old and new have the same uncertainty (0.6); new wins the tie. other-head has no active score: priority 0.
  assert.deepEqual(queue.items.map((item) => item.questionId), ['new', 'old']);
  assert.equal(queue.candidates, 3);
  assert.equal(labellingQueue(state.questions.values(), 'a', 3).items[2].confidence, null);
  assert.throws(() => labellingQueue(state.questions.values(), 'a', 0), /limit/);
});
