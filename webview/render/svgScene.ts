/**
 * Turns a ChartScene into SVG DOM with createElementNS and textContent only (never markup
 * strings), so head ids and question text from the journal cannot inject elements.
 */
import type { ChartScene } from './lineChartScene';

const SVG = 'http://www.w3.org/2000/svg';

export function svgScene(scene: ChartScene): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${scene.width} ${scene.height}`);
  svg.setAttribute('width', String(scene.width));
  svg.setAttribute('height', String(scene.height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', scene.title);
  svg.classList.add('chart');
  for (const shape of scene.shapes) {
    const node = document.createElementNS(SVG, shape.tag);
    for (const [key, value] of Object.entries(shape.attributes)) node.setAttribute(key, value);
    if (shape.text !== undefined) {
      if (shape.tag === 'text') node.textContent = shape.text;
      else {
        const title = document.createElementNS(SVG, 'title');
        title.textContent = shape.text;
        node.append(title);
      }
    }
    svg.append(node);
  }
  return svg;
}
