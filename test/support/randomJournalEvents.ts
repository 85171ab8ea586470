/**
 * Random journals for property tests of the fold: every event type, with what the fold must
 * reject mixed in (duplicate ids, answers and labels for unknown questions, undos of unknown,
 * later and non-label ids, double undos, stale promotions) and long undo chains (most undos
 * aim at the latest label or undo, so chains of undo-of-undo build up). Times are random, so
 * events are out of time order as when two windows' clocks differ; the fold must not care.
 * Every event is valid as parseJournalEvent defines it (what the fold gets from the file).
 */
import type { JournalEvent, LabelSource } from '../../extension/core/journal/journalEvent';

const LABEL_SOURCES: LabelSource[] = ['chat-button', 'command', 'keyboard', 'panel', 'feedback', 'import'];

export function randomJournalEvents(random: () => number, length: number): JournalEvent[] {
  const events: JournalEvent[] = [];
  const questions: string[] = [];
  const undoable: string[] = [];
  const heads: string[] = [];
  let activeHead: string | null = null;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const time = (): string => new Date(Date.UTC(2026, 10, 27) + Math.floor(random() * 86_400_000)).toISOString();
  for (let n = 0; n < length; n++) {
    // A duplicate id takes an earlier event's id (of any type) for an event of any type.
    const id = events.length > 0 && random() < 0.06 ? pick(events).id : `e${n}`;
    const questionId = (): string => (questions.length === 0 || random() < 0.08 ? `q-unknown-${n}` : pick(questions));
    const kind = random();
    if (kind < 0.18 || questions.length === 0) {
      const event: JournalEvent = { schemaVersion: 1, type: 'question-scored', id, time: time(), question: `Question ${n}?`, model: 'demo', scores: { a: random(), b: random() }, runtime: 'cpu' };
      if (random() < 0.3) event.promptHash = n.toString(16).padStart(64, '0');
      if (random() < 0.3) event.latencyMs = Math.floor(random() * 100);
      if (random() < 0.3) event.goldAnswers = [`gold ${n}`];
      events.push(event);
      questions.push(id);
    } else if (kind < 0.3) {
      events.push({ schemaVersion: 1, type: 'answer-shown', id, time: time(), questionId: questionId(), answer: `Answer ${n}.`, source: 'model' });
    } else if (kind < 0.52) {
      const event: JournalEvent = { schemaVersion: 1, type: 'label-given', id, time: time(), questionId: questionId(), label: random() < 0.5 ? 0 : 1, source: pick(LABEL_SOURCES) };
      if (event.source === 'import' && random() < 0.5) event.originalSource = pick(LABEL_SOURCES.filter((source) => source !== 'import'));
      events.push(event);
      undoable.push(id);
    } else if (kind < 0.86) {
      const aim = random();
      const aimed =
        undoable.length > 0 && aim < 0.45 ? undoable[undoable.length - 1]
        : undoable.length > 0 && aim < 0.75 ? pick(undoable)
        : aim < 0.85 && events.length > 0 ? pick(events).id
        : aim < 0.92 ? `missing-${n}`
        : `e${n + 1 + Math.floor(random() * 5)}`;
      // An undo naming itself is not a valid event (parseJournalEvent), so the fold never sees one.
      const targetId = aimed === id ? `missing-${n}` : aimed;
      events.push({ schemaVersion: 1, type: 'label-undone', id, time: time(), targetId });
      undoable.push(id);
    } else if (kind < 0.93) {
      const headId = heads.length > 0 && random() < 0.3 ? pick(heads) : `head-${n}`;
      heads.push(headId);
      events.push({
        schemaVersion: 1, type: 'head-trained', id, time: time(), headId, family: random() < 0.5 ? 'elical' : 'cal-only', budget: random() < 0.5 ? null : 40,
        labelCount: Math.floor(random() * 100), metricsBefore: random() < 0.5 ? null : { auroc: random() }, metricsAfter: { auroc: random() },
      });
    } else {
      // The previous head is usually right, sometimes stale (two windows promoting at once).
      const headId = heads.length > 0 ? pick(heads) : 'package-head';
      events.push({ schemaVersion: 1, type: 'head-promoted', id, time: time(), headId, previousHeadId: random() < 0.8 ? activeHead : 'stale-head' });
      activeHead = headId;
    }
  }
  return events;
}

/** `length` split at `cuts` random points (chunks may be empty), as consecutive [start, end) pairs. */
export function randomChunks(random: () => number, length: number, cuts: number): [number, number][] {
  const points = Array.from({ length: cuts }, () => Math.floor(random() * (length + 1))).sort((a, b) => a - b);
  const bounds = [0, ...points, length];
  return bounds.slice(1).map((end, k) => [bounds[k], end]);
}
