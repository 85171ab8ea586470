import { createSeededRandom } from '../math/seededRandom';
import type { MetricName } from './checkpointMetrics';
import { checkScoredItems } from './checkScoredItems';
import { confidenceBin, CONFIDENCE_BIN_COUNT } from './confidenceBin';
import { resampledAlignment } from './resampledAlignment';
import { resampledAuroc } from './resampledAuroc';

export interface CheckpointBootstrapOptions {
  /** Resamples to draw, a positive integer. */
  resamples: number;
  /** Seed of the resampling stream (createSeededRandom). */
  seed: number;
  /** calibrationError's paperCompatible mode for ECE. */
  paperEce: boolean;
  /** Metrics to evaluate on every resample. */
  metrics: readonly MetricName[];
}

/** One metric over the resamples. */
export interface ResampledMetric {
  /** The metric (as a fraction, unscaled) on each resample where it is defined, in draw order. */
  values: number[];
  /** Resamples on which it is undefined: AUROC of a resample with one correctness class. */
  skippedSingleClass: number;
}

/**
 * The values bootstrapInterval collects for each of checkpointMetrics' metrics (same seed, same
 * resamples), from one pass: the resamples are drawn once and shared, since bootstrapInterval
 * draws exactly the same indices for every metric of one seed, and each metric is evaluated from
 * per-item values prepared once (AUROC: resampledAuroc; Alignment: resampledAlignment; ECE: each
 * item's bin; Brier: each item's squared error). Why: the panel rebuilds these intervals on
 * every label, and re-sorting and re-validating each resample per metric was most of its time.
 *
 * Definition: resample r (r = 0..R-1) is the index sequence floor(u * n) for n successive u from
 * createSeededRandom(seed), as in bootstrapInterval. On it, ECE and Brier accumulate in draw
 * order with calibrationError's and brier's float operations, AUROC and Alignment are integer
 * counts; so every value equals the metric function on that resample bit for bit, and
 * percentileBounds over `values` gives bootstrapInterval's bounds exactly (a unit test compares
 * them on random data with ties).
 * Errors: checkScoredItems' RangeErrors; RangeError for resamples not a positive integer.
 * Worked example (also a unit test): conf [0.3, 0.7], correct [0, 1], 4 resamples, seed 42 draw
 * [1, 0], [1, 1], [0, 1], [0, 1] (bootstrapInterval's example), so AUROC has values [1, 1, 1]
 * with 1 skipped ([1, 1] holds only the correct item) and Alignment [1, 1, 1, 1] (two draws: no
 * tuning, tau 0.5 judges both items right).
 */
export function checkpointBootstrap(
  confidences: ArrayLike<number>,
  correct: ArrayLike<number>,
  options: CheckpointBootstrapOptions,
): Partial<Record<MetricName, ResampledMetric>> {
  checkScoredItems(confidences, correct);
  if (!Number.isSafeInteger(options.resamples) || options.resamples < 1) {
    throw new RangeError(`checkpointBootstrap: resamples must be a positive integer, got ${options.resamples}`);
  }
  const wanted = new Set(options.metrics);
  const evaluators: { name: MetricName; evaluate: (drawn: ArrayLike<number>) => number | null; out: ResampledMetric }[] = [];
  const add = (name: MetricName, prepare: () => (drawn: ArrayLike<number>) => number | null): void => {
    if (wanted.has(name)) evaluators.push({ name, evaluate: prepare(), out: { values: [], skippedSingleClass: 0 } });
  };
  add('auroc', () => resampledAuroc(confidences, correct));
  add('ece', () => resampledEce(confidences, correct, options.paperEce));
  add('alignment', () => resampledAlignment(confidences, correct));
  add('brier', () => resampledBrier(confidences, correct));
  const random = createSeededRandom(options.seed);
  const n = confidences.length;
  const drawn = new Int32Array(n);
  for (let r = 0; r < options.resamples; r++) {
    for (let t = 0; t < n; t++) drawn[t] = Math.floor(random() * n);
    for (const { evaluate, out } of evaluators) {
      const value = evaluate(drawn);
      if (value === null) out.skippedSingleClass++;
      else out.values.push(value);
    }
  }
  return Object.fromEntries(evaluators.map(({ name, out }) => [name, out]));
}

/** calibrationError on a resample: each item's bin found once (-1: left out in paper mode). */
function resampledEce(confidences: ArrayLike<number>, correct: ArrayLike<number>, paperCompatible: boolean): (drawn: ArrayLike<number>) => number {
  const n = confidences.length;
  const binOf = Int8Array.from({ length: n }, (_, i) => (paperCompatible && confidences[i] === 1 ? -1 : confidenceBin(confidences[i])));
  const counts = new Int32Array(CONFIDENCE_BIN_COUNT);
  const confidenceSums = new Float64Array(CONFIDENCE_BIN_COUNT);
  const correctSums = new Float64Array(CONFIDENCE_BIN_COUNT);
  return (drawn) => {
    counts.fill(0);
    confidenceSums.fill(0);
    correctSums.fill(0);
    for (let t = 0; t < drawn.length; t++) {
      const item = drawn[t];
      const bin = binOf[item];
      if (bin < 0) continue;
      counts[bin]++;
      confidenceSums[bin] += confidences[item];
      correctSums[bin] += correct[item];
    }
    let total = 0;
    for (let bin = 0; bin < CONFIDENCE_BIN_COUNT; bin++) {
      if (counts[bin] !== 0) total += Math.abs(confidenceSums[bin] - correctSums[bin]);
    }
    return total / drawn.length;
  };
}

/** brier on a resample: each item's squared error computed once, summed in draw order. */
function resampledBrier(confidences: ArrayLike<number>, correct: ArrayLike<number>): (drawn: ArrayLike<number>) => number {
  const squaredError = Float64Array.from({ length: confidences.length }, (_, i) => (confidences[i] - correct[i]) ** 2);
  return (drawn) => {
    let sum = 0;
    for (let t = 0; t < drawn.length; t++) sum += squaredError[drawn[t]];
    return sum / drawn.length;
  };
}
