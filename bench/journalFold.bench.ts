/**
 * Folding the label journal after one event, on a large journal: the whole journal refolded by
 * the fold the host ran on every event before JournalFolder (test/support/referenceFoldJournal)
 * against the new events folded into the state the host already holds. Events of three kinds, each timed both ways in the same round of the
 * same process so that the ratios hold under whatever else the machine is doing: a label click
 * (label-given), its undo (label-undone) and a new question scored and answered. Also times one
 * whole fold, old and new, as when a window opens the journal. Checks that both paths end in
 * deep-equal states.
 * Run: npx tsx bench/journalFold.bench.ts [questions] [rounds]
 */
import assert from 'node:assert/strict';
import { foldJournal, JournalFolder } from '../extension/core/journal/foldJournal';
import type { JournalEvent } from '../extension/core/journal/journalEvent';
import { createSeededRandom } from '../extension/core/math/seededRandom';
import { referenceFoldJournal } from '../test/support/referenceFoldJournal';

const QUESTIONS = Number(process.argv[2] ?? 10_000);
const ROUNDS = Number(process.argv[3] ?? 21);
const LABELLED = 0.3;
const HEADS = ['head-1', 'head-2', 'head-3', 'head-4', 'head-5'];

const t0 = Date.UTC(2026, 10, 1);
const time = (second: number): string => new Date(t0 + second * 1000).toISOString();
const random = createSeededRandom(12);

/** A question scored by every head and answered (as in bench/panelSnapshot.bench.ts). */
const asked = (i: number): JournalEvent[] => [
  { schemaVersion: 1, type: 'question-scored', id: `q${i}`, time: time(i * 60), question: `Question ${i}?`, model: 'demo', scores: Object.fromEntries(HEADS.map((id) => [id, Math.round(random() * 1000) / 1000])), runtime: 'cpu', latencyMs: 10 },
  { schemaVersion: 1, type: 'answer-shown', id: `a${i}`, time: time(i * 60 + 5), questionId: `q${i}`, answer: `Answer ${i}.`, source: 'model' },
];
const label = (id: string, questionId: string): JournalEvent => ({ schemaVersion: 1, type: 'label-given', id, time: time(0), questionId, label: random() < 0.5 ? 0 : 1, source: 'panel' });
const undo = (id: string, targetId: string): JournalEvent => ({ schemaVersion: 1, type: 'label-undone', id, time: time(0), targetId });

const events: JournalEvent[] = [];
for (let i = 0; i < QUESTIONS; i++) {
  events.push(...asked(i));
  if (random() < LABELLED) events.push(label(`l${i}`, `q${i}`));
}

const timed = (run: () => void): number => {
  const start = performance.now();
  run();
  return performance.now() - start;
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number): string => (value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(1)} ms`);

const openTimes = { before: [] as number[], after: [] as number[] };
for (let k = 0; k < 5; k++) {
  openTimes.before.push(timed(() => referenceFoldJournal(events)));
  openTimes.after.push(timed(() => foldJournal(events)));
}

const folder = new JournalFolder();
folder.fold(events);
const kinds = ['label click', 'undo of it', 'question scored + answered'] as const;
const full = new Map<string, number[]>(kinds.map((kind) => [kind, []]));
const incremental = new Map<string, number[]>(kinds.map((kind) => [kind, []]));
const WARM_UP = 3;
for (let round = 0; round < WARM_UP + ROUNDS; round++) {
  // A label on a random question (anywhere in the journal, labelled or not), its undo, then a new question.
  const target = `q${Math.floor(random() * QUESTIONS)}`;
  const steps: [(typeof kinds)[number], JournalEvent[]][] = [
    ['label click', [label(`bench-l${round}`, target)]],
    ['undo of it', [undo(`bench-u${round}`, `bench-l${round}`)]],
    ['question scored + answered', asked(QUESTIONS + round)],
  ];
  for (const [kind, added] of steps) {
    events.push(...added);
    const refold = timed(() => referenceFoldJournal(events));
    const fold = timed(() => folder.fold(added));
    if (round < WARM_UP) continue;
    full.get(kind)?.push(refold);
    incremental.get(kind)?.push(fold);
  }
}
assert.deepStrictEqual(folder.state, referenceFoldJournal(events));

console.log(`journal: ${QUESTIONS} questions (${events.length} events, ${folder.state.labels.length} labels), ${HEADS.length} heads, node ${process.version}; medians of ${ROUNDS} rounds after ${WARM_UP} warm-up rounds`);
console.log('| event | whole journal refolded (before) | new events folded (JournalFolder) | ratio |');
console.log('|---|---|---|---|');
for (const kind of kinds) {
  const before = median(full.get(kind) ?? []);
  const after = median(incremental.get(kind) ?? []);
  console.log(`| ${kind} | ${ms(before)} | ${ms(after)} | ${Math.round(before / after).toLocaleString('en-US')}x |`);
}
console.log(`whole fold when a window opens the journal: before ${ms(median(openTimes.before))}, JournalFolder ${ms(median(openTimes.after))} (medians of 5)`);
console.log('incremental and whole folds: deep-equal states (deepStrictEqual) at the end');
