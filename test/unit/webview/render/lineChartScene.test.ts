import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineChartScene, PLOT_BOTTOM, PLOT_LEFT, PLOT_SIZE, PLOT_TOP, LEGEND_LINE } from '../../../../webview/render/lineChartScene';
import { reliabilityChart } from '../../../../webview/render/reliabilityChart';
import { retrainChart } from '../../../../webview/render/retrainChart';
import type { ComparisonRowView, RetrainRow } from '../../../../extension/core/protocol';

const base = { title: 't', xLabel: 'x', yLabel: 'y', xTicks: [], yTicks: [], diagonal: false };

test('worked example: (0.25, 0.5) lands at (94, 108); one point draws no polyline; size follows the legend', () => {
  const scene = lineChartScene({ ...base, series: [{ name: 'a', points: [{ x: 0.25, y: 0.5, title: 'p' }] }] });
  assert.equal(scene.width, 260);
  assert.equal(scene.height, 8 + 200 + 34 + 16);
  const circles = scene.shapes.filter((shape) => shape.tag === 'circle');
  assert.deepEqual(circles, [{ tag: 'circle', attributes: { class: 'series series-0 dot', cx: '94', cy: '108', r: '3' }, text: 'p' }]);
  assert.equal(scene.shapes.filter((shape) => shape.tag === 'polyline').length, 0);
});

test('every point maps by px = left + x * size, py = top + (1 - y) * size; series classes cycle; diagonal from (0,0) to (1,1)', () => {
  const points = [0, 0.1, 0.37, 0.5, 0.999, 1].map((x, i) => ({ x, y: 1 - x / 2, title: `p${i}` }));
  const series = Array.from({ length: 7 }, (_, i) => ({ name: `s${i}`, points }));
  const scene = lineChartScene({ ...base, diagonal: true, series });
  assert.equal(scene.height, PLOT_TOP + PLOT_SIZE + PLOT_BOTTOM + LEGEND_LINE * 7);
  const polylines = scene.shapes.filter((shape) => shape.tag === 'polyline');
  assert.deepEqual(polylines.map((line) => line.attributes.class), [0, 1, 2, 3, 4, 5, 0].map((k) => `series series-${k} trace`));
  const expected = points.map((p) => `${Math.round((PLOT_LEFT + p.x * PLOT_SIZE) * 100) / 100},${Math.round((PLOT_TOP + (1 - p.y) * PLOT_SIZE) * 100) / 100}`).join(' ');
  assert.equal(polylines[3].attributes.points, expected);
  const reference = scene.shapes.find((shape) => shape.attributes.class === 'reference');
  assert.deepEqual(reference?.attributes, { class: 'reference', x1: String(PLOT_LEFT), y1: String(PLOT_TOP + PLOT_SIZE), x2: String(PLOT_LEFT + PLOT_SIZE), y2: String(PLOT_TOP) });
  assert.deepEqual(scene.shapes.filter((shape) => shape.attributes.class === 'legend').map((shape) => shape.text), series.map((s) => s.name));
});

test('a point outside [0, 1] or not finite is a RangeError naming the series and point', () => {
  assert.throws(() => lineChartScene({ ...base, series: [{ name: 'h', points: [{ x: 0.5, y: 0.5, title: '' }, { x: 0.5, y: 1.2, title: '' }] }] }), { name: 'RangeError', message: 'series "h" point 1: y must be in [0, 1], got 1.2' });
  assert.throws(() => lineChartScene({ ...base, series: [{ name: 'h', points: [{ x: NaN, y: 0, title: '' }] }] }), { message: 'series "h" point 0: x must be in [0, 1], got NaN' });
});

test('reliability chart: one series per checkpoint, a point per non-empty bin (worked example), empty heads draw nothing', () => {
  const bins = Array.from({ length: 10 }, (_, k) => ({ lower: k / 10, upper: (k + 1) / 10, count: 0, meanConfidence: null as number | null, accuracy: null as number | null }));
  const withData = bins.map((bin) => ({ ...bin }));
  withData[2] = { lower: 0.2, upper: 0.3, count: 3, meanConfidence: 0.25, accuracy: 1 / 3 };
  withData[9] = { lower: 0.9, upper: 1, count: 1, meanConfidence: 1, accuracy: 1 };
  const rows: ComparisonRowView[] = [
    { headId: 'head', n: 4, metrics: null, bins: withData },
    { headId: 'fresh', n: 0, metrics: null, bins },
  ];
  const input = reliabilityChart(rows);
  assert.equal(input.diagonal, true);
  assert.deepEqual(input.series.map((s) => s.name), ['head (n 4)', 'fresh (n 0)']);
  assert.deepEqual(input.series[0].points[0], { x: 0.25, y: 1 / 3, title: 'head: 0.2-0.3, 3 answers, confidence 25.0 %, right 33.3 %' });
  assert.equal(input.series[0].points.length, 2);
  assert.deepEqual(input.series[1].points, []);
  assert.doesNotThrow(() => lineChartScene(input));
});

test('retrain chart: AUROC / 100 and ECE per retrain at i / (N - 1); a missing metric leaves a gap; one retrain sits at 0.5', () => {
  const row = (auroc: number | undefined, ece: number): RetrainRow => ({
    time: 't', headId: 'h', family: 'elical', budget: null, labelCount: 10, metricsBefore: null, metricsAfter: auroc === undefined ? { ece } : { auroc, ece },
  });
  const input = retrainChart([row(60, 0.2), row(undefined, 0.15), row(80, 0.1)]);
  assert.deepEqual(input.series.map((s) => s.name), ['AUROC / 100', 'ECE']);
  assert.deepEqual(input.series[0].points.map((p) => [p.x, p.y]), [[0, 0.6], [1, 0.8]]);
  assert.deepEqual(input.series[1].points.map((p) => [p.x, p.y]), [[0, 0.2], [0.5, 0.15], [1, 0.1]]);
  assert.deepEqual(retrainChart([row(70, 0.3)]).series[1].points.map((p) => [p.x, p.y]), [[0.5, 0.3]]);
});
