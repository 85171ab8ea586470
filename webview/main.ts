/**
 * Panel webview, first version: the latest badge, label counts, retrain history and a paged
 * question history with Right / Wrong / Undo buttons. Every host message is validated before use;
 * text is inserted with textContent only (never innerHTML), so journal text cannot inject markup.
 */
import { type HistoryFilter, type HistoryPageMessage, type HistoryRow, type PanelSnapshot, parseHostMessage, PROTOCOL_VERSION, type WebviewMessage } from '../extension/core/protocol';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
const PAGE = 50;
let snapshot: PanelSnapshot | null = null;
let page: HistoryPageMessage | null = null;
let filter: HistoryFilter = { label: 'all', text: '' };
let offset = 0;
let lastError: string | null = null;

const send = (message: WebviewMessage): void => vscode.postMessage(message);
const requestPage = (): void => send({ protocolVersion: PROTOCOL_VERSION, type: 'requestHistory', offset, limit: PAGE, filter });

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, attributes: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

function percent(score: number): string {
  return `${Math.round(score * 100)}%`;
}

function labelText(label: 0 | 1 | null): string {
  return label === null ? 'unlabelled' : label === 1 ? 'right' : 'wrong';
}

function rowView(row: HistoryRow): HTMLElement {
  const item = el('li', undefined, { class: 'row' });
  item.append(el('div', row.question, { class: 'question' }));
  if (row.answerExcerpt !== null) item.append(el('div', row.answerExcerpt, { class: 'answer' }));
  item.append(el('div', Object.entries(row.scores).map(([head, score]) => `${head} ${percent(score)}`).join(' · '), { class: 'scores' }));
  const actions = el('div', undefined, { class: 'actions' });
  actions.append(el('span', labelText(row.label), { class: `label label-${labelText(row.label)}` }));
  const right = el('button', 'Right', { 'aria-label': `Mark right: ${row.question}` });
  right.addEventListener('click', () => send({ protocolVersion: PROTOCOL_VERSION, type: 'label', questionId: row.questionId, label: 1 }));
  const wrong = el('button', 'Wrong', { 'aria-label': `Mark wrong: ${row.question}` });
  wrong.addEventListener('click', () => send({ protocolVersion: PROTOCOL_VERSION, type: 'label', questionId: row.questionId, label: 0 }));
  actions.append(right, wrong);
  if (row.labelEventId !== null) {
    const labelEventId = row.labelEventId;
    const undo = el('button', 'Undo', { 'aria-label': `Undo the label of: ${row.question}` });
    undo.addEventListener('click', () => send({ protocolVersion: PROTOCOL_VERSION, type: 'undo', labelEventId }));
    actions.append(undo);
  }
  item.append(actions);
  return item;
}

function render(): void {
  const app = document.getElementById('app');
  if (app === null) return;
  app.replaceChildren();
  if (lastError !== null) app.append(el('p', lastError, { class: 'error', role: 'alert' }));
  if (snapshot === null) {
    app.append(el('p', 'Loading…'));
    return;
  }
  const latest = snapshot.latest;
  const badge = el('section', undefined, { 'aria-label': 'Latest question' });
  badge.append(el('h2', 'Latest question'));
  if (latest === null) badge.append(el('p', 'No question yet. Ask @confidence in the chat.'));
  else badge.append(rowView(latest));
  const { counts } = snapshot;
  badge.append(el('p', `${counts.questions} questions, ${counts.labelled} labelled (${counts.right} right, ${counts.wrong} wrong). Active checkpoint: ${snapshot.activeHeadId ?? 'package default'}.`));
  if (snapshot.journalProblems > 0) badge.append(el('p', `${snapshot.journalProblems} journal events were ignored (see the EliCal output).`, { class: 'error' }));
  app.append(badge);

  const retrains = el('section', undefined, { 'aria-label': 'Calibration history' });
  retrains.append(el('h2', 'Calibration history'));
  if (snapshot.retrainHistory.length === 0) retrains.append(el('p', 'No retrain yet.'));
  for (const row of snapshot.retrainHistory) {
    const metrics = Object.entries(row.metricsAfter).map(([name, value]) => `${name} ${value.toFixed(3)}`).join(', ');
    retrains.append(el('p', `${row.time}: ${row.headId} (${row.family}, ${row.labelCount} labels): ${metrics}`));
  }
  app.append(retrains);

  const history = el('section', undefined, { 'aria-label': 'Question history' });
  history.append(el('h2', 'Question history'));
  const controls = el('div', undefined, { class: 'controls' });
  const select = el('select', undefined, { 'aria-label': 'Filter by label' });
  for (const option of ['all', 'labelled', 'unlabelled', 'right', 'wrong'] as const) {
    const node = el('option', option, { value: option });
    if (option === filter.label) node.setAttribute('selected', '');
    select.append(node);
  }
  select.addEventListener('change', () => {
    filter = { ...filter, label: select.value as HistoryFilter['label'] };
    offset = 0;
    requestPage();
  });
  const search = el('input', undefined, { type: 'search', placeholder: 'Filter text', 'aria-label': 'Filter by text', value: filter.text });
  search.addEventListener('change', () => {
    filter = { ...filter, text: search.value.slice(0, 500) };
    offset = 0;
    requestPage();
  });
  controls.append(select, search);
  history.append(controls);
  if (page !== null) {
    const list = el('ul', undefined, { class: 'history' });
    for (const row of page.rows) list.append(rowView(row));
    history.append(list);
    const pager = el('div', undefined, { class: 'controls' });
    const previous = el('button', 'Newer');
    previous.disabled = offset === 0;
    previous.addEventListener('click', () => {
      offset = Math.max(0, offset - PAGE);
      requestPage();
    });
    const next = el('button', 'Older');
    next.disabled = offset + PAGE >= page.total;
    next.addEventListener('click', () => {
      offset += PAGE;
      requestPage();
    });
    pager.append(previous, el('span', `${page.total === 0 ? 0 : offset + 1}–${Math.min(offset + PAGE, page.total)} of ${page.total}`), next);
    history.append(pager);
  }
  app.append(history);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    lastError = `Ignored a message from the extension: ${parsed.reason}`;
    render();
    return;
  }
  const message = parsed.message;
  switch (message.type) {
    case 'snapshot':
      snapshot = message.snapshot;
      lastError = null;
      requestPage();
      break;
    case 'historyPage':
      page = message;
      break;
    case 'error':
      lastError = message.reason;
      break;
    default: {
      const unreachable: never = message;
      lastError = `unhandled message ${JSON.stringify(unreachable)}`;
    }
  }
  render();
});

send({ protocolVersion: PROTOCOL_VERSION, type: 'ready' });
