/**
 * Folds journal events (in file order) into the state the panel, retrain and export read:
 * questions with their latest answer and effective label, the label history, trained heads, the
 * active head and the retrain history. The journal is the truth; this state is always derived,
 * so folding the same events gives the same state in every window.
 *
 * Undo rule (label-undone events). The accepted label-given and label-undone events form a
 * forest: each undo points at its target. An event is *active* when no active undo points at it
 * (undos always point backwards in the file, so this is well defined). Hence:
 * - undoing a label deactivates it; undoing that undo reactivates the label; undoing the
 *   undo-of-undo deactivates it again, and so on;
 * - an undo whose target is inactive at that point in the file (already undone, e.g. the same
 *   undo pressed twice, or sent from two windows) is rejected: it is reported in `problems` and
 *   has no effect, so a double undo is idempotent. An undo of a rejected undo is rejected too;
 * - an undo of an unknown event, of a later event, or of an event that is not a label or an undo
 *   is rejected with the reason.
 * A question's effective label is its latest active label-given event, or null.
 *
 * Other rejections (reported, no effect, the line stays in the journal): a duplicate event id
 * (the first occurrence wins), an answer or label for a question not scored earlier in the file.
 * A head-promoted event whose `previousHeadId` differs from the active head at that point is
 * applied but reported (two windows promoting at once).
 *
 * Incremental. JournalFolder applies new events to the state it already holds, and folding A
 * then B gives a state deep-equal to folding A + B at once (a property test splits random
 * journals of every event type at random points). That is exact, not approximate, because the
 * fold depends on file order alone (never on `time`), and every window's events reach every
 * reader in file order: appends go to the end of the one file (O_APPEND), and a reader reads
 * the bytes after its last offset (journalFile.ts). So new events are always a suffix of what
 * was folded and nothing is ever refolded; an event whose `time` is earlier than the ones before
 * it (another window's clock) folds exactly where it sits in the file, as in a one-shot fold.
 * A fold call costs time proportional to its events, plus, for an undo, the undo chain it
 * settles (as in a one-shot fold), plus the labels of the questions whose labels it touches.
 *
 * Sharing. A folder's state object and its containers (the `questions` and `heads` maps, the
 * arrays) are updated in place by later fold calls. Records (questions, labels, undos, answers,
 * heads, promotions, problems) are never changed once a fold call has returned: a record that
 * changes (a question's answer or label, a label's or undo's activity) is replaced by a copy in
 * every container that holds it. So a consumer that keeps records across an await (retrain keeps
 * the labelled questions it trains on and reads their labels later) keeps a consistent snapshot,
 * while one that keeps a container sees later events: copy it ([...state.questions.values()])
 * for a stable view.
 */
import {
  AnswerSource,
  HeadFamily,
  JournalEvent,
  JournalEventType,
  LabelSource,
  QuestionScoredEvent,
} from './journalEvent';

export interface LabelRecord {
  eventId: string;
  questionId: string;
  time: string;
  label: 0 | 1;
  source: LabelSource;
  originalSource?: LabelSource;
  /** False once an active undo points at it. */
  active: boolean;
  /** The active undo that deactivated it, or null. */
  undoneBy: string | null;
}

export interface UndoRecord {
  eventId: string;
  time: string;
  targetId: string;
  active: boolean;
  undoneBy: string | null;
}

export interface ShownAnswer {
  eventId: string;
  time: string;
  text: string;
  source: AnswerSource;
}

export interface QuestionRecord {
  id: string;
  time: string;
  question: string;
  promptHash?: string;
  model: string;
  scores: Record<string, number>;
  runtime: QuestionScoredEvent['runtime'];
  latencyMs?: number;
  goldAnswers?: string[];
  /** The latest answer shown for it, or null. */
  answer: ShownAnswer | null;
  /** Its effective label: the latest active label-given, or null. */
  label: LabelRecord | null;
  /** Every accepted label-given for it, in file order (active or not). */
  labels: LabelRecord[];
}

export interface TrainedHeadRecord {
  eventId: string;
  time: string;
  headId: string;
  family: HeadFamily;
  budget: number | null;
  labelCount: number;
  metricsBefore: Record<string, number> | null;
  metricsAfter: Record<string, number>;
}

export interface PromotionRecord {
  eventId: string;
  time: string;
  headId: string;
  previousHeadId: string | null;
}

export interface FoldProblem {
  /** Position of the event among all the events folded into this state (0-based: file order). */
  index: number;
  eventId: string;
  reason: string;
}

export interface JournalState {
  /** By question id, in the order questions were scored. */
  questions: Map<string, QuestionRecord>;
  /** Every accepted label-given, in file order. */
  labels: LabelRecord[];
  /** Every accepted label-undone, in file order. */
  undos: UndoRecord[];
  /** By head id: its latest head-trained record. */
  heads: Map<string, TrainedHeadRecord>;
  /** Every head-trained, in file order (one row per retrain). */
  retrainHistory: TrainedHeadRecord[];
  promotions: PromotionRecord[];
  /** Head id of the latest promotion, or null (then the package's default head applies). */
  activeHeadId: string | null;
  problems: FoldProblem[];
}

/** Where an accepted or rejected event id was first seen: what duplicate and undo reports name. */
interface SeenEvent {
  index: number;
  type: JournalEventType;
}

/** An accepted label-given or label-undone: a node of the undo forest. */
interface UndoNode {
  eventId: string;
  active: boolean;
  /** For an undo: its target; for a label: null. */
  target: UndoNode | null;
  /** Accepted undos pointing at this node, in file order. */
  children: UndoNode[];
  /** How many of `children` are active; the node is active exactly when this is 0. */
  activeChildren: number;
  /** Index of its record in state.labels (a label) or state.undos (an undo). */
  listIndex: number;
  /** For a label: its question and its index in that question's labels; null for an undo. */
  question: { id: string; index: number } | null;
  /** True while it is queued in `staleNodes` (its record may lag its activity). */
  stale: boolean;
}

/** The first active undo pointing at `node` (what its record's `undoneBy` names), or null. */
function firstActiveChild(node: UndoNode): string | null {
  for (const child of node.children) if (child.active) return child.eventId;
  return null;
}

/**
 * The fold, kept open for more events (see "Incremental" and "Sharing" in the file comment).
 * Worked example (a test): fold [q1, label l1 on q1] then [undo u1 of l1] -> q1's label is null,
 * and the l1 record read before the second call still says active (the new state holds a copy).
 */
export class JournalFolder {
  readonly state: JournalState = {
    questions: new Map(),
    labels: [],
    undos: [],
    heads: new Map(),
    retrainHistory: [],
    promotions: [],
    activeHeadId: null,
    problems: [],
  };
  /** Events folded so far (the next event's index). */
  private count = 0;
  private readonly seen = new Map<string, SeenEvent>();
  private readonly nodes = new Map<string, UndoNode>();
  private readonly rejectedUndos = new Set<string>();
  /** Records created or copied by the running fold call: nobody holds them yet, so they change in place. */
  private readonly fresh = new Set<object>();
  /**
   * Nodes whose activity or first active child changed in the running call. Their records are
   * brought up to date once, at the end of the call, so that a long undo chain settled many times
   * in one call (a one-shot fold) copies nothing and writes each record once.
   */
  private readonly staleNodes: UndoNode[] = [];
  /** Questions whose effective label may have changed in the running call. */
  private readonly staleQuestions = new Set<string>();

  /** Folds `events`, the ones after those already folded, in file order; returns the problems they added. */
  fold(events: readonly JournalEvent[]): FoldProblem[] {
    const problemsBefore = this.state.problems.length;
    try {
      for (const event of events) this.apply(event, this.count++);
    } finally {
      this.refreshRecords();
      this.fresh.clear();
    }
    return this.state.problems.slice(problemsBefore);
  }

  private apply(event: JournalEvent, index: number): void {
    const { state } = this;
    const reject = (reason: string): void => {
      state.problems.push({ index, eventId: event.id, reason });
    };
    const first = this.seen.get(event.id);
    if (first !== undefined) {
      reject(`duplicate event id ${JSON.stringify(event.id)} (first at index ${first.index}); ignored`);
      return;
    }
    this.seen.set(event.id, { index, type: event.type });
    switch (event.type) {
      case 'question-scored': {
        const record: QuestionRecord = {
          id: event.id,
          time: event.time,
          question: event.question,
          model: event.model,
          scores: { ...event.scores },
          runtime: event.runtime,
          answer: null,
          label: null,
          labels: [],
        };
        if (event.promptHash !== undefined) record.promptHash = event.promptHash;
        if (event.latencyMs !== undefined) record.latencyMs = event.latencyMs;
        if (event.goldAnswers !== undefined) record.goldAnswers = [...event.goldAnswers];
        state.questions.set(event.id, record);
        this.fresh.add(record);
        break;
      }
      case 'answer-shown': {
        const question = state.questions.get(event.questionId);
        if (question === undefined) return reject(`answer for question ${JSON.stringify(event.questionId)}, which was not scored earlier; ignored`);
        this.writableQuestion(question).answer = { eventId: event.id, time: event.time, text: event.answer, source: event.source };
        break;
      }
      case 'label-given': {
        const found = state.questions.get(event.questionId);
        if (found === undefined) return reject(`label for question ${JSON.stringify(event.questionId)}, which was not scored earlier; ignored`);
        const question = this.writableQuestion(found);
        const record: LabelRecord = {
          eventId: event.id,
          questionId: event.questionId,
          time: event.time,
          label: event.label,
          source: event.source,
          active: true,
          undoneBy: null,
        };
        if (event.originalSource !== undefined) record.originalSource = event.originalSource;
        this.nodes.set(event.id, {
          eventId: event.id,
          active: true,
          target: null,
          children: [],
          activeChildren: 0,
          listIndex: state.labels.length,
          question: { id: question.id, index: question.labels.length },
          stale: false,
        });
        state.labels.push(record);
        question.labels.push(record);
        this.fresh.add(record);
        this.staleQuestions.add(question.id);
        break;
      }
      case 'label-undone': {
        const target = this.nodes.get(event.targetId);
        if (target === undefined) {
          this.rejectedUndos.add(event.id);
          const targetEvent = this.seen.get(event.targetId);
          if (this.rejectedUndos.has(event.targetId)) return reject(`undo of ${JSON.stringify(event.targetId)}, an undo that was itself rejected; ignored`);
          if (targetEvent === undefined) return reject(`undo of ${JSON.stringify(event.targetId)}, which is not an earlier event; ignored`);
          return reject(`undo of ${JSON.stringify(event.targetId)}, a ${targetEvent.type} event (only labels and undos can be undone); ignored`);
        }
        if (!target.active) {
          this.rejectedUndos.add(event.id);
          const by = firstActiveChild(target);
          return reject(`undo of ${JSON.stringify(event.targetId)}, which is already undone${by === null ? '' : ` by ${JSON.stringify(by)}`}; ignored`);
        }
        const node: UndoNode = {
          eventId: event.id,
          active: true,
          target,
          children: [],
          activeChildren: 0,
          listIndex: state.undos.length,
          question: null,
          stale: false,
        };
        this.nodes.set(event.id, node);
        target.children.push(node);
        target.activeChildren += 1;
        this.settle(target);
        const record: UndoRecord = { eventId: event.id, time: event.time, targetId: event.targetId, active: true, undoneBy: null };
        state.undos.push(record);
        this.fresh.add(record);
        break;
      }
      case 'head-trained': {
        const record: TrainedHeadRecord = {
          eventId: event.id,
          time: event.time,
          headId: event.headId,
          family: event.family,
          budget: event.budget,
          labelCount: event.labelCount,
          metricsBefore: event.metricsBefore === null ? null : { ...event.metricsBefore },
          metricsAfter: { ...event.metricsAfter },
        };
        state.heads.set(event.headId, record);
        state.retrainHistory.push(record);
        break;
      }
      case 'head-promoted': {
        if (event.previousHeadId !== state.activeHeadId) {
          reject(
            `promotion of ${JSON.stringify(event.headId)} says the previous head was ${JSON.stringify(event.previousHeadId)}, but the journal's active head was ${JSON.stringify(state.activeHeadId)} (promoted from two windows?); applied`,
          );
        }
        state.promotions.push({ eventId: event.id, time: event.time, headId: event.headId, previousHeadId: event.previousHeadId });
        state.activeHeadId = event.headId;
        break;
      }
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled journal event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  // Flips activity up an undo chain after a node's active-child count changed, queueing every node
  // it visits (each one's first active child may have changed). Iterative, so long chains cannot
  // overflow the stack, and O(1) per level (a count, an object link, a flag), because a chain of n
  // undos costs O(n) levels per new undo.
  private settle(start: UndoNode): void {
    let node: UndoNode | null = start;
    while (node !== null) {
      if (!node.stale) {
        node.stale = true;
        this.staleNodes.push(node);
      }
      const active = node.activeChildren === 0;
      if (active === node.active) return;
      node.active = active;
      if (node.target !== null) node.target.activeChildren += active ? 1 : -1;
      node = node.target;
    }
  }

  /** The question's record, copied into the state first unless the running call made it. */
  private writableQuestion(question: QuestionRecord): QuestionRecord {
    if (this.fresh.has(question)) return question;
    const copy: QuestionRecord = { ...question, labels: [...question.labels] };
    this.state.questions.set(copy.id, copy); // an existing key keeps its place: scoring order holds
    this.fresh.add(copy);
    return copy;
  }

  /** Brings the records of the running call's stale nodes and questions up to date (copy on write). */
  private refreshRecords(): void {
    const { state } = this;
    for (const node of this.staleNodes) {
      node.stale = false;
      const undoneBy = firstActiveChild(node);
      const list: (LabelRecord | UndoRecord)[] = node.question === null ? state.undos : state.labels;
      const current = list[node.listIndex];
      if (current.active === node.active && current.undoneBy === undoneBy) continue;
      const record = this.fresh.has(current) ? current : { ...current };
      record.active = node.active;
      record.undoneBy = undoneBy;
      if (record !== current) {
        // A copy replaces the old record wherever it is held: the list, and a label's question.
        list[node.listIndex] = record;
        this.fresh.add(record);
        if (node.question !== null) this.writableQuestion(state.questions.get(node.question.id) as QuestionRecord).labels[node.question.index] = record as LabelRecord;
      }
      if (node.question !== null) this.staleQuestions.add(node.question.id);
    }
    this.staleNodes.length = 0;
    for (const id of this.staleQuestions) {
      const question = state.questions.get(id) as QuestionRecord;
      let label: LabelRecord | null = null;
      for (let i = question.labels.length - 1; i >= 0 && label === null; i--) if (question.labels[i].active) label = question.labels[i];
      if (question.label !== label) this.writableQuestion(question).label = label;
    }
    this.staleQuestions.clear();
  }
}

/** Folds events in order. Worked example (a test): label l1 on q1, undo u1 of l1, undo u2 of u1 -> q1's label is l1 again; a second undo of u1 is rejected. */
export function foldJournal(events: readonly JournalEvent[]): JournalState {
  const folder = new JournalFolder();
  folder.fold(events);
  return folder.state;
}
