import { test } from 'node:test';
import assert from 'node:assert/strict';
import { riskCoverage } from '../../../../extension/core/metrics/riskCoverage';
import { auroc } from '../../../../extension/core/metrics/auroc';
import { assertClose, loadMetricCases } from '../../../support/metricCases';

test('riskCoverage: worked example of the doc comment', () => {
  const result = riskCoverage([0.9, 0.8, 0.3, 0.2], [1, 0, 1, 0]);
  assert.deepEqual(result.points, [
    { threshold: 0.9, coverage: 0.25, risk: 0 },
    { threshold: 0.8, coverage: 0.5, risk: 0.5 },
    { threshold: 0.3, coverage: 0.75, risk: 1 / 3 },
    { threshold: 0.2, coverage: 1, risk: 0.5 },
  ]);
  assertClose(result.predictionRejectionRatio ?? NaN, 0.5, 'PRR', 1e-15);
});

test('riskCoverage: curve and PRR equal the independent numpy computation on every fixture case', () => {
  for (const item of loadMetricCases()) {
    const result = riskCoverage(item.confidences, item.correct);
    assert.equal(result.points.length, item.riskCoverage.length, item.name);
    result.points.forEach((point, i) => {
      const expected = item.riskCoverage[i];
      assert.equal(point.threshold, expected.threshold, `${item.name} point ${i}`);
      assertClose(point.coverage, expected.coverage, `${item.name} coverage ${i}`);
      assertClose(point.risk, expected.risk, `${item.name} risk ${i}`);
    });
    if (item.prr === null) assert.equal(result.predictionRejectionRatio, null, item.name);
    else assertClose(result.predictionRejectionRatio ?? NaN, item.prr, `${item.name} PRR`);
  }
});

test('riskCoverage: PRR is 2 AUROC - 1, 1 for the oracle order, -1 for its reverse, null for one class', () => {
  for (const item of loadMetricCases()) {
    if (item.auroc === null) continue;
    const prr = riskCoverage(item.confidences, item.correct).predictionRejectionRatio ?? NaN;
    assertClose(prr, 2 * auroc(item.confidences, item.correct) - 1, item.name);
  }
  assert.equal(riskCoverage([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]).predictionRejectionRatio, 1);
  assert.equal(riskCoverage([0.1, 0.2, 0.8, 0.9], [1, 1, 1, 0]).predictionRejectionRatio, -1);
  assert.equal(riskCoverage([0.1, 0.9], [1, 1]).predictionRejectionRatio, null);
  assert.equal(riskCoverage([0.1, 0.9], [0, 0]).predictionRejectionRatio, null);
  // All confidences tied: withholding is random, PRR 0, one point at coverage 1.
  const tied = riskCoverage([0.4, 0.4, 0.4, 0.4], [1, 0, 0, 1]);
  assert.equal(tied.predictionRejectionRatio, 0);
  assert.deepEqual(tied.points, [{ threshold: 0.4, coverage: 1, risk: 0.5 }]);
});

test('riskCoverage: bad input is a clear error', () => {
  assert.throws(() => riskCoverage([], []), /no items/);
  assert.throws(() => riskCoverage([0.2, -1], [0, 1]), /confidence at index 1 is -1/);
});
