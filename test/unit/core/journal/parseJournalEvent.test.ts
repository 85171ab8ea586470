import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJournalEvent } from '../../../../extension/core/journal/parseJournalEvent';
import { JournalEvent } from '../../../../extension/core/journal/journalEvent';

const TIME = '2026-11-27T09:30:00.000Z';
const valid: Record<JournalEvent['type'], Record<string, unknown>> = {
  'question-scored': {
    schemaVersion: 1, type: 'question-scored', id: 'q1', time: TIME, question: 'Capital of France?',
    promptHash: 'a'.repeat(64), model: 'demo-facts', scores: { 'elical-1000': 0.8, 'eli-only': 0.55 }, runtime: 'cpu',
    latencyMs: 12.5, goldAnswers: ['Paris'],
  },
  'answer-shown': { schemaVersion: 1, type: 'answer-shown', id: 'a1', time: TIME, questionId: 'q1', answer: 'Paris', source: 'model' },
  'label-given': { schemaVersion: 1, type: 'label-given', id: 'l1', time: TIME, questionId: 'q1', label: 1, source: 'import', originalSource: 'chat-button' },
  'label-undone': { schemaVersion: 1, type: 'label-undone', id: 'u1', time: TIME, targetId: 'l1' },
  'head-trained': {
    schemaVersion: 1, type: 'head-trained', id: 'h1', time: TIME, headId: 'elical-user-3', family: 'elical', budget: null,
    labelCount: 40, metricsBefore: null, metricsAfter: { auroc: 71.5, ece: 0.08 },
  },
  'head-promoted': { schemaVersion: 1, type: 'head-promoted', id: 'p1', time: TIME, headId: 'elical-user-3', previousHeadId: null },
};

test('every valid event type parses to an equal, separate copy', () => {
  for (const record of Object.values(valid)) {
    const parsed = parseJournalEvent(structuredClone(record));
    assert.equal(parsed.ok, true, JSON.stringify(parsed));
    if (parsed.ok) {
      assert.deepEqual(parsed.event, record);
      assert.notEqual(parsed.event, record);
    }
  }
});

test('optional fields may be left out; budget may be a number; previousHeadId may be an id', () => {
  const minimal = { ...valid['question-scored'] };
  delete minimal.promptHash;
  delete minimal.latencyMs;
  delete minimal.goldAnswers;
  minimal.scores = {};
  assert.deepEqual(parseJournalEvent(minimal), { ok: true, event: minimal });
  const trained = { ...valid['head-trained'], budget: 1000, metricsBefore: { auroc: 60 } };
  assert.equal(parseJournalEvent(trained).ok, true);
  const promoted = { ...valid['head-promoted'], previousHeadId: 'elical-1000' };
  assert.equal(parseJournalEvent(promoted).ok, true);
});

test('the documented worked example: label 2 is rejected with its reason', () => {
  const event = { schemaVersion: 1, type: 'label-given', id: 'l1', time: TIME, questionId: 'q1', label: 2, source: 'command' };
  assert.deepEqual(parseJournalEvent(event), { ok: false, reason: 'field label must be one of 0, 1, got 2' });
});

// [description, event type, change (undefined value = delete the field), expected reason]
const malformed: [string, JournalEvent['type'], Record<string, unknown>, string][] = [
  ['no schemaVersion', 'answer-shown', { schemaVersion: undefined }, 'missing field schemaVersion'],
  ['newer schemaVersion', 'answer-shown', { schemaVersion: 2 }, 'schemaVersion 2 was written by a newer extension (this one reads 1)'],
  ['schemaVersion 0', 'answer-shown', { schemaVersion: 0 }, 'field schemaVersion must be an integer in [1, 9007199254740991], got 0'],
  ['schemaVersion as text', 'answer-shown', { schemaVersion: '1' }, 'field schemaVersion must be an integer in [1, 9007199254740991], got "1"'],
  ['unknown type', 'answer-shown', { type: 'answer-hidden' }, 'field type must be one of "question-scored", "answer-shown", "label-given", "label-undone", "head-trained", "head-promoted", got "answer-hidden"'],
  ['missing id', 'answer-shown', { id: undefined }, 'missing field id (an id (1-128 characters: letters, digits, . _ : -, starting with a letter or digit))'],
  ['id with a space', 'answer-shown', { id: 'a 1' }, 'field id must be an id (1-128 characters: letters, digits, . _ : -, starting with a letter or digit), got "a 1"'],
  ['id too long', 'answer-shown', { id: 'a'.repeat(129) }, 'field id must be an id (1-128 characters: letters, digits, . _ : -, starting with a letter or digit), got a string of 129 characters'],
  ['time without zone', 'answer-shown', { time: '2026-11-27T09:30:00' }, 'field time must be a UTC time like 2026-11-27T09:30:00.000Z, got "2026-11-27T09:30:00"'],
  ['impossible date', 'answer-shown', { time: '2026-02-30T09:30:00.000Z' }, 'field time must be a UTC time like 2026-11-27T09:30:00.000Z, got "2026-02-30T09:30:00.000Z"'],
  ['time as number', 'answer-shown', { time: 1764235800000 }, 'field time must be a UTC time like 2026-11-27T09:30:00.000Z, got 1764235800000'],
  ['unknown field', 'answer-shown', { colour: 'red' }, 'unknown field colour'],
  ['two unknown fields', 'label-undone', { a: 1, b: 2 }, 'unknown fields a, b'],
  ['empty question', 'question-scored', { question: '' }, 'field question must be a non-empty string, got ""'],
  ['question as array', 'question-scored', { question: ['x'] }, 'field question must be a non-empty string, got an array'],
  ['uppercase prompt hash', 'question-scored', { promptHash: 'A'.repeat(64) }, 'field promptHash must be 64 lowercase hex digits (sha256)'],
  ['short prompt hash', 'question-scored', { promptHash: 'ab' }, 'field promptHash must be 64 lowercase hex digits (sha256)'],
  ['missing model', 'question-scored', { model: undefined }, 'missing field model (a non-empty string)'],
  ['score above 1', 'question-scored', { scores: { 'elical-1000': 1.5 } }, 'field scores.elical-1000 must be a finite number in [0, 1], got 1.5'],
  ['score below 0', 'question-scored', { scores: { h: -0.1 } }, 'field scores.h must be a finite number in [0, 1], got -0.1'],
  ['score NaN', 'question-scored', { scores: { h: Number.NaN } }, 'field scores.h must be a finite number in [0, 1], got NaN'],
  ['score as text', 'question-scored', { scores: { h: '0.5' } }, 'field scores.h must be a finite number in [0, 1], got "0.5"'],
  ['scores as array', 'question-scored', { scores: [0.5] }, 'field scores must be an object of numbers, got an array'],
  ['score key not an id', 'question-scored', { scores: { 'bad key': 0.5 } }, 'field scores has a key that is not an id: "bad key"'],
  ['__proto__ score key', 'question-scored', { scores: JSON.parse('{"__proto__": 0.5}') }, 'field scores has a key that is not an id: "__proto__"'],
  ['unknown runtime', 'question-scored', { runtime: 'tpu' }, 'field runtime must be one of "cpu", "cuda", "remote", "imported", got "tpu"'],
  ['negative latency', 'question-scored', { latencyMs: -1 }, 'field latencyMs must be a finite number in [0, Infinity], got -1'],
  ['gold answer not text', 'question-scored', { goldAnswers: ['Paris', 3] }, 'field goldAnswers[1] must be a string, got 3'],
  ['answer as number', 'answer-shown', { answer: 42 }, 'field answer must be a string, got 42'],
  ['unknown answer source', 'answer-shown', { source: 'web' }, 'field source must be one of "model", "vscode-lm", "openai-compatible", "import", got "web"'],
  ['bad question id', 'answer-shown', { questionId: '' }, 'field questionId must be an id (1-128 characters: letters, digits, . _ : -, starting with a letter or digit), got ""'],
  ['label true', 'label-given', { label: true }, 'field label must be one of 0, 1, got true'],
  ['label 0.5', 'label-given', { label: 0.5 }, 'field label must be one of 0, 1, got 0.5'],
  ['unknown label source', 'label-given', { source: 'mouse' }, 'field source must be one of "chat-button", "command", "keyboard", "panel", "feedback", "import", got "mouse"'],
  ['originalSource without import', 'label-given', { source: 'panel' }, 'field originalSource is only meaningful with source "import", got source "panel"'],
  ['undo of itself', 'label-undone', { targetId: 'u1' }, 'field targetId names the event itself'],
  ['undo without target', 'label-undone', { targetId: undefined }, 'missing field targetId (an id (1-128 characters: letters, digits, . _ : -, starting with a letter or digit))'],
  ['unknown family', 'head-trained', { family: 'lora' }, 'field family must be one of "eli-only", "cal-only", "elical", got "lora"'],
  ['budget 0', 'head-trained', { budget: 0 }, 'field budget must be an integer in [1, 9007199254740991], got 0'],
  ['fractional budget', 'head-trained', { budget: 1.5 }, 'field budget must be an integer in [1, 9007199254740991], got 1.5'],
  ['budget missing', 'head-trained', { budget: undefined }, 'missing field budget (an integer in [1, 9007199254740991])'],
  ['negative label count', 'head-trained', { labelCount: -1 }, 'field labelCount must be an integer in [0, 9007199254740991], got -1'],
  ['metric as text', 'head-trained', { metricsAfter: { auroc: 'high' } }, 'field metricsAfter.auroc must be a finite number, got "high"'],
  ['metricsAfter null', 'head-trained', { metricsAfter: null }, 'field metricsAfter must be an object of numbers, got null'],
  ['previous head as number', 'head-promoted', { previousHeadId: 3 }, 'field previousHeadId must be an id (1-128 characters: letters, digits, . _ : -, starting with a letter or digit), got 3'],
  ['previous head missing', 'head-promoted', { previousHeadId: undefined }, 'missing field previousHeadId (an id (1-128 characters: letters, digits, . _ : -, starting with a letter or digit))'],
];

for (const [description, type, change, reason] of malformed) {
  test(`rejects ${description}`, () => {
    const record: Record<string, unknown> = { ...valid[type] };
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) delete record[key];
      else record[key] = value;
    }
    const before = structuredClone(record);
    assert.deepEqual(parseJournalEvent(record), { ok: false, reason });
    assert.deepEqual(record, before, 'parsing must not change its input');
  });
}

test('rejects values that are not objects', () => {
  for (const [value, got] of [[null, 'null'], [[1], 'an array'], ['{}', '"{}"'], [7, '7'], [undefined, 'a value of type undefined']] as const) {
    assert.deepEqual(parseJournalEvent(value), { ok: false, reason: `a journal event must be a JSON object, got ${got}` });
  }
});
