/**
 * The four metrics of one method on one test set, in the units of the paper's tables.
 */
import { checkpointMetrics } from '../metrics/checkpointMetrics';

export interface ScoreMetrics {
  n: number;
  /** AUROC x100; null when the test set has one correctness class only. */
  auroc: number | null;
  /** 95 % percentile-bootstrap interval of AUROC x100 (bootstrapInterval); null when not computed. */
  aurocLower: number | null;
  aurocUpper: number | null;
  /** ECE as a fraction (10 bins; paper-compatible only when asked). */
  ece: number;
  /** Alignment x100 (tau tuned on the first 20 % in file order). */
  alignment: number;
  brier: number;
}

export interface ScoreMetricsOptions {
  paperEce?: boolean;
  /** Bootstrap resamples for the AUROC interval; 0 = none. Default 0. */
  bootstrap?: number;
  seed?: number;
}

/**
 * The paper-table view of checkpointMetrics (which documents each formula): point values, with
 * a bootstrap interval for AUROC only when `bootstrap` > 0.
 * Worked example (also a unit test): conf [0.1, 0.4, 0.35, 0.8], correct [0, 0, 1, 1] ->
 * auroc 75, ece |0.1-0| + |0.4-0| + |0.35-1| + |0.8-1| over 4 = 0.3375, alignment 75 (no tuning
 * slice below 5 items: tau 0.5, 3 of 4 right), brier (0.01 + 0.16 + 0.4225 + 0.04) / 4 = 0.158125.
 */
export function scoreMetrics(confidences: ArrayLike<number>, correct: ArrayLike<number>, options: ScoreMetricsOptions = {}): ScoreMetrics {
  const resamples = options.bootstrap ?? 0;
  const metrics = checkpointMetrics(confidences, correct, {
    resamples,
    seed: options.seed ?? 42,
    paperEce: options.paperEce ?? false,
    intervals: ['auroc'],
  });
  return {
    n: metrics.n,
    auroc: metrics.auroc?.value ?? null,
    aurocLower: resamples > 0 ? (metrics.auroc?.lower ?? null) : null,
    aurocUpper: resamples > 0 ? (metrics.auroc?.upper ?? null) : null,
    ece: metrics.ece.value,
    alignment: metrics.alignment.value,
    brier: metrics.brier.value,
  };
}

/**
 * Paper-level average of several test sets' metrics, each weighted by its item count n
 * (elical.md, "Metrics"): sum_i n_i * m_i / sum_i n_i for each metric; AUROC averages only the
 * sets where it is defined (weights renormalised), null when none is. The interval is kept only
 * for a single set (an average of intervals is not an interval).
 * Worked example (also a unit test): AUROC 80 on 100 items and 60 on 300 -> 65.
 */
export function weightedAverage(parts: readonly ScoreMetrics[]): ScoreMetrics {
  if (parts.length === 0) throw new RangeError('no test sets to average');
  if (parts.length === 1) return { ...parts[0] };
  const n = parts.reduce((sum, part) => sum + part.n, 0);
  const mean = (pick: (part: ScoreMetrics) => number): number => parts.reduce((sum, part) => sum + part.n * pick(part), 0) / n;
  const defined = parts.filter((part) => part.auroc !== null);
  const definedN = defined.reduce((sum, part) => sum + part.n, 0);
  return {
    n,
    auroc: defined.length === 0 ? null : defined.reduce((sum, part) => sum + part.n * (part.auroc as number), 0) / definedN,
    aurocLower: null,
    aurocUpper: null,
    ece: mean((part) => part.ece),
    alignment: mean((part) => part.alignment),
    brier: mean((part) => part.brier),
  };
}
