/**
 * Panel webview: latest badge, checkpoint comparison with its reliability diagram, calibration
 * history with a chart, the labelling queue, and the question history as a virtual list (fixed
 * row height; only the rows in view exist in the DOM, pages are fetched from the host as they
 * scroll into view). Every host message is validated before use; text goes in with textContent
 * only (never innerHTML), so journal text cannot inject markup. Controls are @vscode-elements
 * web components (keyboard and screen-reader support built in); colours are theme variables in
 * media/panel.css.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  type HistoryFilter,
  type HistoryRow,
  LABEL_FILTERS,
  type LabelFilter,
  MAX_FILTER_TEXT,
  type MetricIntervalView,
  type PanelSnapshot,
  parseHostMessage,
  PROTOCOL_VERSION,
  type WebviewMessage,
} from '../extension/core/protocol';
import { lineChartScene } from './render/lineChartScene';
import { reliabilityChart } from './render/reliabilityChart';
import { retrainChart } from './render/retrainChart';
import { svgScene } from './render/svgScene';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
/** Rows per history request (the host allows up to MAX_HISTORY_PAGE). */
const PAGE = 100;
/** Fixed row height of the virtual list, px (media/panel.css sets the same on li.row). */
const ROW_HEIGHT = 64;
/** Rows rendered above and below the visible ones, so fast scrolling shows no blank band. */
const OVERSCAN = 6;

const send = (message: WebviewMessage): void => vscode.postMessage(message);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, attributes: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

function component(tag: string, text: string, attributes: Record<string, string>, onClick?: () => void): HTMLElement {
  const node = document.createElement(tag);
  node.textContent = text;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  // vscode-button turns Enter and Space into click, so one handler serves mouse and keyboard.
  if (onClick !== undefined) node.addEventListener('click', onClick);
  return node;
}

const percent = (score: number): string => `${Math.round(score * 100)}%`;
const labelText = (label: 0 | 1 | null): string => (label === null ? 'unlabelled' : label === 1 ? 'right' : 'wrong');
const sendLabel = (questionId: string, label: 0 | 1): void => send({ protocolVersion: PROTOCOL_VERSION, type: 'label', questionId, label });

function section(label: string): { root: HTMLElement; body: HTMLElement } {
  const root = el('section', undefined, { 'aria-label': label });
  const body = el('div');
  root.append(el('h2', label), body);
  return { root, body };
}

/** Right / Wrong (and Undo when labelled) for one question; names carry the question for screen readers. */
function labelButtons(questionId: string, question: string, labelEventId: string | null): HTMLElement[] {
  const buttons = [
    component('vscode-button', 'Right', { 'aria-label': `Mark right: ${question}` }, () => sendLabel(questionId, 1)),
    component('vscode-button', 'Wrong', { 'aria-label': `Mark wrong: ${question}`, secondary: '' }, () => sendLabel(questionId, 0)),
  ];
  if (labelEventId !== null) {
    buttons.push(component('vscode-button', 'Undo', { 'aria-label': `Undo the label of: ${question}`, secondary: '' }, () => send({ protocolVersion: PROTOCOL_VERSION, type: 'undo', labelEventId })));
  }
  return buttons;
}

function rowView(row: HistoryRow): HTMLLIElement {
  const item = el('li', undefined, { class: 'row' });
  const text = el('div', undefined, { class: 'text' });
  text.append(el('div', row.question, { class: 'question', title: row.question }));
  text.append(el('div', row.answerExcerpt ?? '(no answer shown)', { class: 'answer' }));
  text.append(el('div', Object.entries(row.scores).map(([head, score]) => `${head} ${percent(score)}`).join(' · '), { class: 'scores' }));
  const actions = el('div', undefined, { class: 'actions' });
  actions.append(el('span', labelText(row.label), { class: `label label-${labelText(row.label)}` }), ...labelButtons(row.questionId, row.question, row.labelEventId));
  item.append(text, actions);
  return item;
}

// ---- layout, built once so the history list keeps its scroll position across snapshots ----

const app = document.getElementById('app') as HTMLElement;
const errorLine = el('p', undefined, { class: 'error', role: 'alert' });
const latest = section('Latest question');
const comparison = section('Checkpoint comparison');
const calibration = section('Calibration history');
const queue = section('Labelling queue');
const history = section('Question history');

const labelSelect = document.createElement('vscode-single-select') as HTMLElement & { value: string };
labelSelect.setAttribute('aria-label', 'Filter by label');
for (const option of LABEL_FILTERS) {
  const node = component('vscode-option', option, { value: option });
  if (option === 'all') node.setAttribute('selected', '');
  labelSelect.append(node);
}
const textFilter = document.createElement('vscode-textfield') as HTMLElement & { value: string };
textFilter.setAttribute('placeholder', 'Filter question or answer text');
textFilter.setAttribute('aria-label', 'Filter by text');
textFilter.setAttribute('maxlength', String(MAX_FILTER_TEXT));
const historyCount = el('span', undefined, { class: 'count', 'aria-live': 'polite' });
const controls = el('div', undefined, { class: 'controls' });
controls.append(labelSelect, textFilter, historyCount);
const viewport = el('div', undefined, { class: 'viewport', tabindex: '0', 'aria-label': 'Question history rows; arrow keys move between rows' });
const spacer = el('div', undefined, { class: 'spacer' });
const list = el('ul', undefined, { class: 'history', role: 'list' });
spacer.append(list);
viewport.append(spacer);
history.body.append(controls, viewport);
app.replaceChildren(errorLine, latest.root, comparison.root, calibration.root, queue.root, history.root);
latest.body.append(el('p', 'Loading…'));

// ---- history: virtual list state ----

let filter: HistoryFilter = { label: 'all', text: '' };
let total: number | null = null;
let pages = new Map<number, HistoryRow[]>();
let pending = new Set<number>();
let focusIndex = 0;

function requestPage(page: number): void {
  if (pending.has(page) || pages.has(page)) return;
  pending.add(page);
  send({ protocolVersion: PROTOCOL_VERSION, type: 'requestHistory', offset: page * PAGE, limit: PAGE, filter });
}

/** Drops every cached page (labels or the filter changed) and fetches what is in view again. */
function resetHistory(): void {
  pages = new Map();
  pending = new Set();
  if (total === null) requestPage(0);
  renderWindow();
}

function visibleRange(): { first: number; last: number } {
  const height = viewport.clientHeight || ROW_HEIGHT * 10;
  const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total ?? 0, Math.ceil((viewport.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  return { first, last };
}

/** Renders only the rows in view (plus OVERSCAN), asking for pages it does not have yet. */
function renderWindow(): void {
  const count = total ?? 0;
  spacer.style.height = `${count * ROW_HEIGHT}px`;
  historyCount.textContent = total === null ? 'Loading…' : `${count} question${count === 1 ? '' : 's'}`;
  const { first, last } = visibleRange();
  const items: HTMLLIElement[] = [];
  for (let index = first; index < last; index++) {
    const page = Math.floor(index / PAGE);
    const row = pages.get(page)?.[index - page * PAGE];
    let item: HTMLLIElement;
    if (row === undefined) {
      requestPage(page);
      item = el('li', 'Loading…', { class: 'row placeholder' });
    } else item = rowView(row);
    item.dataset.index = String(index);
    item.tabIndex = -1;
    item.setAttribute('aria-posinset', String(index + 1));
    item.setAttribute('aria-setsize', String(count));
    items.push(item);
  }
  list.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
  list.replaceChildren(...items);
}

let scheduled = false;
viewport.addEventListener('scroll', () => {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    renderWindow();
  });
});

viewport.addEventListener('keydown', (event: KeyboardEvent) => {
  // Keys typed into a row's buttons are theirs (Enter / Space press them).
  if (event.target !== viewport && !(event.target instanceof HTMLLIElement)) return;
  const count = total ?? 0;
  if (count === 0) return;
  const perView = Math.max(1, Math.floor(viewport.clientHeight / ROW_HEIGHT));
  const moves: Record<string, number> = { ArrowDown: focusIndex + 1, ArrowUp: focusIndex - 1, PageDown: focusIndex + perView, PageUp: focusIndex - perView, Home: 0, End: count - 1 };
  const target = moves[event.key];
  if (target === undefined) return;
  event.preventDefault();
  focusIndex = Math.min(count - 1, Math.max(0, target));
  const top = focusIndex * ROW_HEIGHT;
  if (top < viewport.scrollTop) viewport.scrollTop = top;
  else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
  renderWindow();
  list.querySelector<HTMLLIElement>(`li[data-index="${focusIndex}"]`)?.focus();
});

function setFilter(next: HistoryFilter): void {
  if (next.label === filter.label && next.text === filter.text) return;
  filter = next;
  total = null;
  focusIndex = 0;
  viewport.scrollTop = 0;
  resetHistory();
}

labelSelect.addEventListener('change', () => {
  const value = labelSelect.value;
  if ((LABEL_FILTERS as readonly string[]).includes(value)) setFilter({ ...filter, label: value as LabelFilter });
});
let typing: ReturnType<typeof setTimeout> | undefined;
textFilter.addEventListener('input', () => {
  clearTimeout(typing);
  // A short pause before filtering: each request makes the host scan the whole journal.
  typing = setTimeout(() => setFilter({ ...filter, text: textFilter.value.slice(0, MAX_FILTER_TEXT) }), 200);
});

// ---- the other sections, rebuilt on each snapshot ----

function interval(value: MetricIntervalView | null, digits: number): string {
  if (value === null) return '–';
  if (value.lower === value.upper) return value.value.toFixed(digits);
  return `${value.value.toFixed(digits)} [${value.lower.toFixed(digits)}, ${value.upper.toFixed(digits)}]`;
}

function table(caption: string, headers: readonly string[], rows: readonly (readonly string[])[]): HTMLTableElement {
  const node = el('table');
  node.append(el('caption', caption));
  const head = el('tr');
  for (const header of headers) head.append(el('th', header, { scope: 'col' }));
  node.append(el('thead'), el('tbody'));
  node.tHead?.append(head);
  for (const cells of rows) {
    const tr = el('tr');
    cells.forEach((cell, index) => tr.append(index === 0 ? el('th', cell, { scope: 'row' }) : el('td', cell)));
    node.tBodies[0].append(tr);
  }
  return node;
}

function renderSnapshot(snapshot: PanelSnapshot): void {
  const badgeHead = snapshot.queue.headId;
  const row = snapshot.latest;
  latest.body.replaceChildren();
  if (row === null) latest.body.append(el('p', 'No question yet. Ask @confidence in the chat.'));
  else {
    const score = badgeHead === null ? undefined : row.scores[badgeHead];
    const badge = el('p', undefined, { class: 'badge-line' });
    const pill = component('vscode-badge', score === undefined ? '–' : percent(score), { 'aria-label': `Confidence ${score === undefined ? 'unknown' : percent(score)} from ${badgeHead ?? 'no checkpoint'}` });
    badge.append(pill, el('span', ` confidence from ${badgeHead ?? 'no checkpoint'}`));
    const ul = el('ul', undefined, { class: 'history latest' });
    ul.append(rowView(row));
    latest.body.append(badge, ul);
  }
  const { counts } = snapshot;
  latest.body.append(el('p', `${counts.questions} ${counts.questions === 1 ? 'question' : 'questions'}, ${counts.labelled} labelled (${counts.right} right, ${counts.wrong} wrong). Active checkpoint: ${snapshot.activeHeadId ?? 'package default'}.`));
  if (snapshot.journalProblems > 0) latest.body.append(el('p', `${snapshot.journalProblems} journal events were ignored (see the EliCal output).`, { class: 'error' }));

  comparison.body.replaceChildren();
  if (snapshot.comparison.length === 0) comparison.body.append(el('p', 'No checkpoint has scored a question yet.'));
  else {
    comparison.body.append(
      table(
        'Each checkpoint on your labels, measured on the questions it scored when they were asked; 95 % bootstrap intervals in brackets. AUROC and Alignment x100 (higher is better); ECE and Brier (lower is better).',
        ['Checkpoint', 'n', 'AUROC', 'ECE', 'Alignment', 'Brier'],
        snapshot.comparison.map((entry) => {
          // The first row is the badge's checkpoint (the controller orders it so); say so.
          const name = entry.headId === badgeHead ? `${entry.headId} (active)` : entry.headId;
          return entry.metrics === null
            ? [name, String(entry.n), 'too few labels', '', '', '']
            : [name, String(entry.n), interval(entry.metrics.auroc, 1), interval(entry.metrics.ece, 3), interval(entry.metrics.alignment, 1), interval(entry.metrics.brier, 3)];
        }),
      ),
      svgScene(lineChartScene(reliabilityChart(snapshot.comparison))),
    );
  }

  calibration.body.replaceChildren();
  if (snapshot.retrainHistory.length === 0) calibration.body.append(el('p', 'No retrain yet. Label answers, then run "EliCal: Retrain Calibration".'));
  else {
    const change = (before: Record<string, number> | null, after: Record<string, number>, key: string, digits: number): string => {
      const now = after[key] === undefined ? '–' : after[key].toFixed(digits);
      const then = before?.[key];
      return then === undefined ? now : `${then.toFixed(digits)} → ${now}`;
    };
    calibration.body.append(
      table(
        'One row per retrain: cross-validated metrics of the previous checkpoint (before) and the new one (after).',
        ['Time', 'Checkpoint', 'Family', 'Labels', 'AUROC', 'ECE', 'Brier'],
        snapshot.retrainHistory.map((entry) => [
          entry.time.replace('T', ' ').slice(0, 16),
          entry.headId,
          entry.family,
          String(entry.labelCount),
          change(entry.metricsBefore, entry.metricsAfter, 'auroc', 1),
          change(entry.metricsBefore, entry.metricsAfter, 'ece', 3),
          change(entry.metricsBefore, entry.metricsAfter, 'brier', 3),
        ]),
      ),
      svgScene(lineChartScene(retrainChart(snapshot.retrainHistory))),
    );
  }

  queue.body.replaceChildren();
  const { items, candidates, expectedBrier, headId } = snapshot.queue;
  if (items.length === 0) queue.body.append(el('p', 'Nothing to label: every answered question has a label.'));
  else {
    queue.body.append(
      el(
        'p',
        `${candidates} answered questions are unlabelled. The ${items.length} below come first: ${headId ?? 'the checkpoint'} is least sure of them or the checkpoints disagree.` +
          (expectedBrier === null ? '' : ` Expected Brier score on them: ${expectedBrier.toFixed(3)} (0.25 = a coin flip, 0 = certain), so their labels can still teach it a lot.`),
        { class: 'readout' },
      ),
    );
    const ul = el('ul', undefined, { class: 'queue', tabindex: '0', 'aria-label': 'Questions to label, most useful first' });
    for (const item of items) {
      const li = el('li', undefined, { class: 'queue-item' });
      const detail = `${item.confidence === null ? 'no confidence' : `confidence ${percent(item.confidence)}`}, disagreement ${percent(item.disagreement)}`;
      const text = el('div', undefined, { class: 'text' });
      text.append(el('div', item.question, { class: 'question', title: item.question }), el('div', detail, { class: 'scores' }));
      const actions = el('div', undefined, { class: 'actions' });
      actions.append(...labelButtons(item.questionId, item.question, null));
      li.append(text, actions);
      ul.append(li);
    }
    queue.body.append(ul);
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    errorLine.textContent = `Ignored a message from the extension: ${parsed.reason}`;
    return;
  }
  const message = parsed.message;
  switch (message.type) {
    case 'snapshot':
      errorLine.textContent = '';
      renderSnapshot(message.snapshot);
      // Labels may have changed anywhere in the list: refetch what is in view.
      resetHistory();
      break;
    case 'historyPage': {
      const page = message.offset / PAGE;
      // Pages for an older filter, or for a request dropped by a reset, are stale.
      if (message.filter.label !== filter.label || message.filter.text !== filter.text || !pending.has(page)) return;
      pending.delete(page);
      pages.set(page, message.rows);
      total = message.total;
      renderWindow();
      break;
    }
    case 'error':
      errorLine.textContent = message.reason;
      break;
    default: {
      const unreachable: never = message;
      errorLine.textContent = `unhandled message ${JSON.stringify(unreachable)}`;
    }
  }
});

send({ protocolVersion: PROTOCOL_VERSION, type: 'ready' });
