import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MlpHead } from '../../../../extension/core/heads/mlpHead';
import { createFreshHead } from '../../../../extension/core/training/freshHead';
import { mlpHeadGradient } from '../../../../extension/core/training/mlpHeadGradient';

test('mlpHeadGradient: worked example', () => {
  const head = new MlpHead(4, {
    w0: Float32Array.of(1, 0, 0, 0, 0, -1, 0, 0), b0: Float32Array.of(0, 0), w2: Float32Array.of(1, 1),
    b2: Float32Array.of(0.5), w4: Float32Array.of(2), b4: Float32Array.of(-1),
  });
  const g = head.parameters.map((p) => new Float64Array(p.data.length));
  mlpHeadGradient(head, { features: Float32Array.of(1, 2, 3, 4), hiddenSize: 4, targets: Float32Array.of(1) }).compute(Int32Array.of(0), 0, 1, g);
  const s = 1 / (1 + Math.exp(-2));
  const gOut = 2 * (s - 1) * s * (1 - s);
  assert.ok(Math.abs(gOut + 0.02503) < 1e-5);
  assert.ok(Math.abs(g[5][0] - gOut) < 1e-15);
  assert.ok(Math.abs(g[4][0] - 1.5 * gOut) < 1e-15);
  assert.ok(Math.abs(g[3][0] - 2 * gOut) < 1e-15);
  assert.deepEqual(Array.from(g[0]).map((v) => Math.round(v / gOut * 1e9) / 1e9 + 0), [2, 4, 6, 8, 0, 0, 0, 0]);
});

test('mlpHeadGradient: equals central finite differences of a float64 forward pass', () => {
  const h = 8;
  const n = 5;
  const head = createFreshHead('mlp', h, 17) as MlpHead;
  const features = Float32Array.from({ length: n * h }, (_, i) => Math.fround(Math.sin(i * 0.77) * 2));
  const targets = Float32Array.of(0, 1, 0.5, 1, 0.2);
  const rows = Int32Array.of(3, 0, 4, 1, 2);
  const params = head.parameters.map((p) => Float64Array.from(p.data));
  const loss = (): number => {
    const [w0, b0, w2, b2, w4, b4] = params;
    let s = 0;
    for (const row of rows) {
      const a1 = Array.from({ length: 4 }, (_, i) => Math.max(0, b0[i] + Array.from({ length: h }, (_, j) => w0[i * h + j] * features[row * h + j]).reduce((x, y) => x + y)));
      const a2 = Array.from({ length: 2 }, (_, i) => Math.max(0, b2[i] + a1.reduce((acc, a, j) => acc + w2[i * 4 + j] * a, 0)));
      const z = b4[0] + a2.reduce((acc, a, i) => acc + w4[i] * a, 0);
      s += (1 / (1 + Math.exp(-z)) - targets[row]) ** 2;
    }
    return s / rows.length;
  };
  const g = head.parameters.map((p) => new Float64Array(p.data.length));
  mlpHeadGradient(head, { features, hiddenSize: h, targets }).compute(rows, 0, rows.length, g);
  const eps = 1e-6;
  params.forEach((p, k) => {
    for (let i = 0; i < p.length; i++) {
      const keep = p[i];
      p[i] = keep + eps;
      const up = loss();
      p[i] = keep - eps;
      const down = loss();
      p[i] = keep;
      assert.ok(Math.abs(g[k][i] - (up - down) / (2 * eps)) < 1e-7, `${head.parameters[k].name}[${i}]: ${g[k][i]} vs ${(up - down) / (2 * eps)}`);
    }
  });
});
