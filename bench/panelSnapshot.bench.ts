/**
 * The panel snapshot (PanelController.snapshotMessage) on a large journal, as the host rebuilds it
 * after journal events: the first build, a rebuild after an event that changes no label (a new
 * question scored and answered), and a rebuild after a label click. Three paths, in one process
 * so that their ratios hold under whatever else the machine is doing:
 *  - before: a fresh controller per build whose rows use the straightforward metrics (one
 *    bootstrapInterval per metric, test/support/straightforwardCheckpointMetrics): the code before
 *    the comparison cache and checkpointBootstrap;
 *  - no cache: a fresh controller per build (checkpointBootstrap, nothing to reuse);
 *  - cached: one controller across the events, as in the extension.
 * Checks that all three give the same snapshot, and prints the fold of the journal for scale (the
 * host refolds on every event too). States are folded before timing.
 * Run: npx tsx bench/panelSnapshot.bench.ts [questions] [heads] [rounds]
 */
import assert from 'node:assert/strict';
import { foldJournal, type JournalState } from '../extension/core/journal/foldJournal';
import type { JournalEvent } from '../extension/core/journal/journalEvent';
import { createSeededRandom } from '../extension/core/math/seededRandom';
import { comparisonRow } from '../extension/core/panel/checkpointComparison';
import type { ComparisonRowFunction } from '../extension/core/panel/comparisonCache';
import { PanelController } from '../extension/core/panelController';
import { reliabilityBins } from '../extension/core/metrics/reliabilityBins';
import { straightforwardCheckpointMetrics } from '../test/support/straightforwardCheckpointMetrics';

const QUESTIONS = Number(process.argv[2] ?? 10_000);
const HEADS = Number(process.argv[3] ?? 5);
const ROUNDS = Number(process.argv[4] ?? 5);
const LABELLED = 0.3;
const RESAMPLES = 200;

const t0 = Date.UTC(2026, 10, 1);
const time = (second: number): string => new Date(t0 + second * 1000).toISOString();
const random = createSeededRandom(11);
const headIds = Array.from({ length: HEADS }, (_, k) => `head-${k + 1}`);

/** A question scored by every head (noisier for earlier heads, recorded to 3 decimals so scores tie) and answered. */
function asked(i: number): { events: JournalEvent[]; correct: 0 | 1 } {
  const truth = random();
  const correct = random() < truth ? 1 : 0;
  const scores = Object.fromEntries(headIds.map((id, k) => [id, Math.round(Math.min(0.99, Math.max(0.01, truth + (random() - 0.5) * (0.8 - 0.1 * k))) * 1000) / 1000]));
  return {
    correct,
    events: [
      { schemaVersion: 1, type: 'question-scored', id: `q${i}`, time: time(i * 60), question: `Question ${i}?`, model: 'demo', scores, runtime: 'cpu', latencyMs: 10 },
      { schemaVersion: 1, type: 'answer-shown', id: `a${i}`, time: time(i * 60 + 5), questionId: `q${i}`, answer: `Answer ${i}.`, source: 'model' },
    ],
  };
}

const label = (i: number, value: 0 | 1): JournalEvent => ({ schemaVersion: 1, type: 'label-given', id: `l${i}`, time: time(i * 60 + 30), questionId: `q${i}`, label: value, source: 'panel' });

const events: JournalEvent[] = [];
for (let i = 0; i < QUESTIONS; i++) {
  const question = asked(i);
  events.push(...question.events);
  if (random() < LABELLED) events.push(label(i, question.correct));
}

/** Per round: a new unlabelled question, then a label on it (each a journal event the host refolds on). */
const states: { afterQuestion: JournalState; afterLabel: JournalState }[] = [];
const foldTimes: number[] = [];
const base = foldJournal(events);
for (let round = 0; round < ROUNDS; round++) {
  const question = asked(QUESTIONS + round);
  events.push(...question.events);
  const start = performance.now();
  const afterQuestion = foldJournal(events);
  foldTimes.push(performance.now() - start);
  events.push(label(QUESTIONS + round, question.correct));
  states.push({ afterQuestion, afterLabel: foldJournal(events) });
}

const deps = { newId: () => 'bench', now: () => time(0), log: (line: string) => console.error(line), resamples: RESAMPLES };
const straightforwardRow: ComparisonRowFunction = (items, options) => {
  const { headId, confidences: c, labels: y } = items;
  if (c.length < (options.minItems ?? 2)) return comparisonRow(items, options);
  return { headId, n: c.length, metrics: straightforwardCheckpointMetrics(c, y, { resamples: options.resamples ?? 200, seed: 42 }), bins: reliabilityBins(c, y) };
};

const timed = <T>(run: () => T): { ms: number; value: T } => {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const show = (values: number[]): string => `median ${median(values).toFixed(1)} ms (${values.map((v) => v.toFixed(0)).join(', ')})`;

// Warm the JIT on both metric paths once, outside the timings.
new PanelController(deps).snapshotMessage(base);
new PanelController({ ...deps, comparisonRow: straightforwardRow }).snapshotMessage(base);

const before = { afterQuestion: [] as number[], afterLabel: [] as number[] };
const fresh = { afterQuestion: [] as number[], afterLabel: [] as number[] };
const cached = { afterQuestion: [] as number[], afterLabel: [] as number[] };
const cachedPanel = new PanelController(deps);
cachedPanel.snapshotMessage(base);
for (const state of states) {
  const oldQuestion = timed(() => new PanelController({ ...deps, comparisonRow: straightforwardRow }).snapshotMessage(state.afterQuestion));
  const oldLabel = timed(() => new PanelController({ ...deps, comparisonRow: straightforwardRow }).snapshotMessage(state.afterLabel));
  const newQuestion = timed(() => new PanelController(deps).snapshotMessage(state.afterQuestion));
  const newLabel = timed(() => new PanelController(deps).snapshotMessage(state.afterLabel));
  const hitQuestion = timed(() => cachedPanel.snapshotMessage(state.afterQuestion));
  const hitLabel = timed(() => cachedPanel.snapshotMessage(state.afterLabel));
  // Every path shows the same numbers.
  assert.deepStrictEqual(newQuestion.value, oldQuestion.value);
  assert.deepStrictEqual(hitQuestion.value, oldQuestion.value);
  assert.deepStrictEqual(newLabel.value, oldLabel.value);
  assert.deepStrictEqual(hitLabel.value, oldLabel.value);
  before.afterQuestion.push(oldQuestion.ms);
  before.afterLabel.push(oldLabel.ms);
  fresh.afterQuestion.push(newQuestion.ms);
  fresh.afterLabel.push(newLabel.ms);
  cached.afterQuestion.push(hitQuestion.ms);
  cached.afterLabel.push(hitLabel.ms);
}

const ratio = (a: number[], b: number[]): string => `${(median(a) / median(b)).toFixed(1)}x`;
console.log(`journal: ${QUESTIONS} questions, ${HEADS} heads each scoring all, ${base.labels.length} labels, ${RESAMPLES} bootstrap resamples, ${ROUNDS} rounds`);
console.log(`fold of the journal (the host refolds on every event): ${show(foldTimes)}`);
console.log(`first build (fresh controller), before: ${show(before.afterQuestion)}`);
console.log(`first build (fresh controller), after:  ${show(fresh.afterQuestion)}  (${ratio(before.afterQuestion, fresh.afterQuestion)} faster)`);
console.log(`rebuild after an unlabelled question, before (every build was a first build): ${show(before.afterQuestion)}`);
console.log(`rebuild after an unlabelled question, after (cached):  ${show(cached.afterQuestion)}  (${ratio(before.afterQuestion, cached.afterQuestion)} faster)`);
console.log(`rebuild after a label click, before: ${show(before.afterLabel)}`);
console.log(`rebuild after a label click, after (cache miss for every head, fast metrics): ${show(cached.afterLabel)}  (${ratio(before.afterLabel, cached.afterLabel)} faster)`);
console.log('snapshots of the before, no-cache and cached paths: identical (deepStrictEqual) in every round');
