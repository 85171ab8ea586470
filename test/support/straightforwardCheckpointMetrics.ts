/**
 * checkpointMetrics as it was computed before checkpointBootstrap: one bootstrapInterval per
 * metric, each drawing its own resamples and calling the metric function on every one. Kept as
 * the reference the fast path must equal bit for bit (test/unit/core/metrics/checkpointBootstrap)
 * and as the "before" of bench/panelSnapshot.bench.ts. Not for product code: it is the slow way.
 */
import { alignment } from '../../extension/core/metrics/alignment';
import { auroc } from '../../extension/core/metrics/auroc';
import { bootstrapInterval, type ScoredItemsMetric } from '../../extension/core/metrics/bootstrap';
import { brier } from '../../extension/core/metrics/brier';
import { calibrationError } from '../../extension/core/metrics/calibrationError';
import type { CheckpointMetrics, CheckpointMetricsOptions, MetricInterval, MetricName } from '../../extension/core/metrics/checkpointMetrics';
import { SingleClassError } from '../../extension/core/metrics/singleClassError';

export function straightforwardCheckpointMetrics(confidences: ArrayLike<number>, correct: ArrayLike<number>, options: CheckpointMetricsOptions = {}): CheckpointMetrics {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 42;
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
