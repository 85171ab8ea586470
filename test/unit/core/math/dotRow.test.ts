import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dotRow } from '../../../../extension/core/math/dotRow';

test('dotRow: worked example (offset into the row, tail after the unrolled part)', () => {
  assert.equal(dotRow(Float32Array.of(1, 2, 3, 4, 5), Float32Array.of(9, 1, 1, 1, 1, 1), 1, 5), 15);
});

test('dotRow: equals a plain float64 loop for every length 0..13', () => {
  for (let n = 0; n < 14; n++) {
    const w = Float32Array.from({ length: n }, (_, i) => Math.fround((i * 7919) % 13 - 6.5));
    const x = Float32Array.from({ length: n + 3 }, (_, i) => Math.fround(((i * 104729) % 17) / 3));
    let expected = 0;
    for (let j = 0; j < n; j++) expected += w[j] * x[3 + j];
    assert.ok(Math.abs(dotRow(w, x, 3, n) - expected) < 1e-9, `n = ${n}`);
  }
});
