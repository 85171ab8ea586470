import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldJournal } from '../../../../extension/core/journal/foldJournal';
import { JournalEvent, LabelSource } from '../../../../extension/core/journal/journalEvent';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';

const time = (second: number): string => new Date(Date.UTC(2026, 10, 27, 9, 0, second)).toISOString();
let clock = 0;
const q = (id: string, scores: Record<string, number> = { h: 0.5 }): JournalEvent => ({
  schemaVersion: 1, type: 'question-scored', id, time: time(clock++), question: `question ${id}?`, model: 'demo', scores, runtime: 'cpu',
});
const label = (id: string, questionId: string, value: 0 | 1, source: LabelSource = 'command'): JournalEvent => ({
  schemaVersion: 1, type: 'label-given', id, time: time(clock++), questionId, label: value, source,
});
const undo = (id: string, targetId: string): JournalEvent => ({ schemaVersion: 1, type: 'label-undone', id, time: time(clock++), targetId });
const answer = (id: string, questionId: string, text: string): JournalEvent => ({
  schemaVersion: 1, type: 'answer-shown', id, time: time(clock++), questionId, answer: text, source: 'model',
});

test('worked example: undo restores nothing, undo of the undo restores the label, a second undo of the same undo is rejected', () => {
  const state = foldJournal([q('q1'), label('l1', 'q1', 1), undo('u1', 'l1'), undo('u2', 'u1'), undo('u3', 'u1')]);
  const question = state.questions.get('q1');
  assert.equal(question?.label?.eventId, 'l1');
  assert.equal(question?.label?.label, 1);
  assert.deepEqual(state.undos.map((record) => [record.eventId, record.active, record.undoneBy]), [['u1', false, 'u2'], ['u2', true, null]]);
  assert.deepEqual(state.problems, [{ index: 4, eventId: 'u3', reason: 'undo of "u1", which is already undone by "u2"; ignored' }]);
});

test('a single undo clears the label and the previous active label takes over', () => {
  const state = foldJournal([q('q1'), label('l1', 'q1', 0), label('l2', 'q1', 1), undo('u1', 'l2')]);
  assert.equal(state.questions.get('q1')?.label?.eventId, 'l1');
  assert.deepEqual(state.labels.map((record) => [record.eventId, record.active, record.undoneBy]), [['l1', true, null], ['l2', false, 'u1']]);
  const cleared = foldJournal([q('q1'), label('l1', 'q1', 0), undo('u1', 'l1')]);
  assert.equal(cleared.questions.get('q1')?.label, null);
  assert.equal(cleared.questions.get('q1')?.labels.length, 1, 'the undone label stays in the history');
});

test('double undo of a label is idempotent: the second is rejected, and undoing the first restores the label', () => {
  const state = foldJournal([q('q1'), label('l1', 'q1', 1), undo('u1', 'l1'), undo('u2', 'l1'), undo('u3', 'u2'), undo('u4', 'u1')]);
  assert.deepEqual(state.problems.map((problem) => [problem.eventId, problem.reason]), [
    ['u2', 'undo of "l1", which is already undone by "u1"; ignored'],
    ['u3', 'undo of "u2", an undo that was itself rejected; ignored'],
  ]);
  assert.equal(state.questions.get('q1')?.label?.eventId, 'l1');
});

test('undo chains alternate, and a reactivated undo alongside another active undo keeps the label undone', () => {
  // l1 <- u1 <- u2 <- u3: u3 undoes u2, so u1 is active again and l1 is undone.
  const chain = foldJournal([q('q1'), label('l1', 'q1', 1), undo('u1', 'l1'), undo('u2', 'u1'), undo('u3', 'u2')]);
  assert.equal(chain.questions.get('q1')?.label, null);
  assert.deepEqual(chain.undos.map((record) => record.active), [true, false, true]);
  // l1 undone by u1; u2 undoes u1 (l1 back); u3 undoes l1 again; u4 undoes u2 (u1 back): both u1 and u3 active, l1 stays undone.
  const both = foldJournal([q('q1'), label('l1', 'q1', 1), undo('u1', 'l1'), undo('u2', 'u1'), undo('u3', 'l1'), undo('u4', 'u2')]);
  assert.equal(both.questions.get('q1')?.label, null);
  assert.deepEqual(both.problems, []);
  // Undoing u3 now leaves u1 active: still undone; undoing u4 as well makes u2 active, u1 inactive: restored.
  const restored = foldJournal([
    q('q1'), label('l1', 'q1', 1), undo('u1', 'l1'), undo('u2', 'u1'), undo('u3', 'l1'), undo('u4', 'u2'), undo('u5', 'u3'), undo('u6', 'u4'),
  ]);
  assert.equal(restored.questions.get('q1')?.label?.eventId, 'l1');
});

test('a 20,000-long undo chain folds without overflowing the stack', () => {
  const events: JournalEvent[] = [q('q1'), label('l1', 'q1', 1), undo('u1', 'l1')];
  for (let i = 2; i <= 20_000; i += 1) events.push(undo(`u${i}`, `u${i - 1}`));
  const state = foldJournal(events);
  assert.equal(state.problems.length, 0);
  assert.equal(state.questions.get('q1')?.label?.eventId, 'l1', 'an even number of undos restores the label');
});

test('rejected undos: unknown, later, and non-label targets', () => {
  const state = foldJournal([q('q1'), undo('u0', 'l9'), undo('u1', 'q1'), undo('u2', 'l1'), label('l1', 'q1', 1)]);
  assert.deepEqual(state.problems.map((problem) => problem.reason), [
    'undo of "l9", which is not an earlier event; ignored',
    'undo of "q1", a question-scored event (only labels and undos can be undone); ignored',
    'undo of "l1", which is not an earlier event; ignored',
  ]);
  assert.equal(state.questions.get('q1')?.label?.eventId, 'l1');
});

test('answers and labels for unknown questions and duplicate ids are reported and ignored', () => {
  const state = foldJournal([answer('a0', 'q9', 'x'), label('l0', 'q9', 1), q('q1'), q('q1', { h: 0.9 }), label('l1', 'q1', 1), label('l1', 'q1', 0)]);
  assert.deepEqual(state.problems, [
    { index: 0, eventId: 'a0', reason: 'answer for question "q9", which was not scored earlier; ignored' },
    { index: 1, eventId: 'l0', reason: 'label for question "q9", which was not scored earlier; ignored' },
    { index: 3, eventId: 'q1', reason: 'duplicate event id "q1" (first at index 2); ignored' },
    { index: 5, eventId: 'l1', reason: 'duplicate event id "l1" (first at index 4); ignored' },
  ]);
  assert.deepEqual(state.questions.get('q1')?.scores, { h: 0.5 });
  assert.equal(state.questions.get('q1')?.label?.label, 1);
});

test('latest answer wins; questions keep scoring order; heads, promotions and retrain history', () => {
  const events: JournalEvent[] = [
    q('q2'), q('q1'), answer('a1', 'q1', 'first'), answer('a2', 'q1', 'second'),
    { schemaVersion: 1, type: 'head-trained', id: 'h1', time: time(clock++), headId: 'cal-40', family: 'cal-only', budget: 40, labelCount: 40, metricsBefore: null, metricsAfter: { auroc: 60 } },
    { schemaVersion: 1, type: 'head-trained', id: 'h2', time: time(clock++), headId: 'elical-40', family: 'elical', budget: 40, labelCount: 40, metricsBefore: { auroc: 60 }, metricsAfter: { auroc: 70 } },
    { schemaVersion: 1, type: 'head-promoted', id: 'p1', time: time(clock++), headId: 'elical-40', previousHeadId: null },
    { schemaVersion: 1, type: 'head-promoted', id: 'p2', time: time(clock++), headId: 'cal-40', previousHeadId: 'elical-40' },
    { schemaVersion: 1, type: 'head-promoted', id: 'p3', time: time(clock++), headId: 'elical-40', previousHeadId: 'elical-1000' },
  ];
  const state = foldJournal(events);
  assert.deepEqual([...state.questions.keys()], ['q2', 'q1']);
  assert.equal(state.questions.get('q1')?.answer?.text, 'second');
  assert.equal(state.questions.get('q2')?.answer, null);
  assert.deepEqual(state.retrainHistory.map((record) => record.headId), ['cal-40', 'elical-40']);
  assert.deepEqual(state.heads.get('elical-40')?.metricsBefore, { auroc: 60 });
  assert.equal(state.activeHeadId, 'elical-40');
  assert.deepEqual(state.promotions.map((record) => record.headId), ['elical-40', 'cal-40', 'elical-40']);
  assert.deepEqual(state.problems, [{
    index: 8, eventId: 'p3',
    reason: 'promotion of "elical-40" says the previous head was "elical-1000", but the journal\'s active head was "cal-40" (promoted from two windows?); applied',
  }]);
});

test('the fold does not share or change the events it reads', () => {
  const events = [q('q1', { h: 0.25 })];
  const copy = structuredClone(events);
  const state = foldJournal(events);
  const record = state.questions.get('q1');
  assert.ok(record);
  record.scores.h = 0.99;
  assert.deepEqual(events, copy);
});

// An independent reference for the undo rule, written from its definition: an event is active
// when no accepted active undo points at it, evaluated recursively over the events accepted so far.
function referenceLabels(events: JournalEvent[]): Map<string, string | null> {
  const accepted: JournalEvent[] = [];
  const isActive = (id: string): boolean =>
    !accepted.some((event) => event.type === 'label-undone' && event.targetId === id && isActive(event.id));
  const known = new Set<string>();
  for (const event of events) {
    if (event.type === 'question-scored') known.add(event.id);
    if (event.type === 'label-given' && known.has(event.questionId)) accepted.push(event);
    if (event.type === 'label-undone') {
      const target = accepted.find((candidate) => candidate.id === event.targetId);
      if (target !== undefined && isActive(target.id)) accepted.push(event);
    }
  }
  const result = new Map<string, string | null>();
  for (const id of known) {
    const labels = accepted.filter((event) => event.type === 'label-given' && event.questionId === id && isActive(event.id));
    result.set(id, labels.length === 0 ? null : labels[labels.length - 1].id);
  }
  return result;
}

test('property: 300 random label/undo histories fold to what the reference definition says', () => {
  const random = createSeededRandom(20261127);
  let rejectedSeen = 0;
  for (let round = 0; round < 300; round += 1) {
    const events: JournalEvent[] = [q('q1'), q('q2'), q('q3')];
    const targets: string[] = [];
    const length = 5 + Math.floor(random() * 30);
    for (let i = 0; i < length; i += 1) {
      if (targets.length === 0 || random() < 0.35) {
        const id = `l${i}`;
        events.push(label(id, `q${1 + Math.floor(random() * 3)}`, random() < 0.5 ? 0 : 1));
        targets.push(id);
      } else {
        const id = `u${i}`;
        events.push(undo(id, targets[Math.floor(random() * targets.length)]));
        targets.push(id);
      }
    }
    const state = foldJournal(events);
    const expected = referenceLabels(events);
    for (const [questionId, labelId] of expected) {
      assert.equal(state.questions.get(questionId)?.label?.eventId ?? null, labelId, `round ${round}, ${questionId}`);
    }
    rejectedSeen += state.problems.length;
  }
  assert.ok(rejectedSeen > 50, 'the random histories must exercise rejected (double) undos too');
});
