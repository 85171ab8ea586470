import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearWarmupFactor, warmupStepsFor } from '../../../../extension/core/training/linearWarmupSchedule';

test('linearWarmupFactor: worked examples (first step uses factor 0, as LambdaLR does)', () => {
  assert.deepEqual(Array.from({ length: 10 }, (_, s) => linearWarmupFactor(s, 10, 1)), [0, 1, 8 / 9, 7 / 9, 6 / 9, 5 / 9, 4 / 9, 3 / 9, 2 / 9, 1 / 9]);
  assert.deepEqual([0, 1, 2, 3].map((s) => linearWarmupFactor(s, 20, 2)), [0, 0.5, 1, 17 / 18]);
  assert.equal(linearWarmupFactor(25, 20, 2), 0);
  assert.equal(linearWarmupFactor(3, 10, 0), 7 / 10);
  assert.throws(() => linearWarmupFactor(-1, 10, 1), /step must be a non-negative integer/);
});

test('warmupStepsFor: ceil(ratio × T) in plain float arithmetic, as Python computes it', () => {
  assert.equal(warmupStepsFor(98, 0.1), 10);
  assert.equal(warmupStepsFor(10, 0.1), 1);
  assert.equal(warmupStepsFor(11, 0.1), 2);
  assert.equal(warmupStepsFor(0, 0.1), 0);
  assert.throws(() => warmupStepsFor(10, 1.5), /ratio must lie in \[0, 1\]/);
});
