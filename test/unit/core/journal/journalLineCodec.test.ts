import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JOURNAL_LINE_PREFIX, decodeJournalLine, encodeJournalLine } from '../../../../extension/core/journal/journalLineCodec';
import { JournalEvent } from '../../../../extension/core/journal/journalEvent';

const TIME = '2026-11-27T09:30:00.000Z';
const scored: JournalEvent = {
  model: 'demo', question: 'Line one\nline two \u2028 "quoted" {"schemaVersion":1}', scores: { schemaVersion: 0.5 }, runtime: 'cpu',
  time: TIME, id: 'q1', type: 'question-scored', schemaVersion: 1,
};
const labelled: JournalEvent = { schemaVersion: 1, type: 'label-given', id: 'l1', time: TIME, questionId: 'q1', label: 0, source: 'keyboard' };

test('encoding puts the envelope first, escapes newlines and round-trips', () => {
  const line = encodeJournalLine(scored);
  assert.ok(line.startsWith(`${JOURNAL_LINE_PREFIX}1,"type":"question-scored","id":"q1","time":"${TIME}"`), line);
  assert.equal(line.includes('\n'), false);
  assert.deepEqual(decodeJournalLine(line), { kind: 'event', event: scored });
});

test('encoding refuses an invalid event and names the problem', () => {
  const bad = { ...labelled, label: 3 } as unknown as JournalEvent;
  assert.throws(() => encodeJournalLine(bad), { message: 'refusing to write an invalid journal event "l1": field label must be one of 0, 1, got 3' });
});

test('worked example: a torn fragment glued to a whole line is recovered, the fragment alone is invalid', () => {
  const line = encodeJournalLine(labelled);
  const fragment = line.slice(0, 21);
  assert.equal(fragment, '{"schemaVersion":1,"t');
  const glued = decodeJournalLine(fragment + line);
  assert.equal(glued.kind, 'recovered');
  if (glued.kind === 'recovered') {
    assert.equal(glued.fragmentLength, 21);
    assert.deepEqual(glued.event, labelled);
    assert.match(glued.fragmentReason, /^not valid JSON/);
  }
  assert.equal(decodeJournalLine(fragment).kind, 'invalid');
});

test('every strict prefix of a line is invalid, and every prefix glued to another line recovers exactly that line', () => {
  const first = encodeJournalLine(scored);
  const second = encodeJournalLine(labelled);
  for (let cut = 1; cut < first.length; cut += 1) {
    const prefix = first.slice(0, cut);
    assert.equal(decodeJournalLine(prefix).kind, 'invalid', `cut ${cut}`);
    const decoded = decodeJournalLine(prefix + second);
    assert.equal(decoded.kind, 'recovered', `cut ${cut}`);
    if (decoded.kind === 'recovered') {
      assert.deepEqual(decoded.event, labelled);
      assert.equal(decoded.fragmentLength, cut);
    }
  }
});

test('garbage that never contains a whole event is reported with the parse reason', () => {
  assert.deepEqual(decodeJournalLine('[1,2]'), { kind: 'invalid', reason: 'a journal event must be a JSON object, got an array' });
  assert.deepEqual(decodeJournalLine(`${JOURNAL_LINE_PREFIX}2,"type":"label-given"}`), {
    kind: 'invalid', reason: 'schemaVersion 2 was written by a newer extension (this one reads 1)',
  });
});
