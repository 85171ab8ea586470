import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldJournal } from '../../../../extension/core/journal/foldJournal';
import type { JournalEvent } from '../../../../extension/core/journal/journalEvent';
import { checkpointComparison, comparisonRow } from '../../../../extension/core/panel/checkpointComparison';
import { ComparisonCache, type ComparisonRowFunction } from '../../../../extension/core/panel/comparisonCache';

const time = (second: number): string => new Date(Date.UTC(2026, 10, 27, 11, 0, second)).toISOString();
const scored = (id: string, scores: Record<string, number>): JournalEvent => ({ schemaVersion: 1, type: 'question-scored', id, time: time(0), question: `question ${id}`, model: 'm', scores, runtime: 'cpu' });
const labelled = (id: string, questionId: string, label: 0 | 1): JournalEvent => ({ schemaVersion: 1, type: 'label-given', id, time: time(1), questionId, label, source: 'panel' });

/** A cache whose row function records the heads it computes. */
function countingCache(): { cache: ComparisonCache; computed: string[] } {
  const computed: string[] = [];
  const count: ComparisonRowFunction = (items, options) => {
    computed.push(items.headId);
    return comparisonRow(items, options);
  };
  return { cache: new ComparisonCache(count), computed };
}

const base: JournalEvent[] = [
  scored('q1', { a: 0.9, b: 0.7 }), labelled('l1', 'q1', 1),
  scored('q2', { a: 0.2, b: 0.4 }), labelled('l2', 'q2', 0),
  scored('q3', { a: 0.6, b: 0.5 }), labelled('l3', 'q3', 1),
  scored('q4', { a: 0.35 }), labelled('l4', 'q4', 0),
];
const options = { headIds: ['a', 'b'], resamples: 30 };

test('doc example: an unlabelled question reuses both rows; a label on a question only a scored recomputes a alone', () => {
  const { cache, computed } = countingCache();
  const first = cache.rows(foldJournal(base).questions.values(), options);
  assert.deepEqual(computed, ['a', 'b']);
  const withQuestion = [...base, scored('q5', { a: 0.8, b: 0.3 }), { schemaVersion: 1, type: 'answer-shown', id: 'a5', time: time(2), questionId: 'q5', answer: 'x', source: 'model' } as JournalEvent];
  const second = cache.rows(foldJournal(withQuestion).questions.values(), options);
  assert.deepEqual(computed, ['a', 'b'], 'nothing computed');
  assert.equal(second[0], first[0]);
  assert.equal(second[1], first[1]);
  const state = foldJournal([...withQuestion, scored('q6', { a: 0.1 }), labelled('l6', 'q6', 0)]);
  const third = cache.rows(state.questions.values(), options);
  assert.deepEqual(computed, ['a', 'b', 'a']);
  assert.notEqual(third[0], first[0]);
  assert.equal(third[1], first[1]);
  assert.deepEqual(third, checkpointComparison(state.questions.values(), options), 'the mix of reused and new rows is what a fresh build gives');
});

test('a changed label, an undo and a changed option each recompute, with the numbers of a fresh build', () => {
  const { cache, computed } = countingCache();
  cache.rows(foldJournal(base).questions.values(), options);
  const flipped = foldJournal([...base, labelled('l5', 'q3', 0)]);
  assert.deepEqual(cache.rows(flipped.questions.values(), options), checkpointComparison(flipped.questions.values(), options));
  assert.deepEqual(computed, ['a', 'b', 'a', 'b']);
  const undone = foldJournal([...base, labelled('l5', 'q3', 0), { schemaVersion: 1, type: 'label-undone', id: 'u1', time: time(3), targetId: 'l5' }]);
  const rows = cache.rows(undone.questions.values(), options);
  assert.deepEqual(computed, ['a', 'b', 'a', 'b', 'a', 'b']);
  assert.deepEqual(rows, checkpointComparison(foldJournal(base).questions.values(), options), 'the undo restores the first numbers');
  cache.rows(undone.questions.values(), { ...options, resamples: 31 });
  assert.equal(computed.length, 8);
});

test('a new head (a retrain) is computed alone; only the latest heads are kept', () => {
  const { cache, computed } = countingCache();
  const state = foldJournal(base);
  cache.rows(state.questions.values(), options);
  cache.rows(state.questions.values(), { ...options, headIds: ['a', 'b', 'c'] });
  assert.deepEqual(computed, ['a', 'b', 'c']);
  cache.rows(state.questions.values(), { ...options, headIds: ['c'] });
  cache.rows(state.questions.values(), options);
  assert.deepEqual(computed, ['a', 'b', 'c', 'a', 'b'], 'a and b were dropped when only c was compared');
});
