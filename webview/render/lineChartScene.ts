/**
 * A small line chart as plain data (no DOM), so its geometry is unit-tested in Node and the
 * webview only turns shapes into SVG elements (svgScene.ts). Colours are never written here:
 * shapes carry CSS classes that media/panel.css maps to theme variables (--vscode-charts-*),
 * because SVG presentation attributes cannot read CSS variables.
 */

export interface ChartPoint {
  x: number;
  y: number;
  /** Tooltip and screen-reader text for the point. */
  title: string;
}

export interface ChartSeries {
  name: string;
  /** Drawn in this order; points outside [0, 1] x [0, 1] are a RangeError. */
  points: readonly ChartPoint[];
}

export interface ChartTick {
  value: number;
  label: string;
}

export interface LineChartInput {
  /** Accessible name of the whole chart. */
  title: string;
  xLabel: string;
  yLabel: string;
  xTicks: readonly ChartTick[];
  yTicks: readonly ChartTick[];
  series: readonly ChartSeries[];
  /** Draw the dashed y = x reference (perfect calibration in a reliability diagram). */
  diagonal: boolean;
}

export interface Shape {
  tag: 'rect' | 'line' | 'polyline' | 'circle' | 'text';
  attributes: Record<string, string>;
  /** Text content (text shapes) or a <title> child (points). */
  text?: string;
}

export interface ChartScene {
  title: string;
  width: number;
  height: number;
  shapes: Shape[];
}

/** Side of the square plot area, px. */
export const PLOT_SIZE = 200;
/** Space left of the plot (y ticks and label), px. */
export const PLOT_LEFT = 44;
/** Space above the plot, px. */
export const PLOT_TOP = 8;
/** Space below the plot (x ticks and label), px. */
export const PLOT_BOTTOM = 34;
/** Height of one legend line, px. */
export const LEGEND_LINE = 16;
/** Series colours cycle through this many CSS classes (series-0 .. series-5). */
export const SERIES_CLASSES = 6;

const round = (value: number): string => String(Math.round(value * 100) / 100);

/**
 * Lays out the chart: plot area PLOT_SIZE square at (PLOT_LEFT, PLOT_TOP); a data point (x, y) in
 * [0, 1]^2 goes to px = PLOT_LEFT + x * PLOT_SIZE, py = PLOT_TOP + (1 - y) * PLOT_SIZE (y up);
 * coordinates are rounded to 2 decimals. Each series i gets class `series-${i % SERIES_CLASSES}`,
 * a polyline through its points (when it has 2 or more) and a circle (r 3) per point with its
 * title; one legend line per series below the axes. Width = PLOT_LEFT + PLOT_SIZE + 16;
 * height = PLOT_TOP + PLOT_SIZE + PLOT_BOTTOM + LEGEND_LINE * series.
 * Errors: RangeError naming the series and point for a coordinate outside [0, 1] or not finite.
 * Worked example (also a unit test): one series with the point (0.25, 0.5) -> a circle at
 * cx 44 + 50 = 94, cy 8 + 100 = 108, no polyline; width 260, height 8 + 200 + 34 + 16 = 258.
 */
export function lineChartScene(input: LineChartInput): ChartScene {
  const px = (x: number): string => round(PLOT_LEFT + x * PLOT_SIZE);
  const py = (y: number): string => round(PLOT_TOP + (1 - y) * PLOT_SIZE);
  const bottom = PLOT_TOP + PLOT_SIZE;
  const width = PLOT_LEFT + PLOT_SIZE + 16;
  const height = bottom + PLOT_BOTTOM + LEGEND_LINE * input.series.length;
  const shapes: Shape[] = [
    { tag: 'rect', attributes: { class: 'frame', x: String(PLOT_LEFT), y: String(PLOT_TOP), width: String(PLOT_SIZE), height: String(PLOT_SIZE) } },
  ];
  for (const tick of input.xTicks) {
    shapes.push({ tag: 'line', attributes: { class: 'grid', x1: px(tick.value), y1: String(PLOT_TOP), x2: px(tick.value), y2: String(bottom) } });
    shapes.push({ tag: 'text', attributes: { class: 'tick', x: px(tick.value), y: String(bottom + 12), 'text-anchor': 'middle' }, text: tick.label });
  }
  for (const tick of input.yTicks) {
    shapes.push({ tag: 'line', attributes: { class: 'grid', x1: String(PLOT_LEFT), y1: py(tick.value), x2: String(PLOT_LEFT + PLOT_SIZE), y2: py(tick.value) } });
    shapes.push({ tag: 'text', attributes: { class: 'tick', x: String(PLOT_LEFT - 4), y: round(PLOT_TOP + (1 - tick.value) * PLOT_SIZE + 4), 'text-anchor': 'end' }, text: tick.label });
  }
  shapes.push({ tag: 'text', attributes: { class: 'axis-label', x: px(0.5), y: String(bottom + 26), 'text-anchor': 'middle' }, text: input.xLabel });
  shapes.push({
    tag: 'text',
    attributes: { class: 'axis-label', x: '10', y: py(0.5), 'text-anchor': 'middle', transform: `rotate(-90 10 ${py(0.5)})` },
    text: input.yLabel,
  });
  if (input.diagonal) shapes.push({ tag: 'line', attributes: { class: 'reference', x1: px(0), y1: py(0), x2: px(1), y2: py(1) } });
  input.series.forEach((series, index) => {
    const kind = `series series-${index % SERIES_CLASSES}`;
    for (const [at, point] of series.points.entries()) {
      for (const [axis, value] of [['x', point.x], ['y', point.y]] as const) {
        if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`series ${JSON.stringify(series.name)} point ${at}: ${axis} must be in [0, 1], got ${value}`);
      }
    }
    if (series.points.length >= 2) {
      shapes.push({ tag: 'polyline', attributes: { class: `${kind} trace`, points: series.points.map((point) => `${px(point.x)},${py(point.y)}`).join(' ') } });
    }
    for (const point of series.points) shapes.push({ tag: 'circle', attributes: { class: `${kind} dot`, cx: px(point.x), cy: py(point.y), r: '3' }, text: point.title });
    const legendY = bottom + PLOT_BOTTOM + LEGEND_LINE * index + 4;
    shapes.push({ tag: 'line', attributes: { class: `${kind} trace`, x1: String(PLOT_LEFT), y1: String(legendY), x2: String(PLOT_LEFT + 18), y2: String(legendY) } });
    shapes.push({ tag: 'text', attributes: { class: 'legend', x: String(PLOT_LEFT + 24), y: String(legendY + 4) }, text: series.name });
  });
  return { title: input.title, width, height, shapes };
}
