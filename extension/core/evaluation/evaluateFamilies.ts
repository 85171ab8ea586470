/**
 * The harness behind RESULTS.md (issue 4, item 7): trains the heads the comparison needs on a
 * training pool's cached features and scores the five columns of the paper's table on each test
 * set: N-Prob, Cons-Sem (training-free), Eli-Only (all of the pool, consistency targets), and
 * Cal-Only(k) / EliCal(k) for each budget k on IDENTICAL subsets (selectBudgetSubsets with one
 * seed; EliCal continues from the Eli-Only head of the same kind).
 * Validation: each head holds out a grouped 10 % of the rows it may learn from (trainFamilyHead);
 * test sets are never used for training or model selection.
 */
import type { HeadKind } from '../heads/headMetadata';
import { consSem } from '../elicitation/consSem';
import { nProb } from '../elicitation/nProb';
import type { TrainableHead } from '../training/batchGradient';
import { selectBudgetSubsets } from '../training/budgets';
import type { BenchRecord } from './benchRecord';
import { scoreMetrics, weightedAverage, type ScoreMetrics } from './scoreMetrics';
import { trainFamilyHead, type FamilyHead, type TargetName, type TrainerSettings } from './trainFamilyHead';

export type MethodName = 'N-Prob' | 'Cons-Sem' | 'Eli-Only' | 'Cal-Only' | 'EliCal';
export const METHOD_NAMES: readonly MethodName[] = ['N-Prob', 'Cons-Sem', 'Eli-Only', 'Cal-Only', 'EliCal'];
export type Domain = 'in' | 'ood';

export interface FeatureSet {
  name: string;
  records: readonly BenchRecord[];
  /** Row-major [records.length, hiddenSize]. */
  features: Float32Array;
}

export interface TestSet extends FeatureSet {
  domain: Domain;
}

export interface EvaluationRequest {
  hiddenSize: number;
  train: FeatureSet;
  tests: readonly TestSet[];
  /** Label budgets; null = the whole pool. Each must not exceed the pool size. */
  budgets: readonly (number | null)[];
  kinds: readonly HeadKind[];
  /** Calibration target of Cal-Only and EliCal: correctness (default) or sampling. */
  calibrationTarget?: TargetName;
  seed: number;
  paperEce?: boolean;
  /** AUROC bootstrap resamples per cell (0 = none). */
  bootstrap?: number;
  settings?: TrainerSettings;
  signal?: AbortSignal;
  /** One line per finished step, for progress on stderr. */
  log?: (message: string) => void;
  /** After each trained head: heads done and the total (kinds x (1 + 2 x budgets)). */
  onHeadTrained?: (done: number, total: number) => void;
}

/** One method's confidences and metrics on one test set. */
export interface EvaluationCell {
  /** Test set name, or "in-domain" / "out-of-domain" for weighted averages. */
  scope: string;
  method: MethodName;
  /** Head kind; null for the training-free methods. */
  kind: HeadKind | null;
  /** Budget for Cal-Only / EliCal (null = all); undefined for the methods without one. */
  budget?: number | null;
  metrics: ScoreMetrics;
}

export interface TrainedHeadSummary {
  family: 'eli-only' | 'cal-only' | 'elical';
  kind: HeadKind;
  budget: number | null;
  trainRows: number;
  validationRows: number;
  bestEpoch: number;
  epochsRun: number;
}

export interface EvaluationResult {
  cells: EvaluationCell[];
  heads: TrainedHeadSummary[];
  /** Confidences per test set name and cell key (cellKey), for plots. */
  confidences: Map<string, Map<string, Float32Array>>;
  /** 0/1 greedy correctness per test set name. */
  correct: Map<string, Uint8Array>;
  /** Budget subsets actually used (row indices into the training pool), per budget. */
  subsets: { budget: number | null; rows: number[] }[];
}

/** Key of a method/kind/budget combination in EvaluationResult.confidences. */
export function cellKey(method: MethodName, kind: HeadKind | null, budget?: number | null): string {
  return `${method}|${kind ?? '-'}|${budget === undefined ? '-' : budget ?? 'all'}`;
}

/** Display name of a domain's weighted average. */
export function domainScope(domain: Domain): string {
  return domain === 'in' ? 'in-domain' : 'out-of-domain';
}

function predict(head: TrainableHead, features: Float32Array, rows: number): Float32Array {
  return head.predict(features, rows);
}

/**
 * Runs the comparison. Errors: Error naming the file line for records lacking a needed field
 * (greedy_correctness everywhere, consistency_judgement in the pool and tests, greedy tokens and
 * log-probs in tests); RangeError for a budget larger than the pool; the trainer's errors; the
 * signal's reason when aborted.
 */
export async function evaluateFamilies(request: EvaluationRequest): Promise<EvaluationResult> {
  const { train, tests, hiddenSize, seed } = request;
  const log = request.log ?? (() => undefined);
  const calibrationTarget = request.calibrationTarget ?? 'correctness';
  const need = (set: FeatureSet, pick: (record: BenchRecord) => unknown, field: string): void => {
    const missing = set.records.find((record) => pick(record) === null);
    if (missing !== undefined) throw new Error(`${set.name}:${missing.line}: missing ${field}`);
  };
  for (const set of [train, ...tests]) {
    need(set, (r) => r.greedyCorrectness, 'greedy_correctness (run elical generate with gold answers)');
    need(set, (r) => r.consistencyJudgement, 'consistency_judgement (run elical generate)');
  }
  for (const set of tests) need(set, (r) => r.greedyTokenCount, 'greedy_tokens / greedy_cumulative_logprobs (N-Prob)');

  const poolRows = Array.from({ length: train.records.length }, (_, i) => i);
  const subsets = selectBudgetSubsets(train.records.length, request.budgets, seed);
  const heads: TrainedHeadSummary[] = [];
  const trained = new Map<string, TrainableHead>();
  const headsTotal = request.kinds.length * (1 + 2 * subsets.length);
  const fit = async (family: 'eli-only' | 'cal-only' | 'elical', kind: HeadKind, rows: number[], budget: number | null, from?: TrainableHead): Promise<FamilyHead> => {
    const result = await trainFamilyHead({
      family, kind, target: family === 'eli-only' ? 'consistency' : calibrationTarget,
      features: train.features, hiddenSize, records: train.records, rows, budget, from, seed,
      settings: request.settings, signal: request.signal,
    });
    const t = result.metadata.training;
    heads.push({ family, kind, budget, trainRows: result.trainRows.length, validationRows: result.validationRows.length, bestEpoch: t?.bestEpoch ?? 0, epochsRun: t?.epochsRun ?? 0 });
    log(`${family} ${kind} head, budget ${budget ?? 'all'}: ${result.trainRows.length} train + ${result.validationRows.length} validation rows, best epoch ${t?.bestEpoch}/${t?.epochsRun}, validation MSE ${t?.validationLoss?.toFixed(5)}`);
    request.onHeadTrained?.(heads.length, headsTotal);
    return result;
  };
  for (const kind of request.kinds) {
    const eliOnly = await fit('eli-only', kind, poolRows, null);
    trained.set(cellKey('Eli-Only', kind), eliOnly.head);
    for (const subset of subsets) {
      trained.set(cellKey('Cal-Only', kind, subset.budget), (await fit('cal-only', kind, subset.indices, subset.budget)).head);
      trained.set(cellKey('EliCal', kind, subset.budget), (await fit('elical', kind, subset.indices, subset.budget, eliOnly.head)).head);
    }
  }

  const cells: EvaluationCell[] = [];
  const confidences = new Map<string, Map<string, Float32Array>>();
  const correctBySet = new Map<string, Uint8Array>();
  const options = { paperEce: request.paperEce, bootstrap: request.bootstrap ?? 0, seed };
  for (const set of tests) {
    request.signal?.throwIfAborted();
    const correct = Uint8Array.from(set.records, (r) => r.greedyCorrectness as number);
    correctBySet.set(set.name, correct);
    const perSet = new Map<string, Float32Array>();
    perSet.set(cellKey('N-Prob', null), Float32Array.from(set.records, (r) => nProb(r.greedyCumulativeLogprob as number, r.greedyTokenCount as number)));
    perSet.set(cellKey('Cons-Sem', null), Float32Array.from(set.records, (r) => consSem(r.consistencyJudgement as (0 | 1)[])));
    for (const [key, head] of trained) perSet.set(key, predict(head, set.features, set.records.length));
    confidences.set(set.name, perSet);
    const add = (method: MethodName, kind: HeadKind | null, budget?: number | null): void => {
      const values = perSet.get(cellKey(method, kind, budget)) as Float32Array;
      cells.push({ scope: set.name, method, kind, budget, metrics: scoreMetrics(values, correct, options) });
    };
    add('N-Prob', null);
    add('Cons-Sem', null);
    for (const kind of request.kinds) {
      add('Eli-Only', kind);
      for (const subset of subsets) {
        add('Cal-Only', kind, subset.budget);
        add('EliCal', kind, subset.budget);
      }
    }
    log(`scored ${set.name} (${set.records.length} questions)`);
  }
  for (const domain of ['in', 'ood'] as const) {
    const names = new Set(tests.filter((set) => set.domain === domain).map((set) => set.name));
    if (names.size === 0) continue;
    const fileCells = cells.filter((cell) => names.has(cell.scope));
    const seen = new Set<string>();
    for (const cell of fileCells) {
      const key = cellKey(cell.method, cell.kind, cell.budget);
      if (seen.has(key)) continue;
      seen.add(key);
      const parts = fileCells.filter((other) => cellKey(other.method, other.kind, other.budget) === key).map((other) => other.metrics);
      cells.push({ scope: domainScope(domain), method: cell.method, kind: cell.kind, budget: cell.budget, metrics: weightedAverage(parts) });
    }
  }
  return { cells, heads, confidences, correct: correctBySet, subsets: subsets.map((subset) => ({ budget: subset.budget, rows: subset.indices })) };
}
