import type { RetrainRow } from '../../extension/core/protocol';
import type { LineChartInput } from './lineChartScene';

/**
 * The calibration-history chart's input: cross-validated AUROC (scaled to [0, 1], so it shares
 * the axis with ECE) and ECE after each retrain, in journal order. Retrain i of N sits at
 * x = i / (N - 1), a single retrain at x = 0.5; a retrain without the metric leaves a gap in that
 * series only. AUROC is clamped into [0, 1] after scaling (it is x100 in the journal).
 * Worked example (also a unit test): retrains with auroc 60, ece 0.2 then auroc 80, ece 0.1 ->
 * "AUROC / 100" points (0, 0.6), (1, 0.8); "ECE" points (0, 0.2), (1, 0.1).
 */
export function retrainChart(rows: readonly RetrainRow[]): LineChartInput {
  const x = (index: number): number => (rows.length === 1 ? 0.5 : index / (rows.length - 1));
  const series = (name: string, key: string, scale: number) => ({
    name,
    points: rows.flatMap((row, index) => {
      const value = row.metricsAfter[key];
      if (value === undefined) return [];
      const y = Math.min(1, Math.max(0, value / scale));
      return [{ x: x(index), y, title: `${row.time} ${row.headId}: ${key} ${value.toFixed(3)} (${row.labelCount} labels)` }];
    }),
  });
  return {
    title: 'Calibration history: AUROC and ECE after each retrain',
    xLabel: 'retrain (oldest to newest)',
    yLabel: 'value',
    xTicks: rows.length === 1 ? [{ value: 0.5, label: '1' }] : [{ value: 0, label: '1' }, { value: 1, label: String(rows.length) }],
    yTicks: [0, 0.5, 1].map((value) => ({ value, label: value.toFixed(1) })),
    diagonal: false,
    series: [series('AUROC / 100', 'auroc', 100), series('ECE', 'ece', 1)],
  };
}
