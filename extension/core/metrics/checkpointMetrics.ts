import { alignment } from './alignment';
import { auroc } from './auroc';
import { percentileBounds } from './bootstrap';
import { brier } from './brier';
import { calibrationError } from './calibrationError';
import { checkpointBootstrap, type ResampledMetric } from './checkpointBootstrap';
import { checkScoredItems } from './checkScoredItems';
import { SingleClassError } from './singleClassError';

/** A metric value with its 95 % percentile-bootstrap interval (lower = upper = value without resamples). */
export interface MetricInterval {
  value: number;
  lower: number;
  upper: number;
}

/** The panel's and the retrain's four metrics of one checkpoint on the user's labels. */
export interface CheckpointMetrics {
  /** Labelled items evaluated. */
  n: number;
  /** AUROC x100; null when all items share one label (AUROC is undefined then). */
  auroc: MetricInterval | null;
  /** ECE (10 equal-width bins, 1.0 in the last bin) as a fraction in [0, 1]. */
  ece: MetricInterval;
  /** Alignment x100 (tau tuned on the first 20 % in the given order, reported on the rest). */
  alignment: MetricInterval;
  /** Brier score, mean squared error in [0, 1]. */
  brier: MetricInterval;
}

export interface CheckpointMetricsOptions {
  /** Bootstrap resamples per metric; 0 gives point values only. Default 1000. */
  resamples?: number;
  /** Seed of every metric's resampling stream (the same resamples for each metric). Default 42. */
  seed?: number;
  /** The reference code's ECE (calibrationError's paperCompatible mode). Default false. */
  paperEce?: boolean;
  /**
   * Which metrics get bootstrap intervals; the others get lower = upper = value. Default all.
   * Alignment resampling is the costly one (99 thresholds per resample), so tables over large
   * test sets may ask for AUROC only.
   */
  intervals?: readonly MetricName[];
}

export type MetricName = 'auroc' | 'ece' | 'alignment' | 'brier';

/**
 * AUROC, ECE, Alignment and Brier (the core metric functions, each documenting its formula)
 * with 95 % percentile-bootstrap intervals (bootstrapInterval's, computed in one pass over
 * shared resamples by checkpointBootstrap with identical results; AUROC resamples with one class
 * only are skipped). Small label sets are where intervals matter most, so they are always
 * computed unless `resamples` is 0.
 * Errors: checkScoredItems' RangeErrors (empty input, lengths differ, confidence outside [0, 1],
 * label not 0/1).
 * Worked example (also a unit test): conf [0.1, 0.4, 0.35, 0.8], correct [0, 0, 1, 1] with 0
 * resamples: auroc 75, ece (0.1 + 0.4 + 0.65 + 0.2) / 4 = 0.3375, alignment 75 (fewer than 5
 * items: no tuning slice, tau 0.5, 3 of 4 decisions right), brier (0.01 + 0.16 + 0.4225 + 0.04)
 * / 4 = 0.158125.
 */
export function checkpointMetrics(confidences: ArrayLike<number>, correct: ArrayLike<number>, options: CheckpointMetricsOptions = {}): CheckpointMetrics {
  checkScoredItems(confidences, correct);
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 42;
  if (!Number.isSafeInteger(resamples) || resamples < 0) throw new RangeError(`resamples must be a non-negative integer, got ${resamples}`);
  const paperEce = options.paperEce ?? false;
  const estimates: Record<MetricName, number | null> = {
    auroc: definedOrNull(() => auroc(confidences, correct)),
    ece: calibrationError(confidences, correct, { paperCompatible: paperEce }),
    alignment: alignment(confidences, correct).accuracy,
    brier: brier(confidences, correct),
  };
  // An undefined AUROC has no interval either (bootstrapInterval refuses its estimate).
  const withIntervals = (options.intervals ?? ALL_METRICS).filter((name) => estimates[name] !== null);
  const resampled: Partial<Record<MetricName, ResampledMetric>> =
    resamples === 0 || withIntervals.length === 0 ? {} : checkpointBootstrap(confidences, correct, { resamples, seed, paperEce, metrics: withIntervals });
  const interval = (name: MetricName, scale: number): MetricInterval => {
    const value = (estimates[name] as number) * scale;
    const values = resampled[name];
    if (values === undefined) return { value, lower: value, upper: value };
    if (values.values.length === 0) throw new Error(`bootstrap: all ${resamples} resamples had a single correctness class; no interval`);
    const bounds = percentileBounds(values.values, INTERVAL_LEVEL);
    return { value, lower: bounds.lower * scale, upper: bounds.upper * scale };
  };
  return {
    n: confidences.length,
    auroc: estimates.auroc === null ? null : interval('auroc', 100),
    ece: interval('ece', 1),
    alignment: interval('alignment', 100),
    brier: interval('brier', 1),
  };
}

const ALL_METRICS: readonly MetricName[] = ['auroc', 'ece', 'alignment', 'brier'];
/** bootstrapInterval's default coverage, which the intervals have always used. */
const INTERVAL_LEVEL = 0.95;

function definedOrNull(metric: () => number): number | null {
  try {
    return metric();
  } catch (error) {
    if (error instanceof SingleClassError) return null;
    throw error;
  }
}

/**
 * The flat record a `head-trained` journal event stores: n, then each metric and its interval
 * as `<name>`, `<name>Lower`, `<name>Upper` (AUROC left out when undefined).
 * Example: { n: 4, auroc: 75, aurocLower: 75, aurocUpper: 75, ece: 0.3375, ... }.
 */
export function flattenCheckpointMetrics(metrics: CheckpointMetrics): Record<string, number> {
  const out: Record<string, number> = { n: metrics.n };
  const put = (name: string, interval: MetricInterval | null): void => {
    if (interval === null) return;
    out[name] = interval.value;
    out[`${name}Lower`] = interval.lower;
    out[`${name}Upper`] = interval.upper;
  };
  put('auroc', metrics.auroc);
  put('ece', metrics.ece);
  put('alignment', metrics.alignment);
  put('brier', metrics.brier);
  return out;
}
