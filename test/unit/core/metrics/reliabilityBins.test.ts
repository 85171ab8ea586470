import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reliabilityBins } from '../../../../extension/core/metrics/reliabilityBins';
import { calibrationError } from '../../../../extension/core/metrics/calibrationError';
import { assertClose, loadMetricCases } from '../../../support/metricCases';

test('reliabilityBins: worked example of the doc comment', () => {
  const bins = reliabilityBins([1.0, 1.0, 0.85, 0.25], [0, 0, 1, 0]);
  assert.equal(bins.length, 10);
  assert.deepEqual(bins[2], { lower: 0.2, upper: 0.3, count: 1, meanConfidence: 0.25, accuracy: 0 });
  assert.deepEqual(bins[8], { lower: 0.8, upper: 0.9, count: 1, meanConfidence: 0.85, accuracy: 1 });
  assert.deepEqual(bins[9], { lower: 0.9, upper: 1, count: 2, meanConfidence: 1, accuracy: 0 });
  for (const k of [0, 1, 3, 4, 5, 6, 7]) assert.deepEqual(bins[k], { lower: k / 10, upper: (k + 1) / 10, count: 0, meanConfidence: null, accuracy: null });
});

test('reliabilityBins: equal numpy per-bin counts, means and accuracies on every fixture case', () => {
  for (const item of loadMetricCases()) {
    const bins = reliabilityBins(item.confidences, item.correct);
    let total = 0;
    let weighted = 0;
    bins.forEach((bin, k) => {
      const expected = item.reliabilityBins[k];
      const where = `${item.name}, bin ${k}`;
      assert.equal(bin.count, expected.count, where);
      if (expected.meanConfidence === null || expected.accuracy === null) {
        assert.equal(bin.meanConfidence, null, where);
        assert.equal(bin.accuracy, null, where);
        return;
      }
      assertClose(bin.meanConfidence ?? NaN, expected.meanConfidence, where);
      assertClose(bin.accuracy ?? NaN, expected.accuracy, where);
      total += bin.count;
      weighted += bin.count * Math.abs((bin.meanConfidence ?? NaN) - (bin.accuracy ?? NaN));
    });
    assert.equal(total, item.confidences.length, item.name);
    // The bins are the ones ECE sums over.
    assertClose(weighted / total, calibrationError(item.confidences, item.correct), `${item.name}: ECE from bins`);
  }
});
