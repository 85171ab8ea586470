import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sigmoid } from '../../../../extension/core/math/sigmoid';

test('sigmoid: worked example of the doc comment', () => {
  assert.equal(sigmoid(0), 0.5);
  assert.equal(sigmoid(2), 0.8807970779778823);
  assert.equal(sigmoid(-2), 0.11920292202211755);
  assert.equal(sigmoid(-800), 0);
  assert.equal(sigmoid(800), 1);
});

test('sigmoid: symmetric, no overflow at extremes, NaN passes through', () => {
  for (const x of [0.1, 1, 5, 20, 36, 100, 700]) {
    assert.ok(Math.abs(sigmoid(x) + sigmoid(-x) - 1) < 1e-15, `x = ${x}`);
  }
  // 1/(1+e^750) underflows via the e^x branch instead of computing e^750 = Infinity.
  assert.ok(sigmoid(-740) > 0);
  assert.equal(sigmoid(Infinity), 1);
  assert.equal(sigmoid(-Infinity), 0);
  assert.ok(Number.isNaN(sigmoid(NaN)));
});
