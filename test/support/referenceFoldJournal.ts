/**
 * The one-shot journal fold as it was before folding became incremental (foldJournal.ts at
 * commit fa9e32e, the types imported instead of declared), kept verbatim as a test oracle: the
 * incremental JournalFolder must give a state deep-equal to this one for any events, however
 * they are split into chunks. Do not "fix" it; it pins the semantics the journal was written with.
 */
import type { JournalState, QuestionRecord, LabelRecord, TrainedHeadRecord } from '../../extension/core/journal/foldJournal';
import type { JournalEvent } from '../../extension/core/journal/journalEvent';

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

/** foldJournal as it was (see the file comment). */
export function referenceFoldJournal(events: readonly JournalEvent[]): JournalState {
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
