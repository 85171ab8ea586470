import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBudgetSubsets, splitValidation } from '../../../../extension/core/training/budgets';

test('selectBudgetSubsets: worked example', () => {
  assert.deepEqual(selectBudgetSubsets(5, [2, 4], 42), [{ budget: 2, indices: [0, 4] }, { budget: 4, indices: [0, 1, 2, 4] }]);
});

test('selectBudgetSubsets: nested, sized, identical on every call (both families), seed-dependent', () => {
  const budgets = [100, 200, 400, 1000, null];
  const a = selectBudgetSubsets(1500, budgets, 7);
  const b = selectBudgetSubsets(1500, [...budgets].reverse(), 7).reverse();
  assert.deepEqual(a, b, 'order of budgets does not change the subsets');
  for (let i = 0; i < a.length; i++) {
    assert.equal(a[i].indices.length, budgets[i] ?? 1500);
    assert.equal(new Set(a[i].indices).size, a[i].indices.length);
    if (i > 0) assert.ok(a[i - 1].indices.every((row) => new Set(a[i].indices).has(row)), `${budgets[i - 1]} ⊂ ${budgets[i]}`);
  }
  assert.notDeepEqual(selectBudgetSubsets(1500, [100], 8)[0].indices, a[0].indices);
  assert.throws(() => selectBudgetSubsets(150, [100, 200], 1), /budget 200 exceeds the 150 available items/);
  assert.throws(() => selectBudgetSubsets(150, [0], 1), /positive integer/);
});

test('splitValidation: worked example, sizes, disjoint cover, determinism', () => {
  assert.deepEqual(splitValidation([10, 11, 12, 13, 14], 0.2, 42), { validation: [10], train: [11, 12, 13, 14] });
  const rows = Array.from({ length: 1000 }, (_, i) => 3 * i);
  const split = splitValidation(rows, 0.1, 5);
  assert.equal(split.validation.length, 100);
  assert.deepEqual([...split.train, ...split.validation].sort((a, b) => a - b), rows);
  assert.deepEqual(splitValidation(rows, 0.1, 5), split);
  assert.deepEqual(splitValidation([1, 2], 0.01, 1).validation.length, 1, 'at least one validation row');
  assert.deepEqual(splitValidation([1, 2], 0.9, 1).train.length, 1, 'at least one training row');
  assert.deepEqual(splitValidation([4], 0.5, 1), { train: [4], validation: [] });
  assert.throws(() => splitValidation([1, 1], 0.1, 1), /duplicate/);
  assert.throws(() => splitValidation([1], 1, 1), /share must lie in \[0, 1\)/);
});
