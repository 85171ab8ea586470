import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignment, DEFAULT_ALIGNMENT_THRESHOLD } from '../../../../extension/core/metrics/alignment';
import { assertClose, loadMetricCases } from '../../../support/metricCases';

test('alignment: worked example of the spec (tau 0.21, Alignment 62.5)', () => {
  const result = alignment([0.9, 0.2, 0.7, 0.4, 0.8, 0.6, 0.3, 0.95, 0.1, 0.5], [1, 0, 1, 0, 1, 1, 0, 1, 0, 0]);
  assert.deepEqual(result, { accuracy: 0.625, threshold: 0.21, thresholdTuned: true, tuningCount: 2, evaluationCount: 8 });
});

test('alignment: equals the independent numpy protocol on every fixture case', () => {
  const seen = { untuned: 0, tuned: 0 };
  for (const item of loadMetricCases()) {
    const result = alignment(item.confidences, item.correct);
    const expected = item.alignment;
    assert.equal(result.threshold, expected.threshold, item.name);
    assert.equal(result.thresholdTuned, expected.thresholdTuned, item.name);
    assert.equal(result.tuningCount, expected.tuningCount, item.name);
    assert.equal(result.evaluationCount, expected.evaluationCount, item.name);
    assertClose(result.accuracy, expected.accuracy, item.name);
    seen[result.thresholdTuned ? 'tuned' : 'untuned']++;
  }
  assert.ok(seen.untuned >= 3 && seen.tuned >= 15, JSON.stringify(seen));
});

test('alignment: first floor(n / 5) items tune; tiny n falls back to tau 0.5', () => {
  assert.deepEqual(
    [1, 4, 5, 9, 10, 12, 14, 15].map((n) => alignment(new Array<number>(n).fill(0.5), new Array<number>(n).fill(1)).tuningCount),
    [0, 0, 1, 1, 2, 2, 2, 3],
  );
  const one = alignment([0.7], [0]);
  assert.deepEqual(one, { accuracy: 0, threshold: DEFAULT_ALIGNMENT_THRESHOLD, thresholdTuned: false, tuningCount: 0, evaluationCount: 1 });
  // n = 7: the single tuning item can never be split into two predicted classes.
  const seven = alignment([0.9, 0.6, 0.4, 0.55, 0.45, 0.3, 0.8], [1, 1, 0, 1, 0, 0, 1]);
  assert.equal(seven.thresholdTuned, false);
  assert.equal(seven.threshold, 0.5);
  assert.equal(seven.accuracy, 1);
});

test('alignment: ties keep the smallest tau; confidence equal to tau counts as "correct"', () => {
  // Tuning items 0.30 (1) and 0.30 (0) can only be split by nothing: tau defaults to 0.5.
  const tied = alignment([0.3, 0.3, 0.6, 0.4, 0.2, 0.7, 0.1, 0.9, 0.35, 0.45], [1, 0, 1, 0, 0, 1, 0, 1, 0, 1]);
  assert.equal(tied.thresholdTuned, false);
  // Tuning 0.06 (1), 0.95 (0): every splitting tau (0.07..0.95) misjudges both, so all tie at 0
  // and the smallest, 0.07, wins; a confidence of exactly 0.07 is then judged "correct".
  const inverted = alignment([0.06, 0.95, 0.07, 0.069, 0.5, 0.01, 0.3, 0.2, 0.8, 0.9], [1, 0, 1, 0, 1, 0, 1, 1, 1, 1]);
  assert.equal(inverted.threshold, 0.07);
  assert.equal(inverted.accuracy, 1);
});

test('alignment: bad input is a clear error', () => {
  assert.throws(() => alignment([], []), /no items/);
  assert.throws(() => alignment([0.5, 0.2], [1]), /2 confidences but 1 correctness labels/);
});
