import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearHead } from '../../../../extension/core/heads/linearHead';
import { validationLoss } from '../../../../extension/core/training/validationLoss';

test('validationLoss: worked example, rows across chunk boundaries, empty', () => {
  const half = new LinearHead(Float32Array.of(0), 0);
  const data = { features: new Float32Array(3), hiddenSize: 1, targets: Float32Array.of(0, 1, 1) };
  assert.equal(validationLoss(half, data, [0, 1, 2]), 0.25);
  assert.ok(Number.isNaN(validationLoss(half, data, [])));
  const n = 600;
  const big = { features: Float32Array.from({ length: n }, (_, i) => (i % 7) - 3), hiddenSize: 1, targets: Float32Array.from({ length: n }, (_, i) => (i % 2)) };
  const head = new LinearHead(Float32Array.of(0.8), -0.1);
  const rows = Array.from({ length: 550 }, (_, i) => (i * 13) % n);
  const p = head.predict(big.features, n);
  const expected = rows.reduce((s, r) => s + (p[r] - big.targets[r]) ** 2, 0) / rows.length;
  assert.ok(Math.abs(validationLoss(head, big, rows) - expected) < 1e-15);
});
