import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrationError } from '../../../../extension/core/metrics/calibrationError';
import { assertClose, loadMetricCases } from '../../../support/metricCases';

test('calibrationError: worked example of the spec, 1.0 in the last bin vs paper-compatible', () => {
  const confidences = [1.0, 1.0, 0.85, 0.25];
  const correct = [0, 0, 1, 0];
  assertClose(calibrationError(confidences, correct), 0.6, 'correct ECE', 1e-15);
  assertClose(calibrationError(confidences, correct, { paperCompatible: true }), 0.1, 'paper ECE', 1e-15);
  assertClose(calibrationError(confidences, correct, { paperCompatible: false }), 0.6, 'explicit false', 1e-15);
});

test('calibrationError: equals independent numpy ECE on every fixture case, both modes, to 1e-9', () => {
  let differing = 0;
  for (const item of loadMetricCases()) {
    assertClose(calibrationError(item.confidences, item.correct), item.ece, item.name);
    assertClose(calibrationError(item.confidences, item.correct, { paperCompatible: true }), item.ecePaper, `${item.name} (paper)`);
    if (Math.abs(item.ece - item.ecePaper) > 1e-6) differing++;
  }
  // The fixture must exercise the difference, or the paper mode would be untested.
  assert.ok(differing >= 3, `only ${differing} cases where the modes differ`);
});

test('calibrationError: perfect calibration is 0, certain and wrong is 1, one class is fine', () => {
  assert.equal(calibrationError([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0]), 0);
  assert.equal(calibrationError([1, 1], [0, 0]), 1);
  assert.equal(calibrationError([1, 1], [0, 0], { paperCompatible: true }), 0);
  assert.equal(calibrationError([0, 0], [0, 0]), 0);
});

test('calibrationError: bad input is a clear error', () => {
  assert.throws(() => calibrationError([], []), /no items/);
  assert.throws(() => calibrationError([0.5, 2], [1, 0]), /confidence at index 1 is 2/);
  assert.throws(() => calibrationError([0.5], [-1]), /correct at index 0 is -1/);
});
