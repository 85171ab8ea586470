import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointBootstrap } from '../../../../extension/core/metrics/checkpointBootstrap';
import { checkpointMetrics, type CheckpointMetrics, type CheckpointMetricsOptions } from '../../../../extension/core/metrics/checkpointMetrics';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';
import { straightforwardCheckpointMetrics } from '../../../support/straightforwardCheckpointMetrics';

test('doc example: the four resamples of bootstrapInterval\'s example', () => {
  const result = checkpointBootstrap([0.3, 0.7], [0, 1], { resamples: 4, seed: 42, paperEce: false, metrics: ['auroc', 'alignment'] });
  assert.deepEqual(result, { auroc: { values: [1, 1, 1], skippedSingleClass: 1 }, alignment: { values: [1, 1, 1, 1], skippedSingleClass: 0 } });
});

/** Items with many ties: confidences on a coarse grid, on the alignment tau grid, or at 0 and 1. */
function tiedItems(random: () => number, n: number, kind: number): { confidences: number[]; correct: number[] } {
  const draw = (): number => {
    switch (kind % 4) {
      case 0:
        return Math.floor(random() * 6) / 5;
      case 1:
        return Math.floor(random() * 101) / 100;
      case 2:
        return random() < 0.3 ? (random() < 0.5 ? 0 : 1) : Math.floor(random() * 11) / 10;
      default:
        return random();
    }
  };
  const confidences = Array.from({ length: n }, draw);
  return { confidences, correct: confidences.map((c) => (random() < 0.2 + 0.6 * c ? 1 : 0)) };
}

test('checkpointMetrics equals the straightforward per-metric bootstrap bit for bit (random data with ties)', () => {
  const random = createSeededRandom(2026);
  const sizes = [1, 2, 3, 4, 5, 9, 10, 11, 24, 57, 200, 613];
  let compared = 0;
  for (const [index, n] of sizes.entries()) {
    for (let kind = 0; kind < 4; kind++) {
      const { confidences, correct } = tiedItems(random, n, kind + index);
      const seed = Math.floor(random() * 1000);
      const variants: CheckpointMetricsOptions[] = [
        { resamples: 60, seed },
        { resamples: 60, seed, paperEce: true },
        { resamples: 37, seed, intervals: ['auroc'] },
        { resamples: 25, seed, intervals: ['alignment', 'ece'] },
        { resamples: 0, seed },
      ];
      for (const options of variants) {
        const where = `n ${n}, kind ${kind}, ${JSON.stringify(options)}`;
        let expected: CheckpointMetrics | Error;
        try {
          expected = straightforwardCheckpointMetrics(confidences, correct, options);
        } catch (error) {
          expected = error as Error;
        }
        if (expected instanceof Error) {
          // Two items of both classes can (rarely) give single-class resamples only; same error then.
          assert.throws(() => checkpointMetrics(confidences, correct, options), { message: expected.message }, where);
          continue;
        }
        assert.deepEqual(checkpointMetrics(confidences, correct, options), expected, where);
        compared++;
      }
    }
  }
  assert.ok(compared > 200, `compared ${compared}`);
});

test('the panel\'s case: 3000 items, 200 resamples, seed 42, identical to the straightforward path', () => {
  const random = createSeededRandom(9);
  const confidences = Array.from({ length: 3000 }, () => Math.round(random() * 1000) / 1000);
  const correct = confidences.map((c) => (random() < c ? 1 : 0));
  const options = { resamples: 200, seed: 42 };
  assert.deepEqual(checkpointMetrics(confidences, correct, options), straightforwardCheckpointMetrics(confidences, correct, options));
});

test('typed-array input (the retrain passes Float32Array predictions) gives the same as plain numbers', () => {
  const random = createSeededRandom(4);
  const confidences = Float32Array.from({ length: 150 }, () => random());
  const correct = Array.from(confidences, (c) => (random() < c ? 1 : 0));
  const options = { resamples: 40, seed: 3 };
  assert.deepEqual(checkpointMetrics(confidences, correct, options), straightforwardCheckpointMetrics(Array.from(confidences), correct, options));
});

test('every AUROC resample with one class: the same error as bootstrapInterval', () => {
  // Seed 0's single resample of two items draws item 0 twice.
  const options = { resamples: 1, seed: 0 };
  assert.throws(() => straightforwardCheckpointMetrics([0.2, 0.8], [0, 1], options), /all 1 resamples had a single correctness class/);
  assert.throws(() => checkpointMetrics([0.2, 0.8], [0, 1], options), /^Error: bootstrap: all 1 resamples had a single correctness class; no interval$/);
});

test('bad options are refused', () => {
  assert.throws(() => checkpointBootstrap([0.5], [1], { resamples: 0, seed: 1, paperEce: false, metrics: ['brier'] }), /resamples/);
  assert.throws(() => checkpointBootstrap([0.5], [3], { resamples: 1, seed: 1, paperEce: false, metrics: ['brier'] }), RangeError);
});
