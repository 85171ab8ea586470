import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEpochOrders } from '../../../../extension/core/training/epochOrders';

test('createEpochOrders: worked example; each epoch a new permutation of the given rows; replayable', () => {
  const next = createEpochOrders([0, 1, 2, 3, 4], 42);
  assert.deepEqual(Array.from(next()), [0, 4, 2, 1, 3]);
  const rows = [7, 9, 11, 13, 15, 17, 19, 21];
  const a = createEpochOrders(rows, 3);
  const b = createEpochOrders(rows, 3);
  const epochs = Array.from({ length: 4 }, () => Array.from(a()));
  epochs.forEach((order) => assert.deepEqual([...order].sort((x, y) => x - y), rows));
  assert.ok(new Set(epochs.map((o) => o.join())).size > 1, 'orders change between epochs');
  epochs.forEach((order) => assert.deepEqual(Array.from(b()), order));
});
