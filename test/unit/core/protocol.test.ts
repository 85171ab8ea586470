import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_HISTORY_PAGE, parseHostMessage, parseWebviewMessage, PROTOCOL_VERSION } from '../../../extension/core/protocol';

const v = PROTOCOL_VERSION;
const reasonOf = (value: unknown): string => {
  const result = parseWebviewMessage(value);
  assert.equal(result.ok, false, 'expected a rejection');
  return result.ok ? '' : result.reason;
};

test('valid webview messages parse into fresh objects with exactly their fields', () => {
  const messages = [
    { protocolVersion: v, type: 'ready' },
    { protocolVersion: v, type: 'label', questionId: 'q-1', label: 1 },
    { protocolVersion: v, type: 'label', questionId: 'q-1', label: 0 },
    { protocolVersion: v, type: 'undo', labelEventId: null },
    { protocolVersion: v, type: 'undo', labelEventId: 'l-1' },
    { protocolVersion: v, type: 'requestHistory', offset: 0, limit: MAX_HISTORY_PAGE, filter: { label: 'wrong', text: '' } },
  ];
  for (const message of messages) {
    const parsed = parseWebviewMessage(JSON.parse(JSON.stringify(message)));
    assert.deepEqual(parsed, { ok: true, message });
  }
});

test('each field is checked, and the reason names it', () => {
  assert.equal(reasonOf(null), 'message must be an object, got null');
  assert.equal(reasonOf([1]), 'message must be an object, got an array');
  assert.match(reasonOf({ protocolVersion: 2, type: 'ready' }), /^message\.protocolVersion must be 1, got the number 2/);
  assert.equal(reasonOf({ protocolVersion: v, type: 'retrain' }), 'unknown message type "retrain"; known: ready, label, undo, requestHistory');
  assert.equal(reasonOf({ protocolVersion: v, type: 7 }), 'message.type must be a string, got the number 7');
  assert.equal(reasonOf({ protocolVersion: v, type: 'ready', extra: 1 }), 'message has unexpected field "extra"');
  assert.equal(reasonOf({ protocolVersion: v, type: 'label', questionId: 'q' }), 'message.label is missing');
  assert.equal(reasonOf({ protocolVersion: v, type: 'label', questionId: 'q', label: true }), 'message.label must be 0 (wrong) or 1 (right), got a boolean');
  assert.equal(reasonOf({ protocolVersion: v, type: 'label', questionId: '', label: 1 }), 'message.questionId must have 1-128 characters, got 0');
  assert.equal(reasonOf({ protocolVersion: v, type: 'label', questionId: 'x'.repeat(129), label: 1 }), 'message.questionId must have 1-128 characters, got 129');
  assert.equal(reasonOf({ protocolVersion: v, type: 'undo' }), 'message.labelEventId is missing');
  const history = { protocolVersion: v, type: 'requestHistory', offset: 0, limit: 10, filter: { label: 'all', text: '' } };
  assert.equal(reasonOf({ ...history, offset: -1 }), `message.offset must be in 0..${Number.MAX_SAFE_INTEGER}, got -1`);
  assert.equal(reasonOf({ ...history, offset: 1.5 }), 'message.offset must be an integer, got the number 1.5');
  assert.equal(reasonOf({ ...history, limit: 0 }), `message.limit must be in 1..${MAX_HISTORY_PAGE}, got 0`);
  assert.equal(reasonOf({ ...history, limit: MAX_HISTORY_PAGE + 1 }), `message.limit must be in 1..${MAX_HISTORY_PAGE}, got ${MAX_HISTORY_PAGE + 1}`);
  assert.equal(reasonOf({ ...history, filter: { label: 'maybe', text: '' } }), 'message.filter.label must be one of all, labelled, unlabelled, right, wrong, got the string "maybe"');
  assert.equal(reasonOf({ ...history, filter: { label: 'all' } }), 'message.filter.text is missing');
  assert.equal(reasonOf({ ...history, filter: { label: 'all', text: 'x'.repeat(501) } }), 'message.filter.text must have 0-500 characters, got 501');
});

test('hostile shapes are rejected, never thrown: throwing getters, proxies, class instances, prototype keys', () => {
  const getter = { protocolVersion: v };
  Object.defineProperty(getter, 'type', { enumerable: true, get: () => { throw new Error('boom'); } });
  assert.equal(reasonOf(getter), 'message could not be read (boom)');
  const proxy = new Proxy({}, { ownKeys: () => { throw new Error('trap'); }, get: (_target, key) => (key === 'protocolVersion' ? v : key === 'type' ? 'ready' : undefined) });
  assert.match(reasonOf(proxy), /could not be read \(trap\)|missing/);
  assert.equal(reasonOf(new (class { protocolVersion = v; type = 'ready'; })()), 'message must be a plain object');
  assert.equal(reasonOf(JSON.parse(`{"protocolVersion":${v},"type":"ready","__proto__":{"x":1}}`)), 'message has unexpected field "__proto__"');
});

test('host messages: a valid snapshot and page parse; a page with more rows than its limit or a score outside [0, 1] is rejected', () => {
  const row = { questionId: 'q1', time: '2026-11-27T09:00:00.000Z', question: 'Capital of France?', answerExcerpt: 'Paris', scores: { 'eli-only': 0.8 }, label: 1, labelEventId: 'l1' };
  const snapshot = {
    protocolVersion: v,
    type: 'snapshot',
    snapshot: {
      activeHeadId: null,
      latest: row,
      counts: { questions: 1, labelled: 1, right: 1, wrong: 0 },
      retrainHistory: [{ time: row.time, headId: 'h2', family: 'elical', budget: null, labelCount: 12, metricsBefore: null, metricsAfter: { auroc: 70.5 } }],
      journalProblems: 0,
      comparison: [],
      queue: { headId: null, items: [], candidates: 0, expectedBrier: null },
    },
  };
  assert.deepEqual(parseHostMessage(snapshot), { ok: true, message: snapshot });
  const page = { protocolVersion: v, type: 'historyPage', offset: 0, limit: 1, filter: { label: 'all', text: '' }, total: 3, rows: [row] };
  assert.deepEqual(parseHostMessage(page), { ok: true, message: page });
  assert.deepEqual(parseHostMessage({ ...page, rows: [row, row] }), { ok: false, reason: 'message.rows has 2 rows, more than message.limit 1' });
  assert.deepEqual(parseHostMessage({ ...page, rows: [{ ...row, scores: { h: 1.5 } }] }), { ok: false, reason: 'message.rows[0].scores.h must be a number in [0, 1], got the number 1.5' });
  assert.deepEqual(parseHostMessage({ ...page, rows: [{ ...row, scores: JSON.parse('{"__proto__":0.5}') }] }), { ok: false, reason: 'message.rows[0].scores has the reserved key "__proto__"' });
  assert.deepEqual(parseHostMessage({ protocolVersion: v, type: 'error', reason: '' }), { ok: false, reason: 'message.reason must have 1-10000 characters, got 0' });
  assert.deepEqual(parseHostMessage({ protocolVersion: v, type: 'label', questionId: 'q', label: 1 }), { ok: false, reason: 'unknown message type "label"; known: snapshot, historyPage, error' });
});

test('snapshot comparison and queue: a valid one parses; bin counts, interval order, bin count and queue bounds are checked', () => {
  const emptyBin = (k: number) => ({ lower: k / 10, upper: (k + 1) / 10, count: 0, meanConfidence: null as number | null, accuracy: null as number | null });
  const bins = Array.from({ length: 10 }, (_, k) => emptyBin(k));
  bins[2] = { lower: 0.2, upper: 0.3, count: 1, meanConfidence: 0.2, accuracy: 0 };
  bins[9] = { lower: 0.9, upper: 1, count: 1, meanConfidence: 0.9, accuracy: 1 };
  const point = (value: number) => ({ value, lower: value, upper: value });
  const row = { headId: 'a', n: 2, metrics: { n: 2, auroc: point(100), ece: point(0.15), alignment: point(100), brier: point(0.025) }, bins };
  const queue = { headId: 'a', items: [{ questionId: 'q3', question: 'Q?', confidence: 0.5, uncertainty: 1, disagreement: 0, priority: 1 }], candidates: 4, expectedBrier: 0.25 };
  const message = (comparison: unknown, q: unknown = queue) => ({
    protocolVersion: v,
    type: 'snapshot',
    snapshot: { activeHeadId: null, latest: null, counts: { questions: 3, labelled: 2, right: 1, wrong: 1 }, retrainHistory: [], journalProblems: 0, comparison, queue: q },
  });
  const good = message([row, { headId: 'b', n: 0, metrics: null, bins: Array.from({ length: 10 }, (_, k) => emptyBin(k)) }]);
  assert.deepEqual(parseHostMessage(good), { ok: true, message: good });
  const reason = (value: unknown): string => {
    const parsed = parseHostMessage(value);
    assert.equal(parsed.ok, false);
    return parsed.ok ? '' : parsed.reason;
  };
  assert.equal(reason(message([{ ...row, n: 3 }])), 'message.snapshot.comparison[0].bins hold 2 items, but message.snapshot.comparison[0].n is 3');
  assert.equal(reason(message([{ ...row, bins: bins.slice(1) }])), 'message.snapshot.comparison[0].bins must have 10 bins, got 9');
  assert.equal(reason(message([{ ...row, metrics: { ...row.metrics, ece: { value: 0.1, lower: 0.2, upper: 0.1 } } }])), 'message.snapshot.comparison[0].metrics.ece.lower 0.2 is above message.snapshot.comparison[0].metrics.ece.upper 0.1');
  assert.equal(reason(message([{ ...row, metrics: { ...row.metrics, auroc: point(101) } }])), 'message.snapshot.comparison[0].metrics.auroc.value must be in [0, 100], got 101');
  const badBins = [...bins];
  badBins[0] = { ...emptyBin(0), accuracy: 0 } as never;
  assert.equal(reason(message([{ ...row, bins: badBins }])), 'message.snapshot.comparison[0].bins[0]: meanConfidence and accuracy must be null exactly when count is 0');
  assert.equal(reason(message([], { ...queue, candidates: 0 })), 'message.snapshot.queue.candidates 0 is below the 1 items listed');
  assert.equal(reason(message([], { ...queue, expectedBrier: 0.3 })), 'message.snapshot.queue.expectedBrier must be in [0, 0.25], got 0.3');
  assert.equal(reason(message([], { ...queue, items: Array.from({ length: 51 }, () => queue.items[0]), candidates: 51 })), 'message.snapshot.queue.items has 51 items, more than 50');
  assert.equal(reason(message([], { ...queue, extra: 1 })), 'message.snapshot.queue has unexpected field "extra"');
});
