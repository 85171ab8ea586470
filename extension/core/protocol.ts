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

export interface PanelSnapshot {
  /** Active head id (promoted in the journal), or null for the package default. */
  activeHeadId: string | null;
  /** The newest question, or null before the first. */
  latest: HistoryRow | null;
  counts: { questions: number; labelled: number; right: number; wrong: number };
  retrainHistory: RetrainRow[];
  /** Journal events the fold rejected (shown as a count; details are in the output log). */
  journalProblems: number;
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

function array<T>(value: unknown, path: string, read: (item: unknown, path: string) => T): T[] {
  if (!Array.isArray(value)) throw new Invalid(`${path} must be an array, got ${describe(value)}`);
  return value.map((item, index) => read(item, `${path}[${index}]`));
}

function snapshot(value: unknown, path: string): PanelSnapshot {
  const record = object(value, path);
  exactKeys(record, path, ['activeHeadId', 'latest', 'counts', 'retrainHistory', 'journalProblems']);
  const counts = object(record.counts, `${path}.counts`);
  exactKeys(counts, `${path}.counts`, ['questions', 'labelled', 'right', 'wrong']);
  const count = (key: string): number => integer(counts[key], `${path}.counts.${key}`, 0, Number.MAX_SAFE_INTEGER);
  return {
    activeHeadId: nullable(record.activeHeadId, (id) => string(id, `${path}.activeHeadId`, 1, MAX_ID_LENGTH)),
    latest: nullable(record.latest, (row) => historyRow(row, `${path}.latest`)),
    counts: { questions: count('questions'), labelled: count('labelled'), right: count('right'), wrong: count('wrong') },
    retrainHistory: array(record.retrainHistory, `${path}.retrainHistory`, retrainRow),
    journalProblems: integer(record.journalProblems, `${path}.journalProblems`, 0, Number.MAX_SAFE_INTEGER),
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
