/**
 * Panel render of a 10k-question journal in headless Chromium, without VS Code: the real
 * webview bundle (dist/webview.js) in the real HTML shell (webviewHtml, strict CSP and nonce),
 * talking to the real PanelController over a folded journal of synthetic questions (3 heads,
 * 30 % labelled, 3 retrains). acquireVsCodeApi is a stand-in that forwards to the controller in
 * Node, like VS Code's message passing. Dark+ theme variables are set on :root.
 * Measures: the controller's first snapshot build (its rebuilds: bench/panelSnapshot.bench.ts),
 * time from 'ready' to the first rendered history rows, a jump to the middle of the list and to
 * the end (pages fetched and drawn), a label filter change; saves screenshots to
 * docs/screenshots/panel-*.png.
 * Run: npm run build && npx tsx bench/panelRender.bench.ts [questions]
 */
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { foldJournal } from '../extension/core/journal/foldJournal';
import type { JournalEvent } from '../extension/core/journal/journalEvent';
import { createSeededRandom } from '../extension/core/math/seededRandom';
import { PanelController } from '../extension/core/panelController';
import { webviewHtml } from '../extension/vscode/webviewHtml';

const QUESTIONS = Number(process.argv[2] ?? 10_000);
const ORIGIN = 'https://panel.webview.test';
const DARK: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif', '--vscode-font-size': '13px', '--vscode-font-weight': 'normal',
  '--vscode-foreground': '#cccccc', '--vscode-editor-background': '#1e1e1e', '--vscode-panel-border': '#80808059', '--vscode-descriptionForeground': '#ccccccb3',
  '--vscode-errorForeground': '#f48771', '--vscode-focusBorder': '#007fd4', '--vscode-list-focusBackground': '#04395e', '--vscode-testing-iconPassed': '#73c991',
  '--vscode-button-background': '#0e639c', '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#1177bb', '--vscode-button-border': 'transparent',
  '--vscode-button-secondaryBackground': '#3a3d41', '--vscode-button-secondaryForeground': '#cccccc', '--vscode-button-secondaryHoverBackground': '#45494e',
  '--vscode-badge-background': '#4d4d4d', '--vscode-badge-foreground': '#ffffff',
  '--vscode-input-background': '#3c3c3c', '--vscode-input-foreground': '#cccccc', '--vscode-input-placeholderForeground': '#a6a6a6', '--vscode-settings-textInputBackground': '#292929',
  '--vscode-settings-textInputForeground': '#cccccc', '--vscode-settings-textInputBorder': '#3c3c3c', '--vscode-dropdown-background': '#3c3c3c', '--vscode-dropdown-foreground': '#f0f0f0',
  '--vscode-dropdown-border': '#3c3c3c', '--vscode-settings-dropdownBackground': '#313131', '--vscode-settings-dropdownForeground': '#cccccc', '--vscode-settings-dropdownBorder': '#3c3c3c',
  '--vscode-list-activeSelectionBackground': '#04395e', '--vscode-list-activeSelectionForeground': '#ffffff', '--vscode-list-hoverBackground': '#2a2d2e', '--vscode-widget-shadow': '#0000005c',
  '--vscode-charts-blue': '#3794ff', '--vscode-charts-orange': '#d18616', '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-charts-red': '#f14c4c', '--vscode-charts-yellow': '#cca700',
};

function journal(): JournalEvent[] {
  const random = createSeededRandom(7);
  const events: JournalEvent[] = [];
  const t0 = Date.UTC(2026, 9, 1);
  const time = (second: number): string => new Date(t0 + second * 1000).toISOString();
  const clamp = (p: number): number => Math.min(0.99, Math.max(0.01, p));
  const topics = ['capital of', 'atomic number of', 'population of', 'author of', 'year of the founding of', 'currency of'];
  for (let i = 0; i < QUESTIONS; i++) {
    const truth = random();
    const correct = random() < truth ? 1 : 0;
    // Three checkpoints of rising quality: noisy, less noisy, close to the truth.
    const scores = { 'eli-only': clamp(0.5 + (truth - 0.5) * 0.6 + (random() - 0.5) * 0.5), 'cal-only-1': clamp(truth + (random() - 0.5) * 0.4), 'elical-1': clamp(truth + (random() - 0.5) * 0.2) };
    const id = `q${i}`;
    events.push({ schemaVersion: 1, type: 'question-scored', id, time: time(i * 60), question: `What is the ${topics[i % topics.length]} item ${i}?`, model: 'demo-facts', scores, runtime: 'cpu', latencyMs: 12 });
    events.push({ schemaVersion: 1, type: 'answer-shown', id: `a${i}`, time: time(i * 60 + 5), questionId: id, answer: `The answer to question ${i} is ${correct ? 'the right one' : 'a plausible but wrong one'}, explained at some length so the excerpt is cut.`, source: 'model' });
    if (random() < 0.3) events.push({ schemaVersion: 1, type: 'label-given', id: `l${i}`, time: time(i * 60 + 30), questionId: id, label: correct as 0 | 1, source: 'panel' });
    if (i === 3000 || i === 6000 || i === 9000) {
      const k = i / 3000;
      events.push({ schemaVersion: 1, type: 'head-trained', id: `t${k}`, time: time(i * 60 + 40), headId: `elical-${k}`, family: 'elical', budget: null, labelCount: Math.round(i * 0.3), metricsBefore: k === 1 ? null : { auroc: 70 + k, ece: 0.12 - 0.02 * k, brier: 0.2 - 0.01 * k }, metricsAfter: { auroc: 71 + k * 2, ece: 0.1 - 0.02 * k, brier: 0.19 - 0.01 * k } });
    }
  }
  events.push({ schemaVersion: 1, type: 'head-promoted', id: 'p1', time: time(QUESTIONS * 60), headId: 'elical-1', previousHeadId: null });
  return events;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const state = foldJournal(journal());
  const deps = { newId: () => 'bench', now: () => new Date().toISOString(), log: (line: string) => console.error(line) };
  const controller = new PanelController(deps);
  const snapshotTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    // A fresh controller each time: one that built a snapshot of this state reuses its comparison
    // (bench/panelSnapshot.bench.ts measures those rebuilds).
    const fresh = new PanelController(deps);
    const t = performance.now();
    fresh.snapshotMessage(state);
    snapshotTimes.push(performance.now() - t);
  }
  const html = webviewHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/dist/webview.js`, styleUri: `${ORIGIN}/media/panel.css` });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    const cspErrors: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') cspErrors.push(message.text()); });
    page.on('pageerror', (error) => cspErrors.push(error.message));
    await page.route(`${ORIGIN}/**`, async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/') return route.fulfill({ contentType: 'text/html', body: html });
      if (path === '/dist/webview.js') return route.fulfill({ contentType: 'text/javascript', body: readFileSync('dist/webview.js') });
      if (path === '/media/panel.css') return route.fulfill({ contentType: 'text/css', body: readFileSync('media/panel.css') });
      return route.fulfill({ status: 404, body: '' });
    });
    await page.exposeFunction('__toHost', (raw: unknown) => {
      const outcome = controller.handle(raw, state);
      for (const reply of outcome.replies) void page.evaluate((message) => window.postMessage(message, '*'), reply as unknown);
    });
    // tsx compiles with keepNames, which wraps the functions passed to the page in __name().
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.addInitScript((theme: Record<string, string>) => {
      const w = window as unknown as { acquireVsCodeApi(): unknown; __toHost(m: unknown): void; __readyAt: number };
      w.acquireVsCodeApi = () => ({ postMessage: (message: { type: string }) => { if (message.type === 'ready') w.__readyAt = performance.now(); w.__toHost(message); } });
      document.addEventListener('DOMContentLoaded', () => {
        for (const [key, value] of Object.entries(theme)) document.documentElement.style.setProperty(key, value);
        document.body.classList.add('vscode-dark');
      });
    }, DARK);
    const rowsReady = (): Promise<number> =>
      page.waitForFunction(() => {
        const rows = document.querySelectorAll('section[aria-label="Question history"] .viewport li.row:not(.placeholder)');
        return rows.length > 0 && document.querySelectorAll('.viewport li.placeholder').length === 0 ? performance.now() : false;
      }, undefined, { polling: 'raf' }).then((handle) => handle.jsonValue() as Promise<number>);
    await page.goto(`${ORIGIN}/`);
    const firstRows = await rowsReady().catch(async (error: unknown) => {
      await page.screenshot({ path: '/tmp/panel-debug.png', fullPage: true });
      console.error(cspErrors.join('\n'));
      console.error((await page.content()).slice(0, 3000));
      throw error;
    });
    const readyAt = await page.evaluate(() => (window as unknown as { __readyAt: number }).__readyAt);
    const rendered = await page.evaluate(() => document.querySelectorAll('.viewport li.row').length);
    const jumps: number[] = [];
    for (const fraction of [0.5, 1, 0.25, 0.75, 0.1, 0.9, 0]) {
      const start = await page.evaluate((f) => { const v = document.querySelector('.viewport') as HTMLElement; const t = performance.now(); v.scrollTop = f * (v.scrollHeight - v.clientHeight); return t; }, fraction);
      // Wait until the rows at the new position are drawn (not placeholders).
      await page.waitForFunction((f) => { const v = document.querySelector('.viewport') as HTMLElement; const want = Math.floor(f * (v.scrollHeight - v.clientHeight) / 64); const first = document.querySelector<HTMLElement>('.viewport li.row'); return first !== null && Math.abs(Number(first.dataset.index) - want) <= 8 && document.querySelectorAll('.viewport li.placeholder').length === 0; }, fraction, { polling: 'raf' });
      jumps.push((await page.evaluate(() => performance.now())) - start);
    }
    await page.screenshot({ path: 'docs/screenshots/panel-overview.png', fullPage: true });
    for (const [name, label] of [['latest', 'Latest question'], ['comparison', 'Checkpoint comparison'], ['calibration-history', 'Calibration history'], ['labelling-queue', 'Labelling queue'], ['question-history', 'Question history']]) {
      await page.locator(`section[aria-label="${label}"]`).screenshot({ path: `docs/screenshots/panel-${name}.png` });
    }
    const total = await page.evaluate(() => (document.querySelector('.count') as HTMLElement).textContent);
    console.log(`questions in journal: ${QUESTIONS}; history count shown: ${total}; rows in DOM: ${rendered}`);
    console.log(`snapshot first build (controller, nothing cached, 3 heads, bootstrap 200): median ${median(snapshotTimes).toFixed(0)} ms of ${snapshotTimes.map((t) => t.toFixed(0)).join(', ')}`);
    console.log(`ready -> first history rows drawn: ${(firstRows - readyAt).toFixed(0)} ms`);
    console.log(`scroll jump -> rows drawn: median ${median(jumps).toFixed(0)} ms, max ${Math.max(...jumps).toFixed(0)} ms (${jumps.length} jumps)`);
    console.log(`console errors (CSP included): ${cspErrors.length === 0 ? 'none' : cspErrors.join(' | ')}`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
