import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearHead } from '../../../../extension/core/heads/linearHead';
import { linearHeadGradient } from '../../../../extension/core/training/linearHeadGradient';

test('linearHeadGradient: worked example', () => {
  const head = new LinearHead(Float32Array.of(0), 0);
  const g = [new Float64Array(1), new Float64Array(1)];
  const sse = linearHeadGradient(head, { features: Float32Array.of(2), hiddenSize: 1, targets: Float32Array.of(1) }).compute(Int32Array.of(0), 0, 1, g);
  assert.equal(sse, 0.25);
  assert.deepEqual(g, [Float64Array.of(-0.5), Float64Array.of(-0.25)]);
});

test('linearHeadGradient: equals central finite differences of the batch-mean MSE (odd width, batch slice)', async () => {
  const h = 7;
  const n = 6;
  const features = Float32Array.from({ length: n * h }, (_, i) => Math.fround(Math.sin(i * 1.7)));
  const targets = Float32Array.from({ length: n }, (_, i) => (i % 3) / 2);
  const head = new LinearHead(Float32Array.from({ length: h }, (_, i) => Math.fround(Math.cos(i) * 0.3)), 0.1);
  const rows = Int32Array.of(5, 2, 0, 4, 1, 3);
  const loss = (): number => {
    const p = head.predict(features, n);
    let s = 0;
    for (let k = 1; k < 6; k++) s += (p[rows[k]] - targets[rows[k]]) ** 2;
    return s / 5;
  };
  // Float32 predictions limit finite differences; use float64 math for the reference instead.
  const loss64 = (w: number[], b: number): number => {
    let s = 0;
    for (let k = 1; k < 6; k++) {
      let z = b;
      for (let j = 0; j < h; j++) z += w[j] * features[rows[k] * h + j];
      s += (1 / (1 + Math.exp(-z)) - targets[rows[k]]) ** 2;
    }
    return s / 5;
  };
  const g = [new Float64Array(h), new Float64Array(1)];
  const sse = await linearHeadGradient(head, { features, hiddenSize: h, targets }).compute(rows, 1, 5, g); // one block of four rows plus the one-row tail
  assert.ok(Math.abs(sse / 5 - loss()) < 1e-6);
  const w = Array.from(head.weight);
  const eps = 1e-6;
  for (let j = 0; j < h; j++) {
    const plus = w.slice();
    const minus = w.slice();
    plus[j] += eps;
    minus[j] -= eps;
    assert.ok(Math.abs(g[0][j] - (loss64(plus, head.bias[0]) - loss64(minus, head.bias[0])) / (2 * eps)) < 1e-8, `w${j}`);
  }
  assert.ok(Math.abs(g[1][0] - (loss64(w, head.bias[0] + eps) - loss64(w, head.bias[0] - eps)) / (2 * eps)) < 1e-8);
});
