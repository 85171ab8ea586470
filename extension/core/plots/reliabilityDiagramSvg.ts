/**
 * An SVG reliability diagram: for the 10 bins of reliabilityBins, a bar whose height is the bin's
 * accuracy, the diagonal of perfect calibration, and each bin's count; one panel per method.
 */
import type { ReliabilityBin } from '../metrics/reliabilityBins';
import { svgNumber, svgText } from './svgText';

export interface ReliabilityPanel {
  title: string;
  bins: readonly ReliabilityBin[];
}

const PANEL = 220;
const MARGIN = 40;

/**
 * Panels side by side, each PANEL px square: bar k spans x in [k/10, (k+1)/10] with height
 * = accuracy (empty bins draw no bar), a red tick at the bin's mean confidence, the dashed
 * diagonal y = x. Errors: RangeError for no panels.
 * Worked example (also a unit test): a bin with accuracy 0.5 draws a bar of height PANEL / 2 = 110.
 */
export function reliabilityDiagramSvg(title: string, panels: readonly ReliabilityPanel[]): string {
  if (panels.length === 0) throw new RangeError('no panels to draw');
  const width = panels.length * (PANEL + MARGIN) + MARGIN;
  const height = PANEL + 3 * MARGIN;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${svgText(title)}</text>`,
  ];
  panels.forEach((panel, index) => {
    const left = MARGIN + index * (PANEL + MARGIN);
    const top = 2 * MARGIN - 10;
    const x = (c: number): number => left + c * PANEL;
    const y = (a: number): number => top + (1 - a) * PANEL;
    parts.push(`<text x="${svgNumber(left + PANEL / 2)}" y="${top - 8}" text-anchor="middle">${svgText(panel.title)}</text>`);
    parts.push(`<rect x="${left}" y="${top}" width="${PANEL}" height="${PANEL}" fill="none" stroke="black"/>`);
    for (const bin of panel.bins) {
      if (bin.count === 0 || bin.accuracy === null || bin.meanConfidence === null) continue;
      parts.push(`<rect x="${svgNumber(x(bin.lower) + 1)}" y="${svgNumber(y(bin.accuracy))}" width="${svgNumber((bin.upper - bin.lower) * PANEL - 2)}" height="${svgNumber(bin.accuracy * PANEL)}" fill="#4a7fb5"><title>${svgText(`[${bin.lower.toFixed(1)}, ${bin.upper.toFixed(1)}): ${bin.count} answers, accuracy ${(bin.accuracy * 100).toFixed(1)} %, mean confidence ${(bin.meanConfidence * 100).toFixed(1)} %`)}</title></rect>`);
      parts.push(`<line x1="${svgNumber(x(bin.meanConfidence))}" y1="${top + PANEL}" x2="${svgNumber(x(bin.meanConfidence))}" y2="${top + PANEL - 8}" stroke="#c0392b" stroke-width="2"/>`);
      parts.push(`<text x="${svgNumber(x((bin.lower + bin.upper) / 2))}" y="${top + PANEL + 14}" text-anchor="middle" font-size="8">${bin.count}</text>`);
    }
    parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#888" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${svgNumber(left + PANEL / 2)}" y="${top + PANEL + 30}" text-anchor="middle">confidence (bar: accuracy)</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
