import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldJournal, type JournalState } from '../../../extension/core/journal/foldJournal';
import type { JournalEvent } from '../../../extension/core/journal/journalEvent';
import { createSeededRandom } from '../../../extension/core/math/seededRandom';
import { comparisonRow } from '../../../extension/core/panel/checkpointComparison';
import type { ComparisonRowFunction } from '../../../extension/core/panel/comparisonCache';
import { comparedHeadIds, PanelController, type PanelOutcome } from '../../../extension/core/panelController';
import { ANSWER_EXCERPT_LENGTH, MAX_HISTORY_PAGE, parseHostMessage, PROTOCOL_VERSION, type HistoryFilter, type LabelFilter } from '../../../extension/core/protocol';

const v = PROTOCOL_VERSION;
const time = (second: number): string => new Date(Date.UTC(2026, 10, 27, 9, 0, 0) + second * 1000).toISOString();

function controller(): { panel: PanelController; logs: string[] } {
  const logs: string[] = [];
  let next = 0;
  const panel = new PanelController({ newId: () => `new-${next++}`, now: () => time(100_000), log: (line) => logs.push(line) });
  return { panel, logs };
}

/** q1 right, q2 wrong then undone, q3 unlabelled with an answer, plus a retrain and a promotion. */
function smallJournal(): JournalEvent[] {
  return [
    { schemaVersion: 1, type: 'question-scored', id: 'q1', time: time(1), question: 'Capital of France?', model: 'demo', scores: { eli: 0.9, elical: 0.8 }, runtime: 'cpu', latencyMs: 5 },
    { schemaVersion: 1, type: 'answer-shown', id: 'a1', time: time(2), questionId: 'q1', answer: 'Paris', source: 'model' },
    { schemaVersion: 1, type: 'label-given', id: 'l1', time: time(3), questionId: 'q1', label: 1, source: 'chat-button' },
    { schemaVersion: 1, type: 'question-scored', id: 'q2', time: time(4), question: 'Capital of Peru?', model: 'demo', scores: { eli: 0.3, elical: 0.2 }, runtime: 'cpu' },
    { schemaVersion: 1, type: 'label-given', id: 'l2', time: time(5), questionId: 'q2', label: 0, source: 'command' },
    { schemaVersion: 1, type: 'label-given', id: 'l3', time: time(6), questionId: 'q2', label: 1, source: 'command' },
    { schemaVersion: 1, type: 'label-undone', id: 'u1', time: time(7), targetId: 'l3' },
    { schemaVersion: 1, type: 'question-scored', id: 'q3', time: time(8), question: 'Atomic number of Neon?', model: 'demo', scores: { eli: 0.5, elical: 0.55 }, runtime: 'cpu' },
    { schemaVersion: 1, type: 'answer-shown', id: 'a3', time: time(9), questionId: 'q3', answer: `10 ${'x'.repeat(300)}`, source: 'vscode-lm' },
    { schemaVersion: 1, type: 'head-trained', id: 't1', time: time(10), headId: 'elical-2', family: 'elical', budget: null, labelCount: 2, metricsBefore: null, metricsAfter: { auroc: 100 } },
    { schemaVersion: 1, type: 'head-promoted', id: 'p1', time: time(11), headId: 'elical-2', previousHeadId: null },
  ];
}

test('ready -> full snapshot: active head, newest question, label counts, retrain history', () => {
  const state = foldJournal(smallJournal());
  const { panel } = controller();
  const outcome = panel.handle({ protocolVersion: v, type: 'ready' }, state);
  assert.deepEqual(outcome.append, []);
  assert.deepEqual(outcome.replies, [
    {
      protocolVersion: v,
      type: 'snapshot',
      snapshot: {
        activeHeadId: 'elical-2',
        latest: { questionId: 'q3', time: time(8), question: 'Atomic number of Neon?', answerExcerpt: `10 ${'x'.repeat(ANSWER_EXCERPT_LENGTH - 3)}`, scores: { eli: 0.5, elical: 0.55 }, label: null, labelEventId: null },
        // q2's latest label l3 was undone, so its effective label is l2 (wrong).
        counts: { questions: 3, labelled: 2, right: 1, wrong: 1 },
        retrainHistory: [{ time: time(10), headId: 'elical-2', family: 'elical', budget: null, labelCount: 2, metricsBefore: null, metricsAfter: { auroc: 100 } }],
        journalProblems: 0,
        // Checked on its own in the next test (floating-point values).
        comparison: outcome.replies[0].type === 'snapshot' ? outcome.replies[0].snapshot.comparison : null,
        // Active head elical-2 scored nothing, so no confidence; q3 is the one unlabelled answered question;
        // its disagreement is |0.55 - 0.5| = 0.05.
        queue: { headId: 'elical-2', items: [{ questionId: 'q3', question: 'Atomic number of Neon?', confidence: null, uncertainty: 0, disagreement: 0.55 - 0.5, priority: 0.55 - 0.5 }], candidates: 1, expectedBrier: null },
      },
    },
  ]);
});

test('snapshot comparison: each head on the labels of the questions it scored, by hand; a trained head that scored nothing has n 0', () => {
  const logs: string[] = [];
  const panel = new PanelController({ newId: () => 'x', now: () => time(0), log: (line) => logs.push(line), resamples: 0 });
  const { comparison } = panel.snapshotMessage(foldJournal(smallJournal())).snapshot;
  assert.deepEqual(comparison.map((row) => [row.headId, row.n]), [['elical-2', 0], ['eli', 2], ['elical', 2]]);
  const near = (actual: number | undefined, expected: number, what: string): void => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);
  // eli: q1 0.9 right, q2 0.3 wrong. Brier (0.1^2 + 0.3^2) / 2; ECE: bins 9 and 3, (0.1 + 0.3) / 2;
  // AUROC 100 (the right answer ranks first); Alignment 100 (fewer than 5 items: tau 0.5, both decisions right).
  // elical: 0.8 right, 0.2 wrong -> Brier 0.04, ECE 0.2.
  const expected: Record<string, { brier: number; ece: number; bins: number[] }> = { eli: { brier: 0.05, ece: 0.2, bins: [3, 9] }, elical: { brier: 0.04, ece: 0.2, bins: [2, 8] } };
  for (const row of comparison.slice(1)) {
    const want = expected[row.headId];
    assert.ok(row.metrics !== null);
    near(row.metrics.brier.value, want.brier, `${row.headId} brier`);
    near(row.metrics.ece.value, want.ece, `${row.headId} ece`);
    near(row.metrics.auroc?.value, 100, `${row.headId} auroc`);
    near(row.metrics.alignment.value, 100, `${row.headId} alignment`);
    assert.equal(row.metrics.brier.lower, row.metrics.brier.value, 'no resamples: the interval is the point');
    assert.deepEqual(row.bins.flatMap((bin, k) => (bin.count > 0 ? [k] : [])), want.bins);
  }
  assert.equal(comparison[0].metrics, null);
  assert.equal(comparison[0].bins.length, 10);
  assert.ok(comparison[0].bins.every((bin) => bin.count === 0 && bin.accuracy === null));
  // The snapshot passes the webview's own validator.
  assert.equal(parseHostMessage(panel.snapshotMessage(foldJournal(smallJournal()))).ok, true);
  assert.deepEqual(logs, []);
});

test('queue before any promotion: driven by the first head seen; ordered by max(uncertainty, disagreement); the readout is mean p(1 - p)', () => {
  const events = smallJournal().filter((event) => event.type !== 'head-promoted');
  // Two more unlabelled answered questions: q4 (eli 0.9, elical 0.2: disagreement 0.7) and q5 (eli 0.98).
  events.push(
    { schemaVersion: 1, type: 'question-scored', id: 'q4', time: time(20), question: 'Q4?', model: 'demo', scores: { eli: 0.9, elical: 0.2 }, runtime: 'cpu' },
    { schemaVersion: 1, type: 'answer-shown', id: 'a4', time: time(21), questionId: 'q4', answer: 'x', source: 'model' },
    { schemaVersion: 1, type: 'question-scored', id: 'q5', time: time(22), question: 'Q5?', model: 'demo', scores: { eli: 0.98 }, runtime: 'cpu' },
    { schemaVersion: 1, type: 'answer-shown', id: 'a5', time: time(23), questionId: 'q5', answer: 'y', source: 'model' },
    // Scored but never answered: a label judges an answer, so it is not queued.
    { schemaVersion: 1, type: 'question-scored', id: 'q6', time: time(24), question: 'Q6?', model: 'demo', scores: { eli: 0.5 }, runtime: 'cpu' },
  );
  const { panel } = controller();
  const { queue } = panel.snapshotMessage(foldJournal(events)).snapshot;
  assert.equal(queue.headId, 'eli');
  assert.equal(queue.candidates, 3);
  // q3: eli 0.5 -> uncertainty 1; q4: uncertainty 1 - |1.8 - 1| = 0.2, disagreement 0.7; q5: 1 - 0.96 = 0.04.
  assert.deepEqual(queue.items.map((item) => item.questionId), ['q3', 'q4', 'q5']);
  const near = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  near(queue.items[1].priority, 0.7);
  near(queue.items[2].priority, 0.04);
  near(queue.expectedBrier ?? NaN, (0.25 + 0.09 + 0.98 * 0.02) / 3);
  assert.deepEqual(panel.snapshotMessage(foldJournal([])).snapshot.queue, { headId: null, items: [], candidates: 0, expectedBrier: null });
});

test('label appends one label-given from the panel; refolding shows it; the same label again appends nothing', () => {
  const events = smallJournal();
  const { panel } = controller();
  const outcome = panel.handle({ protocolVersion: v, type: 'label', questionId: 'q3', label: 0 }, foldJournal(events));
  assert.deepEqual(outcome, {
    replies: [],
    append: [{ schemaVersion: 1, type: 'label-given', id: 'new-0', time: time(100_000), questionId: 'q3', label: 0, source: 'panel' }],
  });
  const after = foldJournal([...events, ...outcome.append]);
  assert.equal(after.problems.length, 0);
  assert.deepEqual(panel.snapshotMessage(after).snapshot.counts, { questions: 3, labelled: 3, right: 1, wrong: 2 });
  const again = panel.handle({ protocolVersion: v, type: 'label', questionId: 'q3', label: 0 }, after);
  assert.deepEqual(again.append, []);
  assert.equal(again.replies[0].type, 'snapshot');
});

test('undo with no id targets the latest active label; with an id, that label; the fold accepts both', () => {
  const events = smallJournal();
  const { panel } = controller();
  const latest = panel.handle({ protocolVersion: v, type: 'undo', labelEventId: null }, foldJournal(events));
  // l3 is already undone, so the latest active label is l2.
  assert.deepEqual(latest.append, [{ schemaVersion: 1, type: 'label-undone', id: 'new-0', time: time(100_000), targetId: 'l2' }]);
  const chosen = panel.handle({ protocolVersion: v, type: 'undo', labelEventId: 'l1' }, foldJournal(events));
  assert.deepEqual(chosen.append, [{ schemaVersion: 1, type: 'label-undone', id: 'new-1', time: time(100_000), targetId: 'l1' }]);
  const after = foldJournal([...events, ...latest.append, ...chosen.append]);
  assert.deepEqual(after.problems, []);
  assert.deepEqual(panel.snapshotMessage(after).snapshot.counts, { questions: 3, labelled: 0, right: 0, wrong: 0 });
  const nothing = panel.handle({ protocolVersion: v, type: 'undo', labelEventId: null }, after);
  assert.deepEqual(nothing.replies, [{ protocolVersion: v, type: 'error', reason: 'there is no label to undo' }]);
});

test('snapshots reuse the comparison until labels change, and never share objects with it', () => {
  const computed: string[] = [];
  const deps = { newId: () => 'x', now: () => time(0), log: () => undefined, resamples: 20 };
  const counting: ComparisonRowFunction = (items, options) => {
    computed.push(items.headId);
    return comparisonRow(items, options);
  };
  const panel = new PanelController({ ...deps, comparisonRow: counting });
  const fresh = (state: JournalState) => new PanelController(deps).snapshotMessage(state).snapshot.comparison;
  const events = smallJournal();
  const first = panel.snapshotMessage(foldJournal(events)).snapshot.comparison;
  assert.deepEqual(computed, ['elical-2', 'eli', 'elical']);
  // A message's copy may be changed by its receiver without reaching the next snapshot.
  (first[1].metrics as { brier: { value: number } }).brier.value = -1;
  first[1].bins[0].count = -1;
  const asked = [...events, { schemaVersion: 1, type: 'question-scored', id: 'q4', time: time(12), question: 'Capital of Chile?', model: 'demo', scores: { eli: 0.7, elical: 0.6, 'elical-2': 0.65 }, runtime: 'cpu' } as JournalEvent];
  const afterQuestion = panel.snapshotMessage(foldJournal(asked)).snapshot.comparison;
  assert.deepEqual(computed, ['elical-2', 'eli', 'elical'], 'an unlabelled question computes nothing');
  assert.deepEqual(afterQuestion, fresh(foldJournal(asked)));
  const outcome = panel.handle({ protocolVersion: v, type: 'label', questionId: 'q4', label: 1 }, foldJournal(asked));
  const labelledState = foldJournal([...asked, ...outcome.append]);
  const afterLabel = panel.snapshotMessage(labelledState).snapshot.comparison;
  assert.deepEqual(computed, ['elical-2', 'eli', 'elical', 'elical-2', 'eli', 'elical'], 'a label recomputes the heads that scored the question');
  assert.deepEqual(afterLabel, fresh(labelledState));
  assert.deepEqual(afterLabel.map((row) => row.n), [1, 3, 3]);
});

test('history pages over 1,000 questions equal an independent filter-then-slice, newest first', () => {
  const random = createSeededRandom(7);
  const events: JournalEvent[] = [];
  for (let i = 0; i < 1000; i++) {
    events.push({ schemaVersion: 1, type: 'question-scored', id: `q${i}`, time: time(i * 3), question: `Question ${i} about ${i % 7 === 0 ? 'Neon' : 'Paris'}?`, model: 'demo', scores: { h: random() }, runtime: 'cpu' });
    if (i % 5 === 0) events.push({ schemaVersion: 1, type: 'answer-shown', id: `a${i}`, time: time(i * 3 + 1), questionId: `q${i}`, answer: i % 10 === 0 ? 'NEON gas' : 'a city', source: 'model' });
    if (random() < 0.6) events.push({ schemaVersion: 1, type: 'label-given', id: `l${i}`, time: time(i * 3 + 2), questionId: `q${i}`, label: random() < 0.5 ? 0 : 1, source: 'keyboard' });
  }
  const state = foldJournal(events);
  // The independent expectation: walk the raw events, not the fold.
  const label = new Map<string, 0 | 1>();
  const answer = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'label-given') label.set(event.questionId, event.label);
    if (event.type === 'answer-shown') answer.set(event.questionId, event.answer);
  }
  const expected = (filter: HistoryFilter): string[] =>
    events
      .filter((event) => event.type === 'question-scored')
      .map((event) => (event.type === 'question-scored' ? event : null)!)
      .filter((event) => {
        const l = label.get(event.id);
        const byLabel = { all: true, labelled: l !== undefined, unlabelled: l === undefined, right: l === 1, wrong: l === 0 }[filter.label];
        const text = filter.text.toLowerCase();
        return byLabel && (event.question.toLowerCase().includes(text) || (answer.get(event.id) ?? '').toLowerCase().includes(text) && answer.has(event.id));
      })
      .map((event) => event.id)
      .reverse();
  const { panel } = controller();
  const labels: LabelFilter[] = ['all', 'labelled', 'unlabelled', 'right', 'wrong'];
  for (const labelFilter of labels) {
    for (const text of ['', 'neon', 'PARIS', 'no such text']) {
      const filter = { label: labelFilter, text };
      const ids = expected(filter);
      for (const [offset, limit] of [[0, 50], [37, 100], [ids.length - 3, MAX_HISTORY_PAGE], [ids.length + 10, 5]]) {
        if (offset < 0) continue;
        const outcome = panel.handle({ protocolVersion: v, type: 'requestHistory', offset, limit, filter }, state);
        const page = outcome.replies[0];
        assert.equal(page.type, 'historyPage');
        if (page.type !== 'historyPage') continue;
        assert.equal(page.total, ids.length, `${labelFilter}/${text}`);
        assert.deepEqual(page.rows.map((row) => row.questionId), ids.slice(offset, offset + limit), `${labelFilter}/${text} at ${offset}`);
      }
    }
  }
});

// ---- 1,000 seeded malformed messages ----

interface Case {
  message: unknown;
  /** A fragment the logged reason must contain. */
  expect: RegExp;
}

const valid = (): Record<string, unknown>[] => [
  { protocolVersion: v, type: 'ready' },
  { protocolVersion: v, type: 'label', questionId: 'q1', label: 1 },
  { protocolVersion: v, type: 'undo', labelEventId: 'l1' },
  { protocolVersion: v, type: 'requestHistory', offset: 0, limit: 20, filter: { label: 'all', text: '' } },
];

const badValues: unknown[] = [undefined, null, true, false, -1, 0.5, 2, 1e308, Number.NaN, '', 'x'.repeat(10_000), [], [1], {}, { nested: { deep: 1 } }, '1', 'ready'];

function randomJson(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 2 ? 5 : 7));
  switch (pick) {
    case 0: return null;
    case 1: return random() < 0.5;
    case 2: return Math.floor(random() * 2000) - 1000;
    case 3: return String.fromCharCode(...Array.from({ length: Math.floor(random() * 20) }, () => 32 + Math.floor(random() * 500)));
    case 4: return random() * 1e6;
    case 5: return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 4); i > 0; i--) object[`k${Math.floor(random() * 100)}`] = randomJson(random, depth + 1);
      return object;
    }
  }
}

function makeCase(random: () => number): Case {
  const choice = random();
  const pickFrom = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  if (choice < 0.15) return { message: randomJson(random, 0), expect: /must be an object|protocolVersion|plain object/ };
  if (choice < 0.25) {
    const message = pickFrom(valid());
    return { message: { ...message, protocolVersion: pickFrom([0, 2, '1', null, undefined, 1.5]) }, expect: /message\.protocolVersion must be 1/ };
  }
  if (choice < 0.35) {
    const message = pickFrom(valid());
    const type = pickFrom(['Ready', 'labels', 'retrain', '', 'snapshot', 'error', 'constructor', '__proto__']);
    return { message: { ...message, type }, expect: /unknown message type/ };
  }
  if (choice < 0.5) {
    const message = pickFrom(valid());
    const key = pickFrom(Object.keys(message));
    delete message[key];
    return { message, expect: key === 'protocolVersion' ? /protocolVersion/ : key === 'type' ? /message\.type must be a string/ : new RegExp(`message\\.${key} is missing`) };
  }
  if (choice < 0.6) {
    const message = pickFrom(valid());
    message[pickFrom(['extra', 'label2', 'questionid', 'then'])] = randomJson(random, 1);
    return { message, expect: /unexpected field/ };
  }
  if (choice < 0.8) {
    const message = pickFrom(valid().filter((candidate) => candidate.type !== 'ready'));
    const key = pickFrom(Object.keys(message).filter((name) => name !== 'protocolVersion' && name !== 'type'));
    let bad = pickFrom(badValues);
    // Values that are valid for the field are not mutations; pick again deterministically.
    if ((key === 'label' && bad === 0) || (key === 'labelEventId' && bad === null) || (key === 'offset' && bad === 2) || (key === 'limit' && bad === 2)) bad = 'wrong';
    if (key === 'filter' && random() < 0.5) bad = { label: pickFrom(['all', 'bogus', 3]), text: pickFrom([5, null, 'x'.repeat(501)]) };
    if (bad === undefined) {
      delete message[key];
      return { message, expect: new RegExp(`message\\.${key} is missing`) };
    }
    message[key] = bad;
    // A string is a well-formed id, so for id fields the rejection comes from the journal lookup instead.
    const idField = key === 'questionId' || key === 'labelEventId';
    return { message, expect: idField && typeof bad === 'string' && bad.length > 0 && bad.length <= 128 ? /is not (in the journal|a label in the journal)/ : new RegExp(`message\\.${key}`) };
  }
  if (choice < 0.9) {
    return pickFrom<Case>([
      { message: { protocolVersion: v, type: 'label', questionId: `unknown-${Math.floor(random() * 1e6)}`, label: 1 }, expect: /which is not in the journal/ },
      { message: { protocolVersion: v, type: 'undo', labelEventId: 'q1' }, expect: /which is not a label in the journal/ },
      { message: { protocolVersion: v, type: 'undo', labelEventId: 'l3' }, expect: /which is already undone/ },
      { message: { protocolVersion: v, type: 'undo', labelEventId: `nope-${Math.floor(random() * 1e6)}` }, expect: /not a label in the journal/ },
    ]);
  }
  const hostile = pickFrom(['getter', 'proxy', 'class', 'proto']);
  if (hostile === 'getter') {
    const message: Record<string, unknown> = { protocolVersion: v };
    Object.defineProperty(message, 'type', { enumerable: true, get: () => { throw new Error('getter exploded'); } });
    return { message, expect: /could not be read \(getter exploded\)/ };
  }
  if (hostile === 'proxy') {
    return { message: new Proxy({}, { getPrototypeOf: () => { throw new Error('proxy trap'); } }), expect: /could not be read \(proxy trap\)/ };
  }
  if (hostile === 'class') return { message: new (class Message { protocolVersion = v; type = 'ready'; })(), expect: /must be a plain object/ };
  return { message: JSON.parse(`{"protocolVersion":${v},"type":"label","questionId":"q1","label":1,"__proto__":{"label":0}}`), expect: /unexpected field "__proto__"/ };
}

test('1,000 seeded random and malformed webview messages: each rejected with a logged reason, none throws, none changes state', () => {
  const state: JournalState = foldJournal(smallJournal());
  const before = structuredClone(state);
  const random = createSeededRandom(20261127);
  const { panel, logs } = controller();
  const kinds = new Map<string, number>();
  for (let i = 0; i < 1000; i++) {
    const { message, expect } = makeCase(random);
    let outcome: PanelOutcome | undefined;
    assert.doesNotThrow(() => {
      outcome = panel.handle(message, state);
    }, `case ${i}`);
    assert.ok(outcome);
    assert.deepEqual(outcome.append, [], `case ${i} must append nothing`);
    assert.equal(outcome.replies.length, 1);
    const reply = outcome.replies[0];
    assert.equal(reply.type, 'error', `case ${i} must be rejected`);
    if (reply.type !== 'error') continue;
    assert.match(reply.reason, expect, `case ${i}`);
    assert.equal(logs.length, i + 1, `case ${i} must log exactly one line`);
    assert.equal(logs[i], `panel message rejected: ${reply.reason}`);
    const kind = reply.reason.replace(/[".0-9].*$/, '');
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  assert.deepEqual(state, before, 'the folded state is unchanged');
  assert.ok(kinds.size >= 10, `the cases cover many kinds of rejection (${[...kinds.keys()].join(' | ')})`);
});

test('compared heads: the badge head first, then the user\'s trained heads newest first, then the rest as first seen', () => {
  const scored = (id: string, scores: Record<string, number>): JournalEvent => ({ schemaVersion: 1, type: 'question-scored', id, time: time(1), question: `question ${id}`, model: 'demo', scores, runtime: 'cpu' }) as JournalEvent;
  const trained = (id: string, headId: string): JournalEvent => ({ schemaVersion: 1, type: 'head-trained', id, time: time(2), headId, family: 'elical', budget: null, labelCount: 10, metricsBefore: null, metricsAfter: {} }) as JournalEvent;
  const state = foldJournal([scored('q1', { eli: 0.5, elical: 0.6 }), scored('q2', { elical: 0.4, 'user-1': 0.3 }), trained('t1', 'user-1'), trained('t2', 'user-2')]);
  assert.deepEqual(comparedHeadIds(state, 'elical'), ['elical', 'user-2', 'user-1', 'eli']);
  // Without a known default head the first head seen leads; a default head that never scored is passed over.
  assert.deepEqual(comparedHeadIds(state), ['eli', 'user-2', 'user-1', 'elical']);
  assert.deepEqual(comparedHeadIds(state, 'missing'), ['eli', 'user-2', 'user-1', 'elical']);
  const promoted = foldJournal([...[scored('q1', { eli: 0.5, elical: 0.6 }), scored('q2', { elical: 0.4, 'user-1': 0.3 }), trained('t1', 'user-1'), trained('t2', 'user-2')], { schemaVersion: 1, type: 'head-promoted', id: 'p', time: time(3), headId: 'user-1', previousHeadId: null } as JournalEvent]);
  assert.deepEqual(comparedHeadIds(promoted, 'elical'), ['user-1', 'user-2', 'eli', 'elical']);
  // The panel's badge and queue follow the same head as the chat's badge.
  const panel = new PanelController({ newId: () => 'x', now: () => time(0), log: () => undefined, resamples: 0, defaultHeadId: () => 'elical' });
  assert.equal(panel.snapshotMessage(state).snapshot.queue.headId, 'elical');
  assert.equal(panel.snapshotMessage(promoted).snapshot.queue.headId, 'user-1');
});
