import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapInterval, percentileBounds, type ScoredItemsMetric } from '../../../../extension/core/metrics/bootstrap';
import { auroc } from '../../../../extension/core/metrics/auroc';
import { calibrationError } from '../../../../extension/core/metrics/calibrationError';
import { alignment } from '../../../../extension/core/metrics/alignment';
import { SingleClassError } from '../../../../extension/core/metrics/singleClassError';
import { assertClose, loadMetricCases } from '../../../support/metricCases';

const meanCorrect: ScoredItemsMetric = (_confidences, correct) => correct.reduce((sum, y) => sum + y, 0) / correct.length;

test('bootstrapInterval: worked example of the doc comment', () => {
  const result = bootstrapInterval([0.3, 0.7], [0, 1], meanCorrect, { resamples: 4, level: 0.5, seed: 42 });
  assert.deepEqual(result, { estimate: 0.5, lower: 0.5, upper: 0.625, level: 0.5, resamples: 4, used: 4, skippedSingleClass: 0 });
});

test('bootstrapInterval: equals sklearn/numpy percentiles over the same mulberry32 resamples', () => {
  const metrics: Record<string, ScoredItemsMetric> = { auroc, ece: calibrationError };
  let checked = 0;
  for (const item of loadMetricCases()) {
    for (const expected of item.bootstrap) {
      const result = bootstrapInterval(item.confidences, item.correct, metrics[expected.metric], {
        resamples: expected.resamples,
        level: expected.level,
        seed: expected.seed,
      });
      const where = `${item.name} ${expected.metric}`;
      assert.equal(result.used, expected.used, where);
      assert.equal(result.skippedSingleClass, expected.skippedSingleClass, where);
      assertClose(result.estimate, expected.estimate, `${where} estimate`);
      assertClose(result.lower, expected.lower, `${where} lower`);
      assertClose(result.upper, expected.upper, `${where} upper`);
      assert.ok(result.lower <= result.estimate && result.estimate <= result.upper, where);
      checked++;
    }
  }
  assert.ok(checked >= 3, `only ${checked} bootstrap expectations in the fixture`);
});

test('bootstrapInterval: single-class resamples are skipped and counted; same seed, same interval', () => {
  // 1 wrong item in 6: P(resample has no wrong item) = (5/6)^6 ~ 0.33.
  const confidences = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
  const correct = [1, 1, 1, 1, 1, 0];
  const result = bootstrapInterval(confidences, correct, auroc, { resamples: 300, seed: 5 });
  assert.equal(result.used + result.skippedSingleClass, 300);
  assert.ok(result.skippedSingleClass > 60 && result.skippedSingleClass < 140, `skipped ${result.skippedSingleClass}`);
  assert.deepEqual(bootstrapInterval(confidences, correct, auroc, { resamples: 300, seed: 5 }), result);
  assert.notDeepEqual(bootstrapInterval(confidences, correct, auroc, { resamples: 300, seed: 6 }), result);
  // The all-correct resamples are not silently scored by a metric that does not throw.
  const ece = bootstrapInterval(confidences, correct, calibrationError, { resamples: 300, seed: 5 });
  assert.equal(ece.skippedSingleClass, 0);
});

test('bootstrapInterval: a 95% interval for AUROC covers the truth about 95% of the time', () => {
  // Scores of correct items ~ U(0.2, 1), of wrong items ~ U(0, 0.8): true AUROC = 1 - 0.5 * 0.6^2 / 0.64 = 0.71875.
  const truth = 1 - (0.5 * 0.6 * 0.6) / (0.8 * 0.8);
  let state = 99;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  let covered = 0;
  const trials = 60;
  for (let trial = 0; trial < trials; trial++) {
    const correct = Array.from({ length: 80 }, (_, i) => i % 2);
    const confidences = correct.map((y) => (y === 1 ? 0.2 + 0.8 * uniform() : 0.8 * uniform()));
    const { lower, upper } = bootstrapInterval(confidences, correct, auroc, { resamples: 200, seed: trial });
    if (lower <= truth && truth <= upper) covered++;
  }
  // Binomial(60, 0.95) is >= 51 with probability > 0.99; a broken interval (e.g. swapped tails) is far off.
  assert.ok(covered >= 51, `covered ${covered} of ${trials}`);
});

test('bootstrapInterval: bad options, single-class originals and other metric errors fail clearly', () => {
  assert.throws(() => bootstrapInterval([0.5], [1], meanCorrect, { resamples: 0 }), /resamples must be a positive integer, got 0/);
  assert.throws(() => bootstrapInterval([0.5], [1], meanCorrect, { resamples: 2.5 }), /resamples must be a positive integer/);
  assert.throws(() => bootstrapInterval([0.5], [1], meanCorrect, { level: 1 }), /level must be strictly between 0 and 1, got 1/);
  assert.throws(() => bootstrapInterval([0.5], [1], meanCorrect, { seed: 0.5 }), /seed must be a safe integer/);
  assert.throws(() => bootstrapInterval([0.5, 0.6], [1, 1], auroc), SingleClassError);
  assert.throws(
    () => bootstrapInterval([0.5, 0.6], [1, 0], () => { throw new TypeError('metric bug'); }),
    /metric bug/,
  );
  // Every resample single-class: with 2 items, P(both classes) = 1/2, so 1 resample may fail;
  // find a seed where it does and check the message.
  let message = '';
  for (let seed = 0; seed < 20 && message === ''; seed++) {
    try {
      bootstrapInterval([0.3, 0.7], [0, 1], auroc, { resamples: 1, seed });
    } catch (error) {
      message = (error as Error).message;
    }
  }
  assert.match(message, /all 1 resamples had a single correctness class; no interval/);
  // Order-dependent metrics work: alignment is tuned on the first 20 % of each resample.
  const result = bootstrapInterval(
    Array.from({ length: 50 }, (_, i) => (i % 10) / 10 + 0.05),
    Array.from({ length: 50 }, (_, i) => (i % 10 >= 5 ? 1 : 0)),
    (c, y) => alignment(c, y).accuracy,
    { resamples: 50 },
  );
  assert.ok(result.lower <= result.upper);
});

test('percentileBounds: doc example, the values of bootstrapInterval\'s example, sorted in place', () => {
  const values = [1, 0.5, 0.5, 0.5];
  assert.deepEqual(percentileBounds(values, 0.5), { lower: 0.5, upper: 0.625 });
  assert.deepEqual(values, [0.5, 0.5, 0.5, 1]);
});
