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
 */
import {
  AnswerSource,
  HeadFamily,
  JournalEvent,
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
  /** Position of the event in the folded array (0-based). */
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

interface UndoNode {
  active: boolean;
  /** For an undo: its target; for a label: null. */
  target: UndoNode | null;
  /** Accepted undos pointing at this node. */
  children: string[];
  /** How many of `children` are active; the node is active exactly when this is 0. */
  activeChildren: number;
}

function kindOf(event: JournalEvent | undefined): string {
  return event === undefined ? 'unknown' : event.type;
}

/** Folds events in order. Worked example (a test): label l1 on q1, undo u1 of l1, undo u2 of u1 -> q1's label is l1 again; a second undo of u1 is rejected. */
export function foldJournal(events: readonly JournalEvent[]): JournalState {
  const state: JournalState = {
    questions: new Map(),
    labels: [],
    undos: [],
    heads: new Map(),
    retrainHistory: [],
    promotions: [],
    activeHeadId: null,
    problems: [],
  };
  const seen = new Map<string, number>();
  const byId = new Map<string, JournalEvent>();
  const nodes = new Map<string, UndoNode>();
  const rejectedUndos = new Set<string>();

  // Flips activity up an undo chain after a node's active-child count changed. Iterative, so long
  // chains cannot overflow the stack, and O(1) per level (a count and an object link, no lookups),
  // because a chain of n undos costs O(n) levels per new undo.
  const settle = (start: UndoNode): void => {
    let node: UndoNode | null = start;
    while (node !== null) {
      const active = node.activeChildren === 0;
      if (active === node.active) return;
      node.active = active;
      if (node.target !== null) node.target.activeChildren += active ? 1 : -1;
      node = node.target;
    }
  };

  events.forEach((event, index) => {
    const reject = (reason: string): void => {
      state.problems.push({ index, eventId: event.id, reason });
    };
    const first = seen.get(event.id);
    if (first !== undefined) {
      reject(`duplicate event id ${JSON.stringify(event.id)} (first at index ${first}); ignored`);
      return;
    }
    seen.set(event.id, index);
    byId.set(event.id, event);
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
        break;
      }
      case 'answer-shown': {
        const question = state.questions.get(event.questionId);
        if (question === undefined) return reject(`answer for question ${JSON.stringify(event.questionId)}, which was not scored earlier; ignored`);
        question.answer = { eventId: event.id, time: event.time, text: event.answer, source: event.source };
        break;
      }
      case 'label-given': {
        const question = state.questions.get(event.questionId);
        if (question === undefined) return reject(`label for question ${JSON.stringify(event.questionId)}, which was not scored earlier; ignored`);
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
        state.labels.push(record);
        question.labels.push(record);
        nodes.set(event.id, { active: true, target: null, children: [], activeChildren: 0 });
        break;
      }
      case 'label-undone': {
        const target = nodes.get(event.targetId);
        if (target === undefined) {
          rejectedUndos.add(event.id);
          const targetEvent = byId.get(event.targetId);
          if (rejectedUndos.has(event.targetId)) return reject(`undo of ${JSON.stringify(event.targetId)}, an undo that was itself rejected; ignored`);
          if (targetEvent === undefined) return reject(`undo of ${JSON.stringify(event.targetId)}, which is not an earlier event; ignored`);
          return reject(`undo of ${JSON.stringify(event.targetId)}, a ${kindOf(targetEvent)} event (only labels and undos can be undone); ignored`);
        }
        if (!target.active) {
          rejectedUndos.add(event.id);
          const by = target.children.find((child) => nodes.get(child)?.active === true);
          return reject(`undo of ${JSON.stringify(event.targetId)}, which is already undone${by === undefined ? '' : ` by ${JSON.stringify(by)}`}; ignored`);
        }
        nodes.set(event.id, { active: true, target, children: [], activeChildren: 0 });
        target.children.push(event.id);
        target.activeChildren += 1;
        settle(target);
        state.undos.push({ eventId: event.id, time: event.time, targetId: event.targetId, active: true, undoneBy: null });
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
  });

  const undoneBy = (id: string): string | null => nodes.get(id)?.children.find((child) => nodes.get(child)?.active === true) ?? null;
  for (const record of [...state.labels, ...state.undos]) {
    record.active = nodes.get(record.eventId)?.active ?? false;
    record.undoneBy = undoneBy(record.eventId);
  }
  for (const question of state.questions.values()) {
    question.label = [...question.labels].reverse().find((record) => record.active) ?? null;
  }
  return state;
}
