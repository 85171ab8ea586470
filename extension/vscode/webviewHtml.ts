/**
 * The panel's HTML shell: a strict Content Security Policy (no inline script or style, scripts
 * only with this load's nonce, nothing from the network), the theme-variable stylesheet from
 * media/ and the bundled webview script (dist/webview.js).
 */
import { randomBytes } from 'node:crypto';

export interface WebviewHtmlInput {
  /** webview.cspSource: the origin VS Code serves extension resources from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
}

/** 128 bits of randomness, base64: fresh per render so an injected script cannot guess it. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

const escapeAttribute = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function webviewHtml(input: WebviewHtmlInput, nonce: string = createNonce()): string {
  const csp = [
    "default-src 'none'",
    `style-src ${input.cspSource}`,
    `img-src ${input.cspSource} data:`,
    `font-src ${input.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(input.styleUri)}">
<title>EliCal Confidence</title>
</head>
<body>
<main id="app" aria-live="polite"><p>Loading…</p></main>
<script nonce="${escapeAttribute(nonce)}" src="${escapeAttribute(input.scriptUri)}"></script>
</body>
</html>`;
}
