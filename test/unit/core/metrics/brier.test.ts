import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brier } from '../../../../extension/core/metrics/brier';
import { assertClose, loadMetricCases } from '../../../support/metricCases';

test('brier: worked example of the doc comment', () => {
  assertClose(brier([0.9, 0.2, 0.6], [1, 0, 0]), 0.13666666666666666, 'example', 1e-15);
});

test('brier: equals numpy mean((c - y)^2) on every fixture case to 1e-9', () => {
  for (const item of loadMetricCases()) assertClose(brier(item.confidences, item.correct), item.brier, item.name);
});

test('brier: range ends and the constant-0.5 forecast', () => {
  assert.equal(brier([1, 0], [1, 0]), 0);
  assert.equal(brier([1, 0], [0, 1]), 1);
  assert.equal(brier([0.5, 0.5, 0.5], [1, 0, 1]), 0.25);
  assert.throws(() => brier([0.5], [0, 1]), /1 confidences but 2 correctness labels/);
});
