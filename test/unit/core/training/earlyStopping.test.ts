import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EarlyStopping } from '../../../../extension/core/training/earlyStopping';

test('EarlyStopping: worked example (ties do not improve)', () => {
  const stopping = new EarlyStopping(2);
  assert.deepEqual([0.5, 0.4, 0.4, 0.45].map((loss) => stopping.observe(loss)), ['improved', 'improved', 'continue', 'stop']);
  assert.equal(stopping.bestEpoch, 2);
  assert.equal(stopping.bestValue, 0.4);
});

test('EarlyStopping: patience counts from the last improvement; NaN never improves; Infinity never stops', () => {
  const stopping = new EarlyStopping(3);
  assert.deepEqual([NaN, 1, 2, 0.5, 0.6, 0.7, 0.8].map((loss) => stopping.observe(loss)), ['continue', 'improved', 'continue', 'improved', 'continue', 'continue', 'stop']);
  const never = new EarlyStopping(Infinity);
  for (let i = 0; i < 100; i++) assert.notEqual(never.observe(i), 'stop');
  assert.throws(() => new EarlyStopping(0), /patience must be an integer >= 1 or Infinity/);
});
