/**
 * An SVG line chart of a metric against the label budget on a logarithmic x axis: the paper's
 * "EliCal vs Cal-Only" figure. Pure string building, no DOM, so the CLI writes it as a file.
 */
import { svgNumber, svgText } from './svgText';

export interface BudgetCurve {
  label: string;
  /** CSS colour. */
  color: string;
  /** (budget, value) points; value null is skipped. */
  points: { budget: number; value: number | null }[];
  /** Draw as a dashed horizontal reference line at points[0].value (e.g. Eli-Only). */
  reference?: boolean;
}

export interface BudgetCurveChart {
  title: string;
  yLabel: string;
  curves: BudgetCurve[];
  /** Tick label per budget (e.g. "all (2804)"); default the number. */
  tickLabels?: Map<number, string>;
}

const WIDTH = 640;
const HEIGHT = 400;
const LEFT = 60;
const RIGHT = 170;
const TOP = 40;
const BOTTOM = 50;

/**
 * x = LEFT + (log10(b) - log10(bMin)) / (log10(bMax) - log10(bMin)) * plot width (the middle when
 * all budgets are equal); y spans [min, max] of the values padded by 5 % of the range (at least
 * 1 unit). Errors: RangeError when a budget is not a positive number or there is no finite value.
 * Worked example (also a unit test): budgets 100 and 10000 put 1000 at the middle of the x axis.
 */
export function budgetCurveSvg(chart: BudgetCurveChart): string {
  const budgets = chart.curves.flatMap((curve) => curve.points.map((point) => point.budget));
  const values = chart.curves.flatMap((curve) => curve.points.map((point) => point.value)).filter((v): v is number => v !== null && Number.isFinite(v));
  if (budgets.some((b) => !(b > 0))) throw new RangeError('budgets must be positive for a logarithmic axis');
  if (values.length === 0) throw new RangeError('no values to plot');
  const lo = Math.log10(Math.min(...budgets));
  const hi = Math.log10(Math.max(...budgets));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const x = (b: number): number => (hi === lo ? LEFT + plotW / 2 : LEFT + ((Math.log10(b) - lo) / (hi - lo)) * plotW);
  const span = Math.max(Math.max(...values) - Math.min(...values), 1);
  const yMin = Math.min(...values) - 0.05 * span;
  const yMax = Math.max(...values) + 0.05 * span;
  const y = (v: number): number => TOP + (1 - (v - yMin) / (yMax - yMin)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="14">${svgText(chart.title)}</text>`,
    `<line x1="${LEFT}" y1="${TOP + plotH}" x2="${LEFT + plotW}" y2="${TOP + plotH}" stroke="black"/>`,
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotH}" stroke="black"/>`,
    `<text x="${LEFT + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">labels (log scale)</text>`,
    `<text x="15" y="${TOP + plotH / 2}" text-anchor="middle" transform="rotate(-90 15 ${svgNumber(TOP + plotH / 2)})">${svgText(chart.yLabel)}</text>`,
  ];
  for (const b of [...new Set(budgets)].sort((p, q) => p - q)) {
    parts.push(`<line x1="${svgNumber(x(b))}" y1="${TOP + plotH}" x2="${svgNumber(x(b))}" y2="${TOP + plotH + 5}" stroke="black"/>`);
    parts.push(`<text x="${svgNumber(x(b))}" y="${TOP + plotH + 18}" text-anchor="middle">${svgText(chart.tickLabels?.get(b) ?? String(b))}</text>`);
  }
  for (let k = 0; k <= 4; k++) {
    const v = yMin + ((yMax - yMin) * k) / 4;
    parts.push(`<text x="${LEFT - 6}" y="${svgNumber(y(v) + 4)}" text-anchor="end">${svgText(v.toFixed(1))}</text>`);
    parts.push(`<line x1="${LEFT}" y1="${svgNumber(y(v))}" x2="${LEFT + plotW}" y2="${svgNumber(y(v))}" stroke="#ddd"/>`);
  }
  chart.curves.forEach((curve, index) => {
    const points = curve.points.filter((p): p is { budget: number; value: number } => p.value !== null && Number.isFinite(p.value));
    if (curve.reference === true && points.length > 0) {
      parts.push(`<line x1="${LEFT}" y1="${svgNumber(y(points[0].value))}" x2="${LEFT + plotW}" y2="${svgNumber(y(points[0].value))}" stroke="${svgText(curve.color)}" stroke-dasharray="6 4"/>`);
    } else if (points.length > 0) {
      parts.push(`<polyline fill="none" stroke="${svgText(curve.color)}" stroke-width="2" points="${points.map((p) => `${svgNumber(x(p.budget))},${svgNumber(y(p.value))}`).join(' ')}"/>`);
      for (const p of points) parts.push(`<circle cx="${svgNumber(x(p.budget))}" cy="${svgNumber(y(p.value))}" r="3" fill="${svgText(curve.color)}"/>`);
    }
    const ly = TOP + 10 + index * 18;
    parts.push(`<line x1="${WIDTH - RIGHT + 15}" y1="${ly}" x2="${WIDTH - RIGHT + 35}" y2="${ly}" stroke="${svgText(curve.color)}" stroke-width="2"${curve.reference === true ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${WIDTH - RIGHT + 40}" y="${ly + 4}">${svgText(curve.label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
