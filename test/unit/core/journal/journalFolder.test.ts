import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldJournal, JournalFolder, type JournalState } from '../../../../extension/core/journal/foldJournal';
import type { JournalEvent } from '../../../../extension/core/journal/journalEvent';
import { parseJournalEvent } from '../../../../extension/core/journal/parseJournalEvent';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';
import { randomChunks, randomJournalEvents } from '../../../support/randomJournalEvents';
import { referenceFoldJournal } from '../../../support/referenceFoldJournal';

const at = (second: number): string => new Date(Date.UTC(2026, 10, 27, 9, 0, second)).toISOString();
const q = (id: string): JournalEvent => ({ schemaVersion: 1, type: 'question-scored', id, time: at(0), question: `${id}?`, model: 'demo', scores: { h: 0.5 }, runtime: 'cpu' });
const label = (id: string, questionId: string, value: 0 | 1): JournalEvent => ({ schemaVersion: 1, type: 'label-given', id, time: at(1), questionId, label: value, source: 'panel' });
const undo = (id: string, targetId: string): JournalEvent => ({ schemaVersion: 1, type: 'label-undone', id, time: at(2), targetId });

/** Every record object the state holds, the question of each label pointing at the same objects as the lists. */
function assertConsistent(state: JournalState, context: string): void {
  const labels = new Set(state.labels);
  for (const question of state.questions.values()) {
    for (const record of question.labels) assert.ok(labels.has(record), `${context}: ${question.id}'s label ${record.eventId} is not the record in state.labels`);
    if (question.label !== null) assert.ok(question.labels.includes(question.label), `${context}: ${question.id}'s label is not one of its labels`);
  }
}

/** The records a consumer could have kept from `state`, with a deep copy of each to compare later. */
function holdRecords(state: JournalState): { held: object[]; copy: object[] } {
  const held = [...state.questions.values(), ...state.labels, ...state.undos, ...state.problems];
  return { held, copy: structuredClone(held) };
}

test('worked example: l1 read before an incremental undo stays active; the state holds a copy that is not', () => {
  const folder = new JournalFolder();
  folder.fold([q('q1'), label('l1', 'q1', 1)]);
  const before = folder.state.labels[0];
  const question = folder.state.questions.get('q1');
  assert.deepEqual(folder.fold([undo('u1', 'l1')]), []);
  assert.equal(folder.state.questions.get('q1')?.label, null);
  assert.equal(before.active, true);
  assert.equal(question?.label, before, 'a question record kept from before keeps its label');
  assert.deepEqual([folder.state.labels[0].active, folder.state.labels[0].undoneBy], [false, 'u1']);
  assert.equal(folder.state.questions.get('q1')?.labels[0], folder.state.labels[0]);
});

test('fold returns the problems of its own events, indexed in file order across calls', () => {
  const folder = new JournalFolder();
  assert.deepEqual(folder.fold([q('q1'), label('l1', 'q1', 1)]), []);
  assert.deepEqual(folder.fold([undo('u1', 'l1'), undo('u2', 'l1'), q('q1')]), [
    { index: 3, eventId: 'u2', reason: 'undo of "l1", which is already undone by "u1"; ignored' },
    { index: 4, eventId: 'q1', reason: 'duplicate event id "q1" (first at index 0); ignored' },
  ]);
  assert.equal(folder.state.problems.length, 2);
});

test('property: 400 random journals folded in random chunks equal the one-shot fold (and the original fold) at every chunk', () => {
  const random = createSeededRandom(20261128);
  const reasons = new Set<string>();
  let events = 0;
  for (let round = 0; round < 400; round++) {
    const journal = randomJournalEvents(random, 1 + Math.floor(random() * 90));
    events += journal.length;
    for (const event of journal) assert.equal(parseJournalEvent(structuredClone(event)).ok, true, `round ${round}: ${JSON.stringify(event)} is not a valid event`);
    assert.deepStrictEqual(foldJournal(journal), referenceFoldJournal(journal), `round ${round}: one-shot fold`);
    const folder = new JournalFolder();
    for (const [start, end] of randomChunks(random, journal.length, Math.floor(random() * 6))) {
      const context = `round ${round}, chunk [${start}, ${end})`;
      const kept = holdRecords(folder.state);
      const problemsBefore = folder.state.problems.length;
      const added = folder.fold(journal.slice(start, end));
      const expected = referenceFoldJournal(journal.slice(0, end));
      assert.deepStrictEqual(folder.state, expected, context);
      assert.deepStrictEqual(added, expected.problems.slice(problemsBefore), `${context}: returned problems`);
      assert.deepStrictEqual(kept.held, kept.copy, `${context}: a record from before the call changed`);
      assertConsistent(folder.state, context);
    }
    for (const problem of folder.state.problems) reasons.add(problem.reason.replace(/"[^"]*"/g, '_').replace(/index \d+/, 'index _'));
  }
  // The generator must reach every rejection the fold knows, or the property proves little.
  for (const reason of [
    'duplicate event id _ (first at index _); ignored',
    'answer for question _, which was not scored earlier; ignored',
    'label for question _, which was not scored earlier; ignored',
    'undo of _, which is not an earlier event; ignored',
    'undo of _, an undo that was itself rejected; ignored',
    'undo of _, which is already undone by _; ignored',
    'undo of _, a question-scored event (only labels and undos can be undone); ignored',
    'undo of _, a head-trained event (only labels and undos can be undone); ignored',
  ]) {
    assert.ok(reasons.has(reason), `never generated: ${reason}`);
  }
  assert.ok([...reasons].some((reason) => reason.startsWith('promotion of _')), 'never generated: a stale promotion');
  assert.ok(events > 15_000);
});

test('property: one event per call (as the extension folds label clicks) equals the one-shot fold', () => {
  const random = createSeededRandom(7);
  for (let round = 0; round < 100; round++) {
    const journal = randomJournalEvents(random, 60);
    const folder = new JournalFolder();
    for (const event of journal) folder.fold([event]);
    assert.deepStrictEqual(folder.state, referenceFoldJournal(journal), `round ${round}`);
  }
});

test('a 1,000-long undo chain built one undo per call equals the one-shot fold, and each call copies only what it changed', () => {
  const events: JournalEvent[] = [q('q1'), q('q2'), label('l1', 'q1', 1), label('l2', 'q2', 0), undo('u1', 'l1')];
  for (let i = 2; i <= 1_000; i++) events.push(undo(`u${i}`, `u${i - 1}`));
  const folder = new JournalFolder();
  folder.fold(events.slice(0, 4));
  const untouched = folder.state.questions.get('q2');
  for (const event of events.slice(4)) folder.fold([event]);
  assert.deepStrictEqual(folder.state, referenceFoldJournal(events));
  assert.equal(folder.state.questions.get('q1')?.label?.eventId, 'l1', 'an even number of undos restores the label');
  assert.equal(folder.state.questions.get('q2'), untouched, 'a question no event touched keeps its record object');
});
