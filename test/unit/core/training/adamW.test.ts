import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdamW } from '../../../../extension/core/training/adamW';

test('AdamW: worked example of the doc comment', () => {
  const p = Float32Array.of(1);
  new AdamW([p]).step([Float64Array.of(0.5)], 0.1);
  const m = 0.05;
  const v = 0.001 * 0.25;
  const expected = 1 * (1 - 0.1 * 0.1) - (0.1 / (1 - 0.9)) * m / (Math.sqrt(v) / Math.sqrt(1 - 0.999) + 1e-8);
  assert.equal(p[0], Math.fround(expected));
  assert.ok(Math.abs(p[0] - 0.89) < 1e-7);
});

test('AdamW: three steps follow the formula with bias correction; lr 0 still moves the moments', () => {
  const p = Float32Array.of(0.3, -0.2);
  const opt = new AdamW([p], { weightDecay: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 });
  const grads = [[0.1, -1], [0.2, 0.5], [-0.3, 0.25]];
  const lrs = [0, 0.01, 0.005];
  const ref = [0.3, -0.2].map((x) => Math.fround(x));
  const m = [0, 0];
  const v = [0, 0];
  grads.forEach((g, step) => {
    opt.step([Float64Array.from(g)], lrs[step]);
    const t = step + 1;
    for (let i = 0; i < 2; i++) {
      ref[i] *= 1 - lrs[step] * 0.01;
      m[i] = 0.8 * m[i] + 0.2 * g[i];
      v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i];
      ref[i] = Math.fround(ref[i] - (lrs[step] / (1 - 0.8 ** t)) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - 0.99 ** t) + 1e-6));
    }
    assert.deepEqual(Array.from(p), ref, `step ${t}`);
  });
  assert.equal(opt.stepCount, 3);
});

test('AdamW: refuses mismatched gradients and bad hyper-parameters', () => {
  const opt = new AdamW([new Float32Array(2)]);
  assert.throws(() => opt.step([new Float64Array(3)], 0.1), /gradient 0 has 3 values, parameter has 2/);
  assert.throws(() => opt.step([], 0.1), /got 0 gradients for 1 parameters/);
  assert.throws(() => opt.step([new Float64Array(2)], NaN), /learning rate/);
  assert.throws(() => new AdamW([], { beta1: 1 }), /beta1 must lie in \[0, 1\)/);
});
