import type { QuestionRecord } from '../journal/foldJournal';

export interface QueueItem {
  questionId: string;
  question: string;
  /** The active head's confidence, or null when it did not score this question. */
  confidence: number | null;
  /** 1 - |2p - 1| for the active head: 1 at p = 0.5, 0 at p = 0 or 1. */
  uncertainty: number;
  /** Largest minus smallest confidence over the checkpoints that scored it (0 with one). */
  disagreement: number;
  /** max(uncertainty, disagreement): the sort key. */
  priority: number;
}

export interface LabellingQueue {
  items: QueueItem[];
  /** Unlabelled questions considered (the queue's full length before `limit`). */
  candidates: number;
  /**
   * Mean of p (1 - p) over the listed items with an active-head confidence: the Brier score the
   * active head itself expects on them if it were calibrated (0.25 at p = 0.5, 0 at certainty).
   * It reads as "how much these labels can still teach": high means the checkpoint does not know.
   * Null when no listed item has a confidence.
   */
  expectedBrier: number | null;
}

/**
 * The labelling queue: unlabelled questions (with an answer shown, since a label judges an
 * answer) ordered by where a label helps most. A label is most informative where the active
 * checkpoint is least sure (confidence near 0.5: uncertainty sampling) or where checkpoints
 * disagree (a label then tells which one is right: query by committee), so
 * priority = max(uncertainty, disagreement), both in [0, 1].
 * Ties: newer question first (the user remembers it better), then by id.
 * Worked example (also a unit test): active head a; q1 {a: 0.5} -> priority 1; q2 {a: 0.9,
 * b: 0.2} -> uncertainty 0.2, disagreement 0.7, priority 0.7; q3 {a: 0.95} -> 0.1. Order q1, q2,
 * q3; expectedBrier over all three = (0.25 + 0.09 + 0.0475) / 3 = 0.129167.
 */
export function labellingQueue(questions: Iterable<QuestionRecord>, activeHeadId: string, limit: number): LabellingQueue {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const candidates: (QueueItem & { order: number; time: string })[] = [];
  let order = 0;
  for (const question of questions) {
    order += 1;
    if (question.label !== null || question.answer === null) continue;
    const values = Object.values(question.scores);
    const p = question.scores[activeHeadId];
    const confidence = p === undefined ? null : p;
    const uncertainty = confidence === null ? 0 : 1 - Math.abs(2 * confidence - 1);
    const disagreement = values.length < 2 ? 0 : Math.max(...values) - Math.min(...values);
    candidates.push({ questionId: question.id, question: question.question, confidence, uncertainty, disagreement, priority: Math.max(uncertainty, disagreement), order, time: question.time });
  }
  candidates.sort((x, y) => y.priority - x.priority || y.order - x.order || (x.questionId < y.questionId ? -1 : 1));
  const items = candidates.slice(0, limit).map(({ order: _order, time: _time, ...item }) => item);
  const scored = items.filter((item) => item.confidence !== null) as (QueueItem & { confidence: number })[];
  return {
    items,
    candidates: candidates.length,
    expectedBrier: scored.length === 0 ? null : scored.reduce((sum, item) => sum + item.confidence * (1 - item.confidence), 0) / scored.length,
  };
}
