/**
 * The events of the label journal: an append-only JSONL log (one event per line) that is the
 * single source of truth for what the user asked, saw, labelled, trained and promoted. State is
 * never stored separately; it is recomputed by folding these events (foldJournal.ts), so a label,
 * once appended, can only be hidden by a later "label undone" event, never erased.
 *
 * Every event shares an envelope: `schemaVersion` (JOURNAL_SCHEMA_VERSION), `type`, a unique
 * `id` (the writer picks it, e.g. crypto.randomUUID(); 1-128 characters of letters, digits and
 * `. _ : -`) and `time` (UTC, Date.prototype.toISOString form). On disk the envelope keys come
 * first and in that order (formatJournalLine.ts), which is what lets a reader resynchronise after
 * a torn line.
 */

/**
 * Version of the event schema written by this code. Readers accept exactly the versions they
 * know (1); a newer version is reported per line ("written by a newer extension"), never guessed
 * at. Bump it when a field changes meaning or a required field is added.
 */
export const JOURNAL_SCHEMA_VERSION = 1;

/** Where a label came from: the chat buttons, a palette command, its keybinding, the panel, VS Code's thumbs feedback (opt-in), or an imported file. */
export const LABEL_SOURCES = ['chat-button', 'command', 'keyboard', 'panel', 'feedback', 'import'] as const;
export type LabelSource = (typeof LABEL_SOURCES)[number];

/** Where a shown answer came from (product.md "answer source"), or an imported file. */
export const ANSWER_SOURCES = ['model', 'vscode-lm', 'openai-compatible', 'import'] as const;
export type AnswerSource = (typeof ANSWER_SOURCES)[number];

/** Where the scores were computed; `imported` when they came from a file (or there are none). */
export const SCORING_RUNTIMES = ['cpu', 'cuda', 'remote', 'imported'] as const;
export type ScoringRuntime = (typeof SCORING_RUNTIMES)[number];

/** Checkpoint families (model-package.md). */
export const HEAD_FAMILIES = ['eli-only', 'cal-only', 'elical'] as const;
export type HeadFamily = (typeof HEAD_FAMILIES)[number];

export interface JournalEnvelope {
  schemaVersion: typeof JOURNAL_SCHEMA_VERSION;
  id: string;
  time: string;
}

/** A question was scored before answering. `id` is also the question's id. */
export interface QuestionScoredEvent extends JournalEnvelope {
  type: 'question-scored';
  question: string;
  /** Hex sha256 of the exact prompt the model saw (after wrapper and chat template), when known. */
  promptHash?: string;
  /** Model package name. */
  model: string;
  /** Confidence in [0, 1] per head id; may be empty for imported questions without scores. */
  scores: Record<string, number>;
  runtime: ScoringRuntime;
  /** Milliseconds from request to scores, when measured. */
  latencyMs?: number;
  /** Gold answers, when the question came with them (HonestyBench `answer`). */
  goldAnswers?: string[];
}

/** The answer the user saw for a question. A later one for the same question replaces it. */
export interface AnswerShownEvent extends JournalEnvelope {
  type: 'answer-shown';
  questionId: string;
  answer: string;
  source: AnswerSource;
}

/** The user judged the shown answer right (1) or wrong (0). The latest active one counts. */
export interface LabelGivenEvent extends JournalEnvelope {
  type: 'label-given';
  questionId: string;
  label: 0 | 1;
  source: LabelSource;
  /** For source `import`: where the label was first given, when the file said so. */
  originalSource?: LabelSource;
}

/**
 * Undoes one earlier `label-given` or `label-undone` event (`targetId`). Undoing an undo restores
 * what it had undone. An undo whose target is already undone is rejected by the fold (reported,
 * no effect), so undoing twice is harmless. See foldJournal.ts for the exact rule.
 */
export interface LabelUndoneEvent extends JournalEnvelope {
  type: 'label-undone';
  targetId: string;
}

/** A head was trained from the user's labels (a retrain). */
export interface HeadTrainedEvent extends JournalEnvelope {
  type: 'head-trained';
  headId: string;
  family: HeadFamily;
  /** Label budget k, or null for "all labels". */
  budget: number | null;
  /** Labels the training used. */
  labelCount: number;
  /** Metrics of the head that was active before (null when none was evaluated), e.g. { auroc: 71.3, ece: 0.08 }. */
  metricsBefore: Record<string, number> | null;
  /** Metrics of the new head on the same evaluation. */
  metricsAfter: Record<string, number>;
}

/** A head became the active checkpoint (also a rollback: promote the previous one again). */
export interface HeadPromotedEvent extends JournalEnvelope {
  type: 'head-promoted';
  headId: string;
  /** The head that was active when the user promoted, as that window saw it. */
  previousHeadId: string | null;
}

export type JournalEvent =
  | QuestionScoredEvent
  | AnswerShownEvent
  | LabelGivenEvent
  | LabelUndoneEvent
  | HeadTrainedEvent
  | HeadPromotedEvent;

export type JournalEventType = JournalEvent['type'];

export const JOURNAL_EVENT_TYPES: readonly JournalEventType[] = [
  'question-scored',
  'answer-shown',
  'label-given',
  'label-undone',
  'head-trained',
  'head-promoted',
];
