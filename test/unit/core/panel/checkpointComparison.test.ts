import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldJournal } from '../../../../extension/core/journal/foldJournal';
import type { JournalEvent } from '../../../../extension/core/journal/journalEvent';
import { checkpointComparison } from '../../../../extension/core/panel/checkpointComparison';
import { checkpointMetrics } from '../../../../extension/core/metrics/checkpointMetrics';

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

test('comparison doc example: a has n 2 and Brier 0.025; b has 1 labelled score and no metrics', () => {
  const state = foldJournal([...question('q1', { a: 0.9 }, 1), ...question('q2', { a: 0.2, b: 0.6 }, 0), ...question('q3', { b: 0.7 }, null)]);
  const [a, b] = checkpointComparison(state.questions.values(), { headIds: ['a', 'b'], resamples: 0 });
  assert.equal(a.n, 2);
  close(a.metrics?.brier.value ?? null, 0.025);
  assert.equal(a.bins[9].count, 1);
  assert.equal(a.bins[2].count, 1);
  assert.equal(b.n, 1);
  assert.equal(b.metrics, null);
  assert.equal(b.bins[6].count, 1);
});

test('comparison metrics are checkpointMetrics on exactly the labelled, scored items of each head', () => {
  const events: JournalEvent[] = [];
  const expected: { c: number[]; y: number[] } = { c: [], y: [] };
  for (let i = 0; i < 30; i++) {
    const p = ((i * 37) % 100) / 100;
    const label = (i * 7) % 3 === 0 ? 0 : 1;
    events.push(...question(`q${i}`, { a: p }, i % 5 === 4 ? null : label));
    if (i % 5 !== 4) {
      expected.c.push(p);
      expected.y.push(label);
    }
  }
  const [row] = checkpointComparison(foldJournal(events).questions.values(), { headIds: ['a'], resamples: 50 });
  assert.equal(row.n, 24);
  assert.deepEqual(row.metrics, checkpointMetrics(expected.c, expected.y, { resamples: 50, seed: 42 }));
});
