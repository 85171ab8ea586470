/**
 * All panel logic, pure: a message from the webview plus the folded journal state in, messages
 * for the webview and journal events to append out. The host (extension/vscode/panelProvider.ts)
 * only moves bytes: it validates nothing itself, appends `append` to the journal, and after an
 * append that changed the journal sends `snapshotMessage` of the refolded state.
 *
 * Every rejected message (malformed, wrong version, unknown question, nothing to undo) is
 * logged with its reason and answered with an `error` message; it appends nothing, and the
 * controller never mutates the state it is given, so a rejected message changes nothing.
 */
import type { JournalEvent, LabelGivenEvent, LabelUndoneEvent } from './journal/journalEvent';
import { JOURNAL_SCHEMA_VERSION } from './journal/journalEvent';
import type { JournalState, QuestionRecord } from './journal/foldJournal';
import { ComparisonCache, type ComparisonRowFunction } from './panel/comparisonCache';
import { labellingQueue } from './panel/labellingQueue';
import {
  ANSWER_EXCERPT_LENGTH,
  type ComparisonMetricsView,
  type ComparisonRowView,
  type LabellingQueueView,
  MAX_QUEUE_ITEMS,
  type MetricIntervalView,
  type ErrorMessage,
  type HistoryFilter,
  type HistoryPageMessage,
  type HistoryRow,
  type HostMessage,
  parseWebviewMessage,
  PROTOCOL_VERSION,
  type RequestHistoryMessage,
  type SnapshotMessage,
} from './protocol';

export interface PanelControllerDeps {
  /** A fresh journal event id (the host uses crypto.randomUUID()). */
  newId(): string;
  /** The current time as an ISO string (Date.prototype.toISOString form). */
  now(): string;
  /** Where rejected messages are reported (the extension's output channel). */
  log(line: string): void;
  /** Bootstrap resamples per comparison interval; default 200 (tests use fewer). */
  resamples?: number;
  /** How one comparison row is computed; default comparisonRow (tests count calls, the bench times other paths). */
  comparisonRow?: ComparisonRowFunction;
  /** The open model package's default head, when one is open: the badge's head before any promotion. */
  defaultHeadId?: () => string | null;
}

export interface PanelOutcome {
  /** Messages for the webview, in order. */
  replies: HostMessage[];
  /** Events for the journal, in order; when non-empty, send a snapshot of the refolded state after appending. */
  append: JournalEvent[];
}

/** One history row for a question. */
export function historyRow(question: QuestionRecord): HistoryRow {
  return {
    questionId: question.id,
    time: question.time,
    question: question.question,
    answerExcerpt: question.answer === null ? null : question.answer.text.slice(0, ANSWER_EXCERPT_LENGTH),
    scores: { ...question.scores },
    label: question.label === null ? null : question.label.label,
    labelEventId: question.label === null ? null : question.label.eventId,
  };
}

function matches(question: QuestionRecord, filter: HistoryFilter, needle: string): boolean {
  const label = question.label === null ? null : question.label.label;
  switch (filter.label) {
    case 'all':
      break;
    case 'labelled':
      if (label === null) return false;
      break;
    case 'unlabelled':
      if (label !== null) return false;
      break;
    case 'right':
      if (label !== 1) return false;
      break;
    case 'wrong':
      if (label !== 0) return false;
      break;
    default: {
      const unreachable: never = filter.label;
      throw new Error(`unhandled label filter ${String(unreachable)}`);
    }
  }
  if (needle === '') return true;
  if (question.question.toLowerCase().includes(needle)) return true;
  return question.answer !== null && question.answer.text.toLowerCase().includes(needle);
}

/**
 * The checkpoint whose confidence the panel's badge and queue use, as the chat badge picks it:
 * the promoted head when it has scored something, else the package's default head when it has,
 * else the first head that scored; null when nothing was scored.
 */
export function panelBadgeHead(state: JournalState, seen: readonly string[], defaultHeadId: string | null): string | null {
  if (state.activeHeadId !== null && seen.includes(state.activeHeadId)) return state.activeHeadId;
  if (defaultHeadId !== null && seen.includes(defaultHeadId)) return defaultHeadId;
  return seen[0] ?? null;
}

/**
 * The checkpoints the panel compares, in display order: the badge's head first (the one the user
 * is trusting), then the user's own trained heads, newest first (what a retrain or elicitation
 * just added), then every other head in the order first seen (journal order, each question's
 * score keys in their recorded order). Trained heads that scored nothing yet are included (n 0).
 * Worked example (also a unit test): q1 {eli, elical}, q2 {elical, user-1}, trained user-1 then
 * user-2, default head elical -> [elical, user-2, user-1, eli].
 */
export function comparedHeadIds(state: JournalState, defaultHeadId: string | null = null): string[] {
  const seen = new Set<string>();
  for (const question of state.questions.values()) for (const id of Object.keys(question.scores)) seen.add(id);
  for (const record of state.retrainHistory) seen.add(record.headId);
  const all = [...seen];
  const badge = panelBadgeHead(state, all, defaultHeadId);
  const trained = [...new Set(state.retrainHistory.map((record) => record.headId).reverse())];
  return [...new Set([...(badge === null ? [] : [badge]), ...trained, ...all])];
}

/**
 * The labelling queue for the panel, driven by the badge's head (panelBadgeHead); headId null and
 * an empty queue when nothing was scored yet.
 */
export function queueView(state: JournalState, headIds: readonly string[], defaultHeadId: string | null = null): LabellingQueueView {
  const headId = panelBadgeHead(state, headIds, defaultHeadId);
  if (headId === null) return { headId: null, items: [], candidates: 0, expectedBrier: null };
  const queue = labellingQueue(state.questions.values(), headId, MAX_QUEUE_ITEMS);
  return { headId, items: queue.items.map((item) => ({ ...item })), candidates: queue.candidates, expectedBrier: queue.expectedBrier };
}

/** A deep copy, so that no snapshot message shares objects with the comparison cache. */
function metricsView(metrics: ComparisonMetricsView): ComparisonMetricsView {
  const copy = (interval: MetricIntervalView): MetricIntervalView => ({ value: interval.value, lower: interval.lower, upper: interval.upper });
  return { n: metrics.n, auroc: metrics.auroc === null ? null : copy(metrics.auroc), ece: copy(metrics.ece), alignment: copy(metrics.alignment), brier: copy(metrics.brier) };
}

export class PanelController {
  /** Rows of the last snapshot's comparison, reused for heads whose labelled scores did not change. */
  private readonly comparisonCache: ComparisonCache;

  constructor(private readonly deps: PanelControllerDeps) {
    this.comparisonCache = new ComparisonCache(deps.comparisonRow);
  }

  /**
   * The full state the panel shows above the history list. The comparison's rows come from this
   * controller's ComparisonCache: after an event that changed no head's labelled scores they are
   * last snapshot's, so only a label change pays for the bootstrap intervals.
   */
  snapshotMessage(state: JournalState): SnapshotMessage {
    let labelled = 0;
    let right = 0;
    let latest: QuestionRecord | null = null;
    for (const question of state.questions.values()) {
      latest = question;
      if (question.label === null) continue;
      labelled++;
      if (question.label.label === 1) right++;
    }
    const defaultHeadId = this.deps.defaultHeadId?.() ?? null;
    const headIds = comparedHeadIds(state, defaultHeadId);
    const comparison: ComparisonRowView[] = this.comparisonCache.rows(state.questions.values(), { headIds, resamples: this.deps.resamples ?? 200 }).map((row) => ({
      headId: row.headId,
      n: row.n,
      metrics: row.metrics === null ? null : metricsView(row.metrics),
      bins: row.bins.map((bin) => ({ ...bin })),
    }));
    return {
      protocolVersion: PROTOCOL_VERSION,
      type: 'snapshot',
      snapshot: {
        activeHeadId: state.activeHeadId,
        latest: latest === null ? null : historyRow(latest),
        counts: { questions: state.questions.size, labelled, right, wrong: labelled - right },
        retrainHistory: state.retrainHistory.map((record) => ({
          time: record.time,
          headId: record.headId,
          family: record.family,
          budget: record.budget,
          labelCount: record.labelCount,
          metricsBefore: record.metricsBefore === null ? null : { ...record.metricsBefore },
          metricsAfter: { ...record.metricsAfter },
        })),
        journalProblems: state.problems.length,
        comparison,
        queue: queueView(state, headIds, defaultHeadId),
      },
    };
  }

  /**
   * One page of the question history, newest first, after the filter. An offset past the end
   * gives an empty page with the true total (the list may have shrunk under a new filter).
   */
  historyPage(state: JournalState, request: Pick<RequestHistoryMessage, 'offset' | 'limit' | 'filter'>): HistoryPageMessage {
    const needle = request.filter.text.toLowerCase();
    const questions = [...state.questions.values()];
    const rows: HistoryRow[] = [];
    let total = 0;
    for (let index = questions.length - 1; index >= 0; index--) {
      const question = questions[index];
      if (!matches(question, request.filter, needle)) continue;
      if (total >= request.offset && rows.length < request.limit) rows.push(historyRow(question));
      total++;
    }
    return { protocolVersion: PROTOCOL_VERSION, type: 'historyPage', offset: request.offset, limit: request.limit, filter: { ...request.filter }, total, rows };
  }

  private reject(reason: string): PanelOutcome {
    this.deps.log(`panel message rejected: ${reason}`);
    const reply: ErrorMessage = { protocolVersion: PROTOCOL_VERSION, type: 'error', reason };
    return { replies: [reply], append: [] };
  }

  /** Handles one raw message from the webview. Never throws for any input; never mutates `state`. */
  handle(raw: unknown, state: JournalState): PanelOutcome {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) return this.reject(parsed.reason);
    const message = parsed.message;
    switch (message.type) {
      case 'ready':
        return { replies: [this.snapshotMessage(state)], append: [] };
      case 'label': {
        const question = state.questions.get(message.questionId);
        if (question === undefined) return this.reject(`label for question ${JSON.stringify(message.questionId)}, which is not in the journal`);
        // A repeated click on the label already in force adds nothing to the journal.
        if (question.label !== null && question.label.label === message.label) return { replies: [this.snapshotMessage(state)], append: [] };
        const event: LabelGivenEvent = {
          schemaVersion: JOURNAL_SCHEMA_VERSION,
          type: 'label-given',
          id: this.deps.newId(),
          time: this.deps.now(),
          questionId: message.questionId,
          label: message.label,
          source: 'panel',
        };
        return { replies: [], append: [event] };
      }
      case 'undo': {
        let targetId: string;
        if (message.labelEventId === null) {
          const latest = [...state.labels].reverse().find((record) => record.active);
          if (latest === undefined) return this.reject('there is no label to undo');
          targetId = latest.eventId;
        } else {
          const target = state.labels.find((record) => record.eventId === message.labelEventId);
          if (target === undefined) return this.reject(`undo of ${JSON.stringify(message.labelEventId)}, which is not a label in the journal`);
          if (!target.active) return this.reject(`undo of ${JSON.stringify(message.labelEventId)}, which is already undone`);
          targetId = target.eventId;
        }
        const event: LabelUndoneEvent = { schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'label-undone', id: this.deps.newId(), time: this.deps.now(), targetId };
        return { replies: [], append: [event] };
      }
      case 'requestHistory':
        return { replies: [this.historyPage(state, message)], append: [] };
      default: {
        const unreachable: never = message;
        return this.reject(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
