import { createSeededRandom } from '../math/seededRandom';
import { checkScoredItems } from './checkScoredItems';
import { SingleClassError } from './singleClassError';

/** A metric over scored items, e.g. auroc or (c, y) => alignment(c, y).accuracy. */
export type ScoredItemsMetric = (confidences: number[], correct: number[]) => number;

/** Options of bootstrapInterval. */
export interface BootstrapOptions {
  /** Resamples to draw, a positive integer. Default 1000. */
  resamples?: number;
  /** Coverage of the interval, strictly between 0 and 1. Default 0.95. */
  level?: number;
  /** Seed of the resampling stream (createSeededRandom). Default 42, the project's seed. */
  seed?: number;
}

/** A percentile bootstrap interval and how it was obtained. */
export interface BootstrapInterval {
  /** The metric on the original items. */
  estimate: number;
  /** Percentile (1 - level) / 2 of the resampled values. */
  lower: number;
  /** Percentile 1 - (1 - level) / 2 of the resampled values. */
  upper: number;
  level: number;
  /** Resamples drawn (the option). */
  resamples: number;
  /** Resamples whose value entered the percentiles. */
  used: number;
  /** Resamples left out because the metric threw SingleClassError on them (e.g. AUROC). */
  skippedSingleClass: number;
}

/**
 * Percentile bootstrap confidence interval of any metric over scored items, reproducible by seed.
 *
 * Definition: draw `resamples` resamples; each picks N item indices with replacement, index
 * floor(u * N) for successive u from createSeededRandom(seed) (N draws per resample, resample
 * after resample). Evaluate the metric on each. A resample on which the metric throws
 * SingleClassError (all items of one class, so AUROC is undefined) is skipped and counted;
 * any other error propagates. With the used values sorted, v_0 <= .. <= v_{m-1}, the q-quantile
 * is linear interpolation at h = (m - 1) q: v_floor(h) + (h - floor(h)) (v_floor(h)+1 - v_floor(h))
 * (numpy's default "linear" percentile); lower = quantile((1 - level) / 2), upper =
 * quantile(1 - (1 - level) / 2).
 * A resample lists its items in the order they were drawn, so
 * order-dependent metrics such as alignment tune on the first 20 % of each resample.
 * Range: lower <= upper, both within the metric's range; skipped resamples make the interval
 * describe only resamples with both classes, which is why they are counted.
 * Errors: checkScoredItems' RangeErrors; RangeError for resamples not a positive integer or level
 * not in (0, 1); the metric's SingleClassError on the original items; Error when every resample
 * was skipped.
 * Worked example (also a unit test): items conf [0.3, 0.7], correct [0, 1], metric = mean of
 * correct, 4 resamples, level 0.5, seed 42. The draws 0.601 0.448 | 0.852 0.670 | 0.175 0.527 |
 * 0.273 0.625 pick indices [1, 0], [1, 1], [0, 1], [0, 1], so the values are 0.5, 1, 0.5, 0.5;
 * sorted [0.5, 0.5, 0.5, 1]: lower at h = 0.75 is 0.5, upper at h = 2.25 is 0.5 + 0.25 * 0.5 =
 * 0.625; estimate 0.5, used 4, skippedSingleClass 0.
 */
export function bootstrapInterval(
  confidences: ArrayLike<number>,
  correct: ArrayLike<number>,
  metric: ScoredItemsMetric,
  options: BootstrapOptions = {},
): BootstrapInterval {
  checkScoredItems(confidences, correct);
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  if (!Number.isSafeInteger(resamples) || resamples < 1) {
    throw new RangeError(`bootstrap: resamples must be a positive integer, got ${resamples}`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap: level must be strictly between 0 and 1, got ${level}`);
  const random = createSeededRandom(options.seed ?? 42);
  const n = confidences.length;
  const estimate = metric(Array.from(confidences), Array.from(correct));
  const values: number[] = [];
  let skippedSingleClass = 0;
  const sampleConfidences = new Array<number>(n);
  const sampleCorrect = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const index = Math.floor(random() * n);
      sampleConfidences[i] = confidences[index];
      sampleCorrect[i] = correct[index];
    }
    try {
      values.push(metric(sampleConfidences, sampleCorrect));
    } catch (error) {
      if (!(error instanceof SingleClassError)) throw error;
      skippedSingleClass++;
    }
  }
  if (values.length === 0) {
    throw new Error(`bootstrap: all ${resamples} resamples had a single correctness class; no interval`);
  }
  const { lower, upper } = percentileBounds(values, level);
  return {
    estimate,
    lower,
    upper,
    level,
    resamples,
    used: values.length,
    skippedSingleClass,
  };
}

/**
 * The percentile interval of bootstrapInterval over already resampled values: sorts `values` in
 * place (ascending) and returns the (1 - level) / 2 and 1 - (1 - level) / 2 quantiles, linear
 * interpolation as defined there. Shared so that a caller that evaluates its resamples another
 * way (checkpointBootstrap) reports exactly the same bounds.
 * Errors: none checked here; callers pass at least one value and a level in (0, 1).
 * Worked example (also a unit test): [1, 0.5, 0.5, 0.5] at level 0.5 -> lower 0.5, upper 0.625.
 */
export function percentileBounds(values: number[], level: number): { lower: number; upper: number } {
  values.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { lower: quantile(values, tail), upper: quantile(values, 1 - tail) };
}

function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const below = Math.floor(h);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
}
