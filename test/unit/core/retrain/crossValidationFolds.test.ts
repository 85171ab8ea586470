import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossValidationFolds } from '../../../../extension/core/retrain/crossValidationFolds';

test('doc example: n 5, k 2, seed 42 -> [[0, 2, 3], [1, 4]]', () => {
  assert.deepEqual(crossValidationFolds(5, 2, 42), [[0, 2, 3], [1, 4]]);
});

test('every item is tested exactly once, fold sizes differ by at most one, and the folds are deterministic', () => {
  for (const [n, k] of [[10, 2], [24, 4], [1000, 5], [7, 7]]) {
    const folds = crossValidationFolds(n, k, 42);
    assert.equal(folds.length, k);
    assert.deepEqual(folds.flat().sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
    const sizes = folds.map((fold) => fold.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
    for (const fold of folds) assert.deepEqual(fold, [...fold].sort((a, b) => a - b));
    assert.deepEqual(crossValidationFolds(n, k, 42), folds);
  }
  assert.notDeepEqual(crossValidationFolds(100, 5, 1), crossValidationFolds(100, 5, 2));
});

test('bad n or k is refused', () => {
  assert.throws(() => crossValidationFolds(5, 1, 42), /k in 2\.\.n/);
  assert.throws(() => crossValidationFolds(5, 6, 42), /k in 2\.\.n \(n = 5\), got 6/);
  assert.throws(() => crossValidationFolds(-1, 2, 42), /non-negative integer/);
  assert.throws(() => crossValidationFolds(5, 2.5, 42), /k in 2\.\.n/);
});
