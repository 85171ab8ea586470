/** Escapes text for SVG/XML content and attribute values (& < > " '). Example: 'A&B <1>' -> 'A&amp;B &lt;1&gt;'. */
export function svgText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A coordinate with at most two decimals, so files stay small and stable across platforms. Example: 12.3456 -> '12.35'. */
export function svgNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}
