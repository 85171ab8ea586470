import type { ConfidenceHead } from '../heads/confidenceHead';
import type { HeadTrainingSummary } from '../heads/headMetadata';
import type { TrainableHead } from '../training/batchGradient';
import { splitValidation } from '../training/budgets';
import { trainHead } from '../training/trainHead';
import type { TrainingData } from '../training/trainingData';
import { checkpointMetrics, type CheckpointMetrics } from '../metrics/checkpointMetrics';
import { crossValidationFolds } from './crossValidationFolds';

/** Fewest labels a retrain accepts: below this, k-fold estimates are noise. */
export const MIN_RETRAIN_LABELS = 10;

/** Default bootstrap resamples of a retrain's metric intervals (see RetrainRequest.bootstrapResamples). */
export const RETRAIN_BOOTSTRAP_RESAMPLES = 200;

/** Share of each training pool held out to pick the epoch (early stopping); never test rows. */
export const RETRAIN_VALIDATION_SHARE = 0.1;

/**
 * Folds of the cross-validation for n labels: 5 from 25 labels up (each fold then tests at least
 * 5), otherwise floor(n / 5) but at least 2, so every fold tests at least 5 labels where possible.
 * Errors: RangeError below MIN_RETRAIN_LABELS.
 * Examples (also unit tests): 10 -> 2, 24 -> 4, 25 -> 5, 1000 -> 5.
 */
export function retrainFoldCount(n: number): number {
  if (!Number.isSafeInteger(n) || n < MIN_RETRAIN_LABELS) throw new RangeError(`a retrain needs at least ${MIN_RETRAIN_LABELS} labelled questions, got ${n}`);
  return n >= 25 ? 5 : Math.max(2, Math.floor(n / 5));
}

export type RetrainFamily = 'elical' | 'cal-only';

export interface RetrainProgress {
  /** 'cross-validation' while the k fold heads train, 'final' for the heads on all labels. */
  stage: 'cross-validation' | 'final';
  /** Heads trained so far and in all (2 families x (k + 1), or k + 1 without EliCal). */
  done: number;
  total: number;
  family: RetrainFamily;
  /** 0-based fold, or null for the final head. */
  fold: number | null;
}

export interface RetrainRequest {
  /** Row-major [n, hiddenSize] last-token hidden states of the labelled questions. */
  features: Float32Array;
  hiddenSize: number;
  /** The user's 0/1 labels, row for row. */
  labels: ArrayLike<number>;
  /** The Eli-Only head EliCal starts from; null trains Cal-Only only. Never modified. */
  elicitationHead: TrainableHead | null;
  /** Kind of the fresh Cal-Only head; default the Eli-Only head's kind, else linear (a fair comparison uses one kind). */
  freshKind?: 'linear' | 'mlp';
  /** Heads whose metrics on the same labels are reported beside the new ones (the "before"). */
  existingHeads?: readonly { id: string; head: ConfidenceHead }[];
  /** Default 42 (the project's seed). */
  seed?: number;
  /** Cross-validation folds; default retrainFoldCount(n). */
  folds?: number;
  /**
   * Bootstrap resamples of every metric interval; default RETRAIN_BOOTSTRAP_RESAMPLES (200: on
   * 1k labels, 1,000 resamples of the four metrics took 2.2 s per checkpoint on this machine,
   * 200 take a fifth of that, and the interval ends move by well under their own width).
   */
  bootstrapResamples?: number;
  learningRate?: number;
  batchSize?: number;
  /** Default 50 (the paper's maximum up to 10k labels), 15 above. */
  maxEpochs?: number;
  patience?: number;
  signal?: AbortSignal;
  onProgress?: (progress: RetrainProgress) => void;
  /** Passed to trainHead (tests use it to run without timers). */
  yieldToEventLoop?: () => Promise<void>;
}

/** Rows one training used: the same for both families (identical label subsets). */
export interface TrainingRows {
  train: number[];
  validation: number[];
}

export interface FamilyRetrain {
  family: RetrainFamily;
  /** Trained on all labels (validation held out), for promotion. */
  head: TrainableHead;
  summary: HeadTrainingSummary;
  /** Metrics of the out-of-fold confidences, pooled over the folds, in label order. */
  crossValidated: CheckpointMetrics;
  /** Row r's confidence from the fold head that did not train on r. */
  outOfFold: Float32Array;
}

export interface RetrainResult {
  labelCount: number;
  /** Test rows per fold (crossValidationFolds). */
  folds: number[][];
  /** Per fold, the rows its heads trained and validated on; then, last, the final heads' rows. */
  rows: TrainingRows[];
  /** EliCal first (when an Eli-Only head was given), then Cal-Only. */
  families: FamilyRetrain[];
  /** Metrics of each existing head on all labels (it never trained on them, so no folds are needed). */
  existing: { id: string; metrics: CheckpointMetrics }[];
}

/**
 * Retrains calibration from the user's labels, as the paper compares the families: EliCal
 * continues the Eli-Only head, Cal-Only starts fresh, both on the identical rows with the same
 * seed and trainer settings (trainHead: AdamW, warm-up, clipping, early stopping on a held-out
 * validation share of the training rows, best epoch kept).
 *
 * Estimate: k-fold cross-validation (crossValidationFolds(n, k, seed)). For fold f the training
 * pool is every row outside f; splitValidation(pool, RETRAIN_VALIDATION_SHARE, seed + 1 + f)
 * holds out the epoch-picking rows; the fold's head then predicts the rows of f. The pooled
 * out-of-fold confidences, in label order, give AUROC, ECE, Alignment and Brier with bootstrap
 * intervals (checkpointMetrics). The heads returned for promotion train on all rows
 * (validation: splitValidation(all, share, seed)).
 * Deterministic: the same request gives the same folds, heads and metrics.
 * Cancellation: `signal` is checked by the trainer before every batch; an aborted retrain rejects
 * with the signal's reason and returns nothing partial.
 * Errors: RangeError for fewer than MIN_RETRAIN_LABELS labels, labels not 0/1, labels of one
 * class only (nothing to calibrate against), a feature length that does not fit, or a head of
 * another hidden size.
 */
export async function retrainCalibration(request: RetrainRequest): Promise<RetrainResult> {
  const { features, hiddenSize, labels, elicitationHead } = request;
  const n = labels.length;
  const k = request.folds ?? retrainFoldCount(n);
  if (n < MIN_RETRAIN_LABELS) throw new RangeError(`a retrain needs at least ${MIN_RETRAIN_LABELS} labelled questions, got ${n}`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`label ${i} is ${labels[i]}; labels must be 0 (wrong) or 1 (right)`);
    positives += labels[i];
  }
  if (positives === 0 || positives === n) {
    throw new RangeError(`all ${n} labels are ${positives === 0 ? 'wrong' : 'right'}: calibration needs both right and wrong answers`);
  }
  if (features.length !== n * hiddenSize) throw new RangeError(`features hold ${features.length} values; ${n} labels x hidden size ${hiddenSize} needs ${n * hiddenSize}`);
  if (elicitationHead !== null && elicitationHead.hiddenSize !== hiddenSize) {
    throw new RangeError(`the Eli-Only head reads hidden size ${elicitationHead.hiddenSize}, but the features have ${hiddenSize}`);
  }
  const seed = request.seed ?? 42;
  const freshKind = request.freshKind ?? elicitationHead?.kind ?? 'linear';
  const data: TrainingData = { features, hiddenSize, targets: Float32Array.from(labels) };
  const folds = crossValidationFolds(n, k, seed);
  const all = Array.from({ length: n }, (_, i) => i);
  const rows: TrainingRows[] = folds.map((fold, f) => {
    const testRows = new Set(fold);
    return splitValidation(all.filter((row) => !testRows.has(row)), RETRAIN_VALIDATION_SHARE, seed + 1 + f);
  });
  rows.push(splitValidation(all, RETRAIN_VALIDATION_SHARE, seed));

  const families: RetrainFamily[] = elicitationHead === null ? ['cal-only'] : ['elical', 'cal-only'];
  const total = families.length * (k + 1);
  let done = 0;
  const train = async (family: RetrainFamily, split: TrainingRows) =>
    trainHead({
      data,
      trainRows: split.train,
      validationRows: split.validation,
      start: family === 'elical' && elicitationHead !== null ? { from: 'head', head: elicitationHead } : { from: 'fresh', kind: freshKind },
      seed,
      learningRate: request.learningRate,
      batchSize: request.batchSize,
      maxEpochs: request.maxEpochs ?? (n <= 10_000 ? 50 : 15),
      patience: request.patience,
      signal: request.signal,
      yieldToEventLoop: request.yieldToEventLoop,
    });

  const results: FamilyRetrain[] = [];
  for (const family of families) {
    const outOfFold = new Float32Array(n);
    for (let f = 0; f < k; f++) {
      const { head } = await train(family, rows[f]);
      const fold = folds[f];
      const foldFeatures = new Float32Array(fold.length * hiddenSize);
      fold.forEach((row, i) => foldFeatures.set(features.subarray(row * hiddenSize, (row + 1) * hiddenSize), i * hiddenSize));
      const predicted = head.predict(foldFeatures, fold.length);
      fold.forEach((row, i) => (outOfFold[row] = predicted[i]));
      done += 1;
      request.onProgress?.({ stage: 'cross-validation', done, total, family, fold: f });
    }
    const final = await train(family, rows[k]);
    done += 1;
    request.onProgress?.({ stage: 'final', done, total, family, fold: null });
    results.push({
      family,
      head: final.head,
      summary: final.summary,
      crossValidated: checkpointMetrics(outOfFold, labels, { resamples: request.bootstrapResamples ?? RETRAIN_BOOTSTRAP_RESAMPLES, seed }),
      outOfFold,
    });
  }
  const existing = (request.existingHeads ?? []).map(({ id, head }) => {
    if (head.hiddenSize !== hiddenSize) throw new RangeError(`head ${id} reads hidden size ${head.hiddenSize}, but the features have ${hiddenSize}`);
    return { id, metrics: checkpointMetrics(head.predict(features, n), labels, { resamples: request.bootstrapResamples ?? RETRAIN_BOOTSTRAP_RESAMPLES, seed }) };
  });
  return { labelCount: n, folds, rows, families: results, existing };
}
