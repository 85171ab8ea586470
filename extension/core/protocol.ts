/**
 * Messages between the panel webview and the extension host: plain JSON in both directions,
 * each carrying `protocolVersion`, and each validated on arrival by the parsers below (the
 * webview is untrusted from the host's point of view, and the host's messages are checked in
 * the webview too). A parser never throws: it returns the typed message or a reason naming the
 * first problem (the field path and what was expected). Unknown fields are rejected, so a typo
 * in a sender fails loudly instead of being ignored.
 *
 * The webview imports this file for types and parsing only (ESLint fence), so it stays pure.
 */

/** Version of this protocol. Both sides reject other versions (a stale webview after an update). */
export const PROTOCOL_VERSION = 1;

/** Largest history page the host serves in one message; the webview virtualises longer lists. */
export const MAX_HISTORY_PAGE = 500;

/** Longest question id accepted (journal ids are 1-128 characters). */
export const MAX_ID_LENGTH = 128;

/** Characters of the shown answer a history row carries (the panel shows an excerpt, not the whole answer). */
export const ANSWER_EXCERPT_LENGTH = 200;

/** Longest history text filter, in UTF-16 code units. */
export const MAX_FILTER_TEXT = 500;

export const LABEL_FILTERS = ['all', 'labelled', 'unlabelled', 'right', 'wrong'] as const;
export type LabelFilter = (typeof LABEL_FILTERS)[number];

export interface HistoryFilter {
  label: LabelFilter;
  /** Case-insensitive substring of the question or the answer; '' matches everything. */
  text: string;
}

// ---- webview -> host ----

export interface ReadyMessage {
  protocolVersion: typeof PROTOCOL_VERSION;
  type: 'ready';
}

export interface LabelMessage {
  protocolVersion: typeof PROTOCOL_VERSION;
  type: 'label';
  questionId: string;
  label: 0 | 1;
}

export interface UndoMessage {
  protocolVersion: typeof PROTOCOL_VERSION;
  type: 'undo';
  /** The label-given event to undo; null undoes the latest active label. */
  labelEventId: string | null;
}

export interface RequestHistoryMessage {
  protocolVersion: typeof PROTOCOL_VERSION;
  type: 'requestHistory';
  /** Index of the first row wanted, in the filtered list (newest first); >= 0. */
  offset: number;
  /** Rows wanted, 1..MAX_HISTORY_PAGE. */
  limit: number;
  filter: HistoryFilter;
}

export type WebviewMessage = ReadyMessage | LabelMessage | UndoMessage | RequestHistoryMessage;
export type WebviewMessageType = WebviewMessage['type'];
export const WEBVIEW_MESSAGE_TYPES: readonly WebviewMessageType[] = ['ready', 'label', 'undo', 'requestHistory'];

// ---- host -> webview ----

export interface HistoryRow {
  questionId: string;
  /** ISO time the question was scored. */
  time: string;
  question: string;
  /** The first ANSWER_EXCERPT_LENGTH characters of the shown answer, or null when none was shown. */
  answerExcerpt: string | null;
  /** Head id -> confidence in [0, 1]. */
  scores: Record<string, number>;
  label: 0 | 1 | null;
  /** The label-given event behind `label` (what undo targets), or null. */
  labelEventId: string | null;
}

export interface RetrainRow {
  time: string;
  headId: string;
  family: string;
  budget: number | null;
  labelCount: number;
  metricsBefore: Record<string, number> | null;
  metricsAfter: Record<string, number>;
}

/** A metric with its 95 % bootstrap interval (checkpointMetrics' MetricInterval). */
export interface MetricIntervalView {
  value: number;
  lower: number;
  upper: number;
}

/** The four metrics of one checkpoint (checkpointMetrics: AUROC x100, ECE and Brier as fractions, Alignment x100). */
export interface ComparisonMetricsView {
  n: number;
  /** Null when every label is the same (AUROC is undefined then). */
  auroc: MetricIntervalView | null;
  ece: MetricIntervalView;
  alignment: MetricIntervalView;
  brier: MetricIntervalView;
}

/** One reliability bin (reliabilityBins): [lower, upper), the last bin includes 1. */
export interface ReliabilityBinView {
  lower: number;
  upper: number;
  count: number;
  meanConfidence: number | null;
  accuracy: number | null;
}

/** Number of reliability bins every comparison row carries (10 equal-width bins). */
export const RELIABILITY_BIN_COUNT = 10;

/** One checkpoint's row of the comparison table and its series in the reliability diagram. */
export interface ComparisonRowView {
  headId: string;
  /** Labelled questions this head scored. */
  n: number;
  /** Null below the minimum sample (too few labels to say anything). */
  metrics: ComparisonMetricsView | null;
  /** Exactly RELIABILITY_BIN_COUNT bins, in increasing order. */
  bins: ReliabilityBinView[];
}

export interface QueueItemView {
  questionId: string;
  question: string;
  confidence: number | null;
  uncertainty: number;
  disagreement: number;
  priority: number;
}

/** The labelling queue (labellingQueue): unlabelled answered questions, where a label helps most first. */
export interface LabellingQueueView {
  /** The head whose confidence drives `uncertainty`, or null before any question was scored. */
  headId: string | null;
  items: QueueItemView[];
  /** Unlabelled answered questions in all (the queue before its limit). */
  candidates: number;
  /** Mean p(1 - p) over the listed items: the Brier score the head expects on them; null when none has a confidence. */
  expectedBrier: number | null;
}

/** Most queue items a snapshot carries. */
export const MAX_QUEUE_ITEMS = 50;

export interface PanelSnapshot {
  /** Active head id (promoted in the journal), or null for the package default. */
  activeHeadId: string | null;
  /** The newest question, or null before the first. */
  latest: HistoryRow | null;
  counts: { questions: number; labelled: number; right: number; wrong: number };
  retrainHistory: RetrainRow[];
  /** Journal events the fold rejected (shown as a count; details are in the output log). */
  journalProblems: number;
  /** Every checkpoint that scored a question or was trained, in the order first seen. */
  comparison: ComparisonRowView[];
  queue: LabellingQueueView;
}

export interface SnapshotMessage {
  protocolVersion: typeof PROTOCOL_VERSION;
  type: 'snapshot';
  snapshot: PanelSnapshot;
}

export interface HistoryPageMessage {
  protocolVersion: typeof PROTOCOL_VERSION;
  type: 'historyPage';
  offset: number;
  limit: number;
  filter: HistoryFilter;
  /** Rows matching the filter in all (the virtual list's length). */
  total: number;
  rows: HistoryRow[];
}

export interface ErrorMessage {
  protocolVersion: typeof PROTOCOL_VERSION;
  type: 'error';
  /** What was wrong, for the user. */
  reason: string;
}

export type HostMessage = SnapshotMessage | HistoryPageMessage | ErrorMessage;
export type HostMessageType = HostMessage['type'];
export const HOST_MESSAGE_TYPES: readonly HostMessageType[] = ['snapshot', 'historyPage', 'error'];

export type ParseResult<T> = { ok: true; message: T } | { ok: false; reason: string };

/** Thrown inside the parsers only; converted to a reason before it leaves this file. */
class Invalid extends Error {}

type Json = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return `a ${typeof value}`;
}

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Invalid(`${path} must be an object, got ${describe(value)}`);
  // Only plain JSON objects: a class instance or a prototype trick is not a message.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new Invalid(`${path} must be a plain object`);
  return value as Json;
}

function exactKeys(record: Json, path: string, required: readonly string[], optional: readonly string[] = []): void {
  for (const key of required) if (!Object.prototype.hasOwnProperty.call(record, key)) throw new Invalid(`${path}.${key} is missing`);
  for (const key of Object.keys(record)) {
    if (!required.includes(key) && !optional.includes(key)) throw new Invalid(`${path} has unexpected field ${JSON.stringify(key)}`);
  }
}

function string(value: unknown, path: string, min: number, max: number): string {
  if (typeof value !== 'string') throw new Invalid(`${path} must be a string, got ${describe(value)}`);
  if (value.length < min || value.length > max) throw new Invalid(`${path} must have ${min}-${max} characters, got ${value.length}`);
  return value;
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Invalid(`${path} must be an integer, got ${describe(value)}`);
  if (value < min || value > max) throw new Invalid(`${path} must be in ${min}..${max}, got ${value}`);
  return value;
}

function label(value: unknown, path: string): 0 | 1 {
  if (value !== 0 && value !== 1) throw new Invalid(`${path} must be 0 (wrong) or 1 (right), got ${describe(value)}`);
  return value;
}

function nullable<T>(value: unknown, read: (value: unknown) => T): T | null {
  return value === null ? null : read(value);
}

// Keys that would touch the prototype when assigned; never valid head or metric names.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function probabilityRecord(value: unknown, path: string): Record<string, number> {
  const record = object(value, path);
  const out: Record<string, number> = {};
  for (const [key, score] of Object.entries(record)) {
    string(key, `${path} key`, 1, MAX_ID_LENGTH);
    if (FORBIDDEN_KEYS.has(key)) throw new Invalid(`${path} has the reserved key ${JSON.stringify(key)}`);
    if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1) throw new Invalid(`${path}.${key} must be a number in [0, 1], got ${describe(score)}`);
    out[key] = score;
  }
  return out;
}

function metricRecord(value: unknown, path: string): Record<string, number> {
  const record = object(value, path);
  const out: Record<string, number> = {};
  for (const [key, metric] of Object.entries(record)) {
    if (FORBIDDEN_KEYS.has(key)) throw new Invalid(`${path} has the reserved key ${JSON.stringify(key)}`);
    if (typeof metric !== 'number' || !Number.isFinite(metric)) throw new Invalid(`${path}.${key} must be a finite number, got ${describe(metric)}`);
    out[key] = metric;
  }
  return out;
}

function filter(value: unknown, path: string): HistoryFilter {
  const record = object(value, path);
  exactKeys(record, path, ['label', 'text']);
  if (typeof record.label !== 'string' || !(LABEL_FILTERS as readonly string[]).includes(record.label)) {
    throw new Invalid(`${path}.label must be one of ${LABEL_FILTERS.join(', ')}, got ${describe(record.label)}`);
  }
  return { label: record.label as LabelFilter, text: string(record.text, `${path}.text`, 0, MAX_FILTER_TEXT) };
}

function envelope(value: unknown, known: readonly string[]): { record: Json; type: string } {
  const record = object(value, 'message');
  if (record.protocolVersion !== PROTOCOL_VERSION) {
    throw new Invalid(`message.protocolVersion must be ${PROTOCOL_VERSION}, got ${describe(record.protocolVersion)} (reload the panel after an update)`);
  }
  if (typeof record.type !== 'string') throw new Invalid(`message.type must be a string, got ${describe(record.type)}`);
  if (!known.includes(record.type)) throw new Invalid(`unknown message type ${JSON.stringify(record.type.slice(0, 60))}; known: ${known.join(', ')}`);
  return { record, type: record.type };
}

function attempt<T>(parse: () => T): ParseResult<T> {
  try {
    return { ok: true, message: parse() };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, reason: error.message };
    // A getter or proxy that throws is still just a bad message, never a host crash.
    return { ok: false, reason: `message could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** Validates a message from the webview. Never throws. */
export function parseWebviewMessage(value: unknown): ParseResult<WebviewMessage> {
  return attempt((): WebviewMessage => {
    const { record, type } = envelope(value, WEBVIEW_MESSAGE_TYPES);
    const base = ['protocolVersion', 'type'];
    const t = type as WebviewMessageType;
    switch (t) {
      case 'ready':
        exactKeys(record, 'message', base);
        return { protocolVersion: PROTOCOL_VERSION, type: 'ready' };
      case 'label':
        exactKeys(record, 'message', [...base, 'questionId', 'label']);
        return { protocolVersion: PROTOCOL_VERSION, type: 'label', questionId: string(record.questionId, 'message.questionId', 1, MAX_ID_LENGTH), label: label(record.label, 'message.label') };
      case 'undo':
        exactKeys(record, 'message', [...base, 'labelEventId']);
        return { protocolVersion: PROTOCOL_VERSION, type: 'undo', labelEventId: nullable(record.labelEventId, (id) => string(id, 'message.labelEventId', 1, MAX_ID_LENGTH)) };
      case 'requestHistory':
        exactKeys(record, 'message', [...base, 'offset', 'limit', 'filter']);
        return {
          protocolVersion: PROTOCOL_VERSION,
          type: 'requestHistory',
          offset: integer(record.offset, 'message.offset', 0, Number.MAX_SAFE_INTEGER),
          limit: integer(record.limit, 'message.limit', 1, MAX_HISTORY_PAGE),
          filter: filter(record.filter, 'message.filter'),
        };
      default: {
        const unreachable: never = t;
        throw new Invalid(`unhandled message type ${String(unreachable)}`);
      }
    }
  });
}

function historyRow(value: unknown, path: string): HistoryRow {
  const record = object(value, path);
  exactKeys(record, path, ['questionId', 'time', 'question', 'answerExcerpt', 'scores', 'label', 'labelEventId']);
  return {
    questionId: string(record.questionId, `${path}.questionId`, 1, MAX_ID_LENGTH),
    time: string(record.time, `${path}.time`, 1, 64),
    question: string(record.question, `${path}.question`, 0, Number.MAX_SAFE_INTEGER),
    answerExcerpt: nullable(record.answerExcerpt, (text) => string(text, `${path}.answerExcerpt`, 0, Number.MAX_SAFE_INTEGER)),
    scores: probabilityRecord(record.scores, `${path}.scores`),
    label: nullable(record.label, (value) => label(value, `${path}.label`)),
    labelEventId: nullable(record.labelEventId, (id) => string(id, `${path}.labelEventId`, 1, MAX_ID_LENGTH)),
  };
}

function retrainRow(value: unknown, path: string): RetrainRow {
  const record = object(value, path);
  exactKeys(record, path, ['time', 'headId', 'family', 'budget', 'labelCount', 'metricsBefore', 'metricsAfter']);
  return {
    time: string(record.time, `${path}.time`, 1, 64),
    headId: string(record.headId, `${path}.headId`, 1, MAX_ID_LENGTH),
    family: string(record.family, `${path}.family`, 1, 64),
    budget: nullable(record.budget, (budget) => integer(budget, `${path}.budget`, 1, Number.MAX_SAFE_INTEGER)),
    labelCount: integer(record.labelCount, `${path}.labelCount`, 0, Number.MAX_SAFE_INTEGER),
    metricsBefore: nullable(record.metricsBefore, (metrics) => metricRecord(metrics, `${path}.metricsBefore`)),
    metricsAfter: metricRecord(record.metricsAfter, `${path}.metricsAfter`),
  };
}

function finite(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Invalid(`${path} must be a finite number, got ${describe(value)}`);
  if (value < min || value > max) throw new Invalid(`${path} must be in [${min}, ${max}], got ${value}`);
  return value;
}

function interval(value: unknown, path: string, min: number, max: number): MetricIntervalView {
  const record = object(value, path);
  exactKeys(record, path, ['value', 'lower', 'upper']);
  const out = { value: finite(record.value, `${path}.value`, min, max), lower: finite(record.lower, `${path}.lower`, min, max), upper: finite(record.upper, `${path}.upper`, min, max) };
  if (!(out.lower <= out.upper)) throw new Invalid(`${path}.lower ${out.lower} is above ${path}.upper ${out.upper}`);
  return out;
}

function comparisonMetrics(value: unknown, path: string): ComparisonMetricsView {
  const record = object(value, path);
  exactKeys(record, path, ['n', 'auroc', 'ece', 'alignment', 'brier']);
  return {
    n: integer(record.n, `${path}.n`, 0, Number.MAX_SAFE_INTEGER),
    auroc: nullable(record.auroc, (v) => interval(v, `${path}.auroc`, 0, 100)),
    ece: interval(record.ece, `${path}.ece`, 0, 1),
    alignment: interval(record.alignment, `${path}.alignment`, 0, 100),
    brier: interval(record.brier, `${path}.brier`, 0, 1),
  };
}

function reliabilityBin(value: unknown, path: string): ReliabilityBinView {
  const record = object(value, path);
  exactKeys(record, path, ['lower', 'upper', 'count', 'meanConfidence', 'accuracy']);
  const bin = {
    lower: finite(record.lower, `${path}.lower`, 0, 1),
    upper: finite(record.upper, `${path}.upper`, 0, 1),
    count: integer(record.count, `${path}.count`, 0, Number.MAX_SAFE_INTEGER),
    meanConfidence: nullable(record.meanConfidence, (v) => finite(v, `${path}.meanConfidence`, 0, 1)),
    accuracy: nullable(record.accuracy, (v) => finite(v, `${path}.accuracy`, 0, 1)),
  };
  if ((bin.count === 0) !== (bin.meanConfidence === null) || (bin.count === 0) !== (bin.accuracy === null)) {
    throw new Invalid(`${path}: meanConfidence and accuracy must be null exactly when count is 0`);
  }
  return bin;
}

function comparisonRow(value: unknown, path: string): ComparisonRowView {
  const record = object(value, path);
  exactKeys(record, path, ['headId', 'n', 'metrics', 'bins']);
  const bins = array(record.bins, `${path}.bins`, reliabilityBin);
  if (bins.length !== RELIABILITY_BIN_COUNT) throw new Invalid(`${path}.bins must have ${RELIABILITY_BIN_COUNT} bins, got ${bins.length}`);
  const n = integer(record.n, `${path}.n`, 0, Number.MAX_SAFE_INTEGER);
  const binned = bins.reduce((sum, bin) => sum + bin.count, 0);
  if (binned !== n) throw new Invalid(`${path}.bins hold ${binned} items, but ${path}.n is ${n}`);
  return { headId: string(record.headId, `${path}.headId`, 1, MAX_ID_LENGTH), n, metrics: nullable(record.metrics, (v) => comparisonMetrics(v, `${path}.metrics`)), bins };
}

function queueItem(value: unknown, path: string): QueueItemView {
  const record = object(value, path);
  exactKeys(record, path, ['questionId', 'question', 'confidence', 'uncertainty', 'disagreement', 'priority']);
  return {
    questionId: string(record.questionId, `${path}.questionId`, 1, MAX_ID_LENGTH),
    question: string(record.question, `${path}.question`, 0, Number.MAX_SAFE_INTEGER),
    confidence: nullable(record.confidence, (v) => finite(v, `${path}.confidence`, 0, 1)),
    uncertainty: finite(record.uncertainty, `${path}.uncertainty`, 0, 1),
    disagreement: finite(record.disagreement, `${path}.disagreement`, 0, 1),
    priority: finite(record.priority, `${path}.priority`, 0, 1),
  };
}

function labellingQueueView(value: unknown, path: string): LabellingQueueView {
  const record = object(value, path);
  exactKeys(record, path, ['headId', 'items', 'candidates', 'expectedBrier']);
  const items = array(record.items, `${path}.items`, queueItem);
  if (items.length > MAX_QUEUE_ITEMS) throw new Invalid(`${path}.items has ${items.length} items, more than ${MAX_QUEUE_ITEMS}`);
  const candidates = integer(record.candidates, `${path}.candidates`, 0, Number.MAX_SAFE_INTEGER);
  if (candidates < items.length) throw new Invalid(`${path}.candidates ${candidates} is below the ${items.length} items listed`);
  return {
    headId: nullable(record.headId, (id) => string(id, `${path}.headId`, 1, MAX_ID_LENGTH)),
    items,
    candidates,
    expectedBrier: nullable(record.expectedBrier, (v) => finite(v, `${path}.expectedBrier`, 0, 0.25)),
  };
}

function array<T>(value: unknown, path: string, read: (item: unknown, path: string) => T): T[] {
  if (!Array.isArray(value)) throw new Invalid(`${path} must be an array, got ${describe(value)}`);
  return value.map((item, index) => read(item, `${path}[${index}]`));
}

function snapshot(value: unknown, path: string): PanelSnapshot {
  const record = object(value, path);
  exactKeys(record, path, ['activeHeadId', 'latest', 'counts', 'retrainHistory', 'journalProblems', 'comparison', 'queue']);
  const counts = object(record.counts, `${path}.counts`);
  exactKeys(counts, `${path}.counts`, ['questions', 'labelled', 'right', 'wrong']);
  const count = (key: string): number => integer(counts[key], `${path}.counts.${key}`, 0, Number.MAX_SAFE_INTEGER);
  return {
    activeHeadId: nullable(record.activeHeadId, (id) => string(id, `${path}.activeHeadId`, 1, MAX_ID_LENGTH)),
    latest: nullable(record.latest, (row) => historyRow(row, `${path}.latest`)),
    counts: { questions: count('questions'), labelled: count('labelled'), right: count('right'), wrong: count('wrong') },
    retrainHistory: array(record.retrainHistory, `${path}.retrainHistory`, retrainRow),
    journalProblems: integer(record.journalProblems, `${path}.journalProblems`, 0, Number.MAX_SAFE_INTEGER),
    comparison: array(record.comparison, `${path}.comparison`, comparisonRow),
    queue: labellingQueueView(record.queue, `${path}.queue`),
  };
}

/** Validates a message from the host (used by the webview). Never throws. */
export function parseHostMessage(value: unknown): ParseResult<HostMessage> {
  return attempt((): HostMessage => {
    const { record, type } = envelope(value, HOST_MESSAGE_TYPES);
    const base = ['protocolVersion', 'type'];
    const t = type as HostMessageType;
    switch (t) {
      case 'snapshot':
        exactKeys(record, 'message', [...base, 'snapshot']);
        return { protocolVersion: PROTOCOL_VERSION, type: 'snapshot', snapshot: snapshot(record.snapshot, 'message.snapshot') };
      case 'historyPage': {
        exactKeys(record, 'message', [...base, 'offset', 'limit', 'filter', 'total', 'rows']);
        const rows = array(record.rows, 'message.rows', historyRow);
        const limit = integer(record.limit, 'message.limit', 1, MAX_HISTORY_PAGE);
        if (rows.length > limit) throw new Invalid(`message.rows has ${rows.length} rows, more than message.limit ${limit}`);
        return {
          protocolVersion: PROTOCOL_VERSION,
          type: 'historyPage',
          offset: integer(record.offset, 'message.offset', 0, Number.MAX_SAFE_INTEGER),
          limit,
          filter: filter(record.filter, 'message.filter'),
          total: integer(record.total, 'message.total', 0, Number.MAX_SAFE_INTEGER),
          rows,
        };
      }
      case 'error':
        exactKeys(record, 'message', [...base, 'reason']);
        return { protocolVersion: PROTOCOL_VERSION, type: 'error', reason: string(record.reason, 'message.reason', 1, 10_000) };
      default: {
        const unreachable: never = t;
        throw new Invalid(`unhandled message type ${String(unreachable)}`);
      }
    }
  });
}
