import { alignment } from './alignment';
import { auroc } from './auroc';
import { bootstrapInterval, type ScoredItemsMetric } from './bootstrap';
import { brier } from './brier';
import { calibrationError } from './calibrationError';
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
 * with 95 % percentile-bootstrap intervals (bootstrapInterval; AUROC resamples with one class
 * only are skipped there). Small label sets are where intervals matter most, so they are always
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
  const withIntervals = new Set<MetricName>(options.intervals ?? ['auroc', 'ece', 'alignment', 'brier']);
  const interval = (name: MetricName, metric: ScoredItemsMetric, scale: number): MetricInterval => {
    if (resamples === 0 || !withIntervals.has(name)) {
      const value = metric(Array.from(confidences), Array.from(correct)) * scale;
      return { value, lower: value, upper: value };
    }
    const result = bootstrapInterval(confidences, correct, metric, { resamples, seed });
    return { value: result.estimate * scale, lower: result.lower * scale, upper: result.upper * scale };
  };
  let area: MetricInterval | null = null;
  try {
    area = interval('auroc', auroc, 100);
  } catch (error) {
    if (!(error instanceof SingleClassError)) throw error;
  }
  return {
    n: confidences.length,
    auroc: area,
    ece: interval('ece', (c, y) => calibrationError(c, y, { paperCompatible: options.paperEce ?? false }), 1),
    alignment: interval('alignment', (c, y) => alignment(c, y).accuracy, 100),
    brier: interval('brier', brier, 1),
  };
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
