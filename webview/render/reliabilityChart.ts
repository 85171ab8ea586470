import type { ComparisonRowView } from '../../extension/core/protocol';
import type { LineChartInput } from './lineChartScene';

const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;

/**
 * The reliability diagram's input: one series per checkpoint (in the comparison's order), one
 * point per non-empty bin at (mean confidence, accuracy), the y = x diagonal for reference.
 * Empty bins are skipped rather than drawn at 0 (no answers is not "always wrong").
 * Worked example (also a unit test): a head with bin 2 {count 3, meanConfidence 0.25, accuracy
 * 1/3} gives the point (0.25, 0.3333) titled "head: 0.2-0.3, 3 answers, confidence 25.0 %,
 * right 33.3 %".
 */
export function reliabilityChart(rows: readonly ComparisonRowView[]): LineChartInput {
  const ticks = [0, 0.5, 1].map((value) => ({ value, label: value.toFixed(1) }));
  return {
    title: 'Reliability diagram: accuracy against confidence in 10 bins, one line per checkpoint; the dashed diagonal is perfect calibration',
    xLabel: 'confidence',
    yLabel: 'share right',
    xTicks: ticks,
    yTicks: ticks,
    diagonal: true,
    series: rows.map((row) => ({
      name: `${row.headId} (n ${row.n})`,
      points: row.bins.flatMap((bin) =>
        bin.count === 0 || bin.meanConfidence === null || bin.accuracy === null
          ? []
          : [{ x: bin.meanConfidence, y: bin.accuracy, title: `${row.headId}: ${bin.lower.toFixed(1)}-${bin.upper.toFixed(1)}, ${bin.count} answers, confidence ${percent(bin.meanConfidence)}, right ${percent(bin.accuracy)}` }],
      ),
    })),
  };
}
