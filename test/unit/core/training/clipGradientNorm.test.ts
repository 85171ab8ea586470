import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipGradientNorm } from '../../../../extension/core/training/clipGradientNorm';

test('clipGradientNorm: worked example, global over all tensors, like clip_grad_norm_', () => {
  const g = [Float64Array.of(3), Float64Array.of(4)];
  assert.equal(clipGradientNorm(g, 1), 5);
  assert.equal(g[0][0], 3 / 5.000001);
  assert.equal(g[1][0], 4 / 5.000001);
  const small = [Float64Array.of(3), Float64Array.of(4)];
  assert.equal(clipGradientNorm(small, 10), 5);
  assert.deepEqual(small, [Float64Array.of(3), Float64Array.of(4)]);
  assert.throws(() => clipGradientNorm(g, 0), /maxNorm must be > 0/);
});
