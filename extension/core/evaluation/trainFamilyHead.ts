/**
 * Trains one head of one EliCal family (elical.md, "Three checkpoint families") on cached
 * features of a HonestyBench training pool: picks the budget's rows, holds out a grouped
 * validation share of them for epoch selection, builds the family's targets and runs the core
 * trainer. `elical train` trains one such head; `elical eval` trains every head it compares
 * with it, so both follow the same rules.
 */
import type { HeadFamily, HeadKind, HeadMetadata } from '../heads/headMetadata';
import { consSem } from '../elicitation/consSem';
import type { TrainableHead } from '../training/batchGradient';
import { trainHead, type TrainingProgress } from '../training/trainHead';
import type { BenchRecord } from './benchRecord';
import { groupedValidationSplit } from './groupedValidationSplit';

/** What a head learns to predict: Cons-Sem, greedy 0/1 correctness, or the sampled-correct share. */
export type TargetName = 'consistency' | 'correctness' | 'sampling';

export const TARGET_NAMES: readonly TargetName[] = ['consistency', 'correctness', 'sampling'];

/** Share of a training subset's question groups held out to choose the epoch. */
export const VALIDATION_SHARE = 0.1;

/** Hyper-parameters a caller may override; the rest are the trainer's defaults (the paper's). */
export interface TrainerSettings {
  learningRate?: number;
  batchSize?: number;
  /** Default: maxEpochsFor(rows, budget). */
  maxEpochs?: number;
}

export interface FamilyHeadRequest {
  family: HeadFamily;
  kind: HeadKind;
  target: TargetName;
  /** Features of every record, row-major [records.length, hiddenSize]. */
  features: Float32Array;
  hiddenSize: number;
  records: readonly BenchRecord[];
  /** Rows (indices into records) the head may learn from: a budget subset or the whole pool. */
  rows: readonly number[];
  /** The label count written into the metadata; null = all. */
  budget: number | null;
  /** EliCal only: the Eli-Only head to continue from (copied, never modified). */
  from?: TrainableHead;
  seed: number;
  settings?: TrainerSettings;
  signal?: AbortSignal;
  onProgress?: (progress: TrainingProgress) => void;
}

export interface FamilyHead {
  head: TrainableHead;
  metadata: HeadMetadata;
  trainRows: number[];
  validationRows: number[];
}

/**
 * Maximum epochs by elical.md's rule, on the rows trained on: 50 up to 10,000 rows, above that
 * 10 for a whole pool (budget null) and 15 for a budget. Worked example (also a unit test):
 * maxEpochsFor(3000, null) = 50; maxEpochsFor(20000, null) = 10; maxEpochsFor(20000, 20000) = 15.
 */
export function maxEpochsFor(rows: number, budget: number | null): number {
  if (rows <= 10_000) return 50;
  return budget === null ? 10 : 15;
}

/**
 * The target of one record: consistency = consSem(consistency_judgement); correctness =
 * greedy_correctness; sampling = mean(sampling_correctness). Errors: Error naming the record's
 * line when the field is missing.
 */
export function recordTarget(record: BenchRecord, target: TargetName): number {
  const lacking = (field: string): never => {
    throw new Error(`line ${record.line}: the ${target} target needs ${field}`);
  };
  switch (target) {
    case 'consistency':
      return consSem(record.consistencyJudgement ?? lacking('consistency_judgement'));
    case 'correctness':
      return record.greedyCorrectness ?? lacking('greedy_correctness');
    case 'sampling': {
      const values = record.samplingCorrectness ?? lacking('sampling_correctness');
      return values.reduce<number>((sum, value) => sum + value, 0) / values.length;
    }
    default: {
      const unknown: never = target;
      throw new Error(`unknown target ${String(unknown)}`);
    }
  }
}

/**
 * The group a record belongs to for validation splits: its fact_id when it has one (a fact asked
 * with several templates is one group), else its question text.
 */
export function validationGroup(record: BenchRecord): string {
  return record.factId !== null ? `fact:${record.factId}` : `question:${record.question}`;
}

/**
 * Trains the head. Rules: Eli-Only needs the consistency target and no `from`; Cal-Only starts
 * fresh; EliCal needs `from` (the Eli-Only head) and a correctness or sampling target. The
 * validation split is groupedValidationSplit(rows, validationGroup, VALIDATION_SHARE, seed).
 * Errors: Error for a rule broken (naming it) or a missing target field; the trainer's errors.
 */
export async function trainFamilyHead(request: FamilyHeadRequest): Promise<FamilyHead> {
  const { family, target, records } = request;
  if (family === 'eli-only' && target !== 'consistency') throw new Error('Eli-Only heads learn the consistency target (Cons-Sem); use --target consistency');
  if (family !== 'eli-only' && target === 'consistency') throw new Error(`${family} heads learn correctness labels; use --target correctness or sampling`);
  if (family === 'elical' && request.from === undefined) throw new Error('an EliCal head continues from an Eli-Only head; name one with --from');
  if (family !== 'elical' && request.from !== undefined) throw new Error(`a ${family} head starts fresh; --from is only for elical`);
  if (request.from !== undefined && request.from.kind !== request.kind) throw new Error(`--from is a ${request.from.kind} head but --kind is ${request.kind}`);
  const targets = new Float32Array(records.length);
  for (const row of request.rows) targets[row] = recordTarget(records[row], target);
  const split = groupedValidationSplit([...request.rows], (row) => validationGroup(records[row]), VALIDATION_SHARE, request.seed);
  const settings = request.settings ?? {};
  const result = await trainHead({
    data: { features: request.features, hiddenSize: request.hiddenSize, targets },
    trainRows: split.train,
    validationRows: split.validation,
    start: request.from === undefined ? { from: 'fresh', kind: request.kind } : { from: 'head', head: request.from },
    seed: request.seed,
    learningRate: settings.learningRate,
    batchSize: settings.batchSize,
    maxEpochs: settings.maxEpochs ?? maxEpochsFor(split.train.length, request.budget),
    signal: request.signal,
    onProgress: request.onProgress,
  });
  return {
    head: result.head,
    metadata: {
      family,
      kind: request.kind,
      budget: request.budget,
      target: target === 'consistency' ? 'consistency' : 'correctness',
      seed: request.seed,
      training: result.summary,
    },
    trainRows: split.train,
    validationRows: split.validation,
  };
}
