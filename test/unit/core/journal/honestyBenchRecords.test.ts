import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportHonestyBenchRecords, formatHonestyBenchJsonl, importHonestyBenchJsonl } from '../../../../extension/core/journal/honestyBenchRecords';
import { foldJournal } from '../../../../extension/core/journal/foldJournal';
import { JournalEvent } from '../../../../extension/core/journal/journalEvent';
import { parseJournalEvent } from '../../../../extension/core/journal/parseJournalEvent';

const IMPORT_TIME = '2026-11-28T10:00:00.000Z';
const counter = (): (() => string) => {
  let next = 0;
  return () => `imp-${(next += 1)}`;
};

test('worked example: one plain HonestyBench line gives question, answer and label events', () => {
  const line = '{"question":"Capital of France?","answer":["Paris"],"greedy_response":["Paris"],"greedy_correctness":1}';
  const result = importHonestyBenchJsonl(line, { model: 'demo', time: IMPORT_TIME, newId: counter() });
  assert.deepEqual(result.errors, []);
  assert.equal(result.imported, 1);
  assert.deepEqual(result.events, [
    { schemaVersion: 1, type: 'question-scored', id: 'imp-1', time: IMPORT_TIME, question: 'Capital of France?', model: 'demo', scores: {}, runtime: 'imported', goldAnswers: ['Paris'] },
    { schemaVersion: 1, type: 'answer-shown', id: 'imp-2', time: IMPORT_TIME, questionId: 'imp-1', answer: 'Paris', source: 'import' },
    { schemaVersion: 1, type: 'label-given', id: 'imp-3', time: IMPORT_TIME, questionId: 'imp-1', label: 1, source: 'import' },
  ]);
  for (const event of result.events) assert.equal(parseJournalEvent(event).ok, true);
  const bad = importHonestyBenchJsonl(line.replace('"greedy_correctness":1', '"greedy_correctness":2'), { model: 'demo', time: IMPORT_TIME, newId: counter() });
  assert.deepEqual(bad, { events: [], imported: 0, errors: [{ line: 1, reason: 'field greedy_correctness must be one of 0, 1, got 2' }], skipped: [] });
});

test('a full HonestyBench line (sampling fields and all) imports; its extra fields are ignored', () => {
  const record = {
    question: 'who wrote hamlet', answer: ['William Shakespeare', 'Shakespeare'], greedy_response: ['Shakespeare'], greedy_correctness: 1,
    greedy_tokens: [['Sh', 'akespeare']], greedy_cumulative_logprobs: [-0.3], greedy_logprobs: [[-0.1, -0.2]],
    sampling_response: Array(20).fill('Shakespeare'), sampling_correctness: Array(20).fill(1), consistency_judgement: Array(20).fill(1),
  };
  const result = importHonestyBenchJsonl(`${JSON.stringify(record)}\r\n\n`, { model: 'qwen', time: IMPORT_TIME, newId: counter() });
  assert.deepEqual(result.errors, []);
  assert.equal(result.events.length, 3);
});

test('bad lines are reported by number with a reason; good lines around them still import', () => {
  const lines = [
    '{"question":"ok 1","answer":[],"greedy_response":["a"],"greedy_correctness":0}',
    '{"question":"broken",',
    '{"question":"","answer":[],"greedy_response":[],"greedy_correctness":1}',
    '{"question":"q","answer":"Paris","greedy_response":[],"greedy_correctness":1}',
    '{"question":"q","answer":[],"greedy_correctness":1}',
    '{"question":"q","answer":[],"greedy_response":[],"greedy_correctness":1,"checkpoint_scores":{"h":1.2}}',
    '{"question":"q","answer":[],"greedy_response":[],"greedy_correctness":1,"label_source":"telepathy"}',
    '{"question":"q","answer":[],"greedy_response":[],"greedy_correctness":1,"label_time":"yesterday"}',
    '{"question":"q","answer":[],"greedy_response":[],"greedy_correctness":1,"question_id":"has space"}',
    '"just a string"',
    '',
    '{"question":"ok 2","answer":[],"greedy_response":[],"greedy_correctness":1}',
  ];
  const result = importHonestyBenchJsonl(lines.join('\n'), { model: 'demo', time: IMPORT_TIME, newId: counter() });
  assert.equal(result.imported, 2);
  assert.deepEqual(result.events.map((event) => event.type), ['question-scored', 'answer-shown', 'label-given', 'question-scored', 'label-given']);
  assert.deepEqual(result.errors.map((error) => error.line), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.match(result.errors[0].reason, /^not valid JSON/);
  assert.deepEqual(result.errors.slice(1).map((error) => error.reason), [
    'field question must be a non-empty string, got ""',
    'field answer must be an array of strings, got "Paris"',
    'missing field greedy_response (an array of strings)',
    'field checkpoint_scores.h must be a finite number in [0, 1], got 1.2',
    'field label_source must be one of "chat-button", "command", "keyboard", "panel", "feedback", "import", got "telepathy"',
    'field label_time must be a UTC time like 2026-11-27T09:30:00.000Z, got "yesterday"',
    'field question_id must be an id (1-128 characters: letters, digits, . _ : -, starting with a letter or digit), got "has space"',
    'a HonestyBench record must be a JSON object, got "just a string"',
  ]);
});

const T = (minute: number): string => new Date(Date.UTC(2026, 10, 27, 9, minute)).toISOString();
const journal: JournalEvent[] = [
  { schemaVersion: 1, type: 'question-scored', id: 'q1', time: T(0), question: 'Largest planet?', model: 'demo', scores: { 'elical-1000': 0.9, 'cal-1000': 0.7 }, runtime: 'cpu', latencyMs: 9 },
  { schemaVersion: 1, type: 'answer-shown', id: 'a1', time: T(1), questionId: 'q1', answer: 'Jupiter', source: 'model' },
  { schemaVersion: 1, type: 'label-given', id: 'l1', time: T(2), questionId: 'q1', label: 1, source: 'chat-button' },
  { schemaVersion: 1, type: 'question-scored', id: 'q2', time: T(3), question: 'Unlabelled?', model: 'demo', scores: { 'elical-1000': 0.2 }, runtime: 'remote' },
  { schemaVersion: 1, type: 'question-scored', id: 'q3', time: T(4), question: 'Undone then relabelled?', model: 'demo', scores: { 'elical-1000': 0.4 }, runtime: 'cpu' },
  { schemaVersion: 1, type: 'label-given', id: 'l2', time: T(5), questionId: 'q3', label: 1, source: 'keyboard' },
  { schemaVersion: 1, type: 'label-undone', id: 'u1', time: T(6), targetId: 'l2' },
  { schemaVersion: 1, type: 'label-given', id: 'l3', time: T(7), questionId: 'q3', label: 0, source: 'panel' },
  { schemaVersion: 1, type: 'question-scored', id: 'q4', time: T(8), question: 'Undone only?', model: 'demo', scores: {}, runtime: 'cpu' },
  { schemaVersion: 1, type: 'label-given', id: 'l4', time: T(9), questionId: 'q4', label: 1, source: 'command' },
  { schemaVersion: 1, type: 'label-undone', id: 'u2', time: T(10), targetId: 'l4' },
];

test('export: one record per question with an effective label, with label metadata and checkpoint scores', () => {
  const records = exportHonestyBenchRecords(foldJournal(journal));
  assert.deepEqual(records, [
    {
      question: 'Largest planet?', answer: [], greedy_response: ['Jupiter'], greedy_correctness: 1, question_id: 'q1', model: 'demo',
      label_source: 'chat-button', label_time: T(2), checkpoint_scores: { 'elical-1000': 0.9, 'cal-1000': 0.7 },
    },
    {
      question: 'Undone then relabelled?', answer: [], greedy_response: [], greedy_correctness: 0, question_id: 'q3', model: 'demo',
      label_source: 'panel', label_time: T(7), checkpoint_scores: { 'elical-1000': 0.4 },
    },
  ]);
  const text = formatHonestyBenchJsonl(records);
  assert.equal(text.split('\n').length, 3);
  assert.ok(text.endsWith('}\n'));
});

test('export -> import into an empty journal -> export gives the same records; importing again adds nothing', () => {
  const exported = exportHonestyBenchRecords(foldJournal(journal));
  const text = formatHonestyBenchJsonl(exported);
  const imported = importHonestyBenchJsonl(text, { model: 'other', time: IMPORT_TIME, newId: counter() });
  assert.deepEqual(imported.errors, []);
  const state = foldJournal(imported.events);
  assert.deepEqual(exportHonestyBenchRecords(state), exported);
  assert.deepEqual([...state.questions.values()].map((question) => question.label?.source), ['import', 'import']);
  const again = importHonestyBenchJsonl(text, { model: 'other', time: IMPORT_TIME, newId: counter(), knownQuestionIds: new Set(state.questions.keys()) });
  assert.deepEqual(again.events, []);
  assert.deepEqual(again.skipped, [
    { line: 1, reason: 'question "q1" is already in the journal' },
    { line: 2, reason: 'question "q3" is already in the journal' },
  ]);
});

test('a newId that returns an unusable id is a programming error, not a line error', () => {
  assert.throws(
    () => importHonestyBenchJsonl('{"question":"q","answer":[],"greedy_response":[],"greedy_correctness":1}', { model: 'm', time: IMPORT_TIME, newId: () => 'bad id' }),
    { message: 'newId() returned "bad id", which is not a valid journal id' },
  );
});
