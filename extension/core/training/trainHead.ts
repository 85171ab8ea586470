import { HeadTrainingSummary } from '../heads/headMetadata';
import { LinearHead } from '../heads/linearHead';
import { AdamW } from './adamW';
import { BatchGradientFactory, TrainableHead } from './batchGradient';
import { clipGradientNorm } from './clipGradientNorm';
import { EarlyStopping } from './earlyStopping';
import { createEpochOrders } from './epochOrders';
import { createFreshHead } from './freshHead';
import { linearHeadGradient } from './linearHeadGradient';
import { linearWarmupFactor, warmupStepsFor } from './linearWarmupSchedule';
import { mlpHeadGradient } from './mlpHeadGradient';
import { checkTrainingData, TrainingData } from './trainingData';
import { validationLoss } from './validationLoss';

/** Where training starts: a fresh head (Eli-Only, Cal-Only) or a copy of a given one (EliCal). */
export type TrainingStart = { from: 'fresh'; kind: 'linear' | 'mlp' } | { from: 'head'; head: TrainableHead };

/** Reported after every epoch. */
export interface TrainingProgress {
  epoch: number;
  /** Optimiser steps taken so far. */
  step: number;
  totalSteps: number;
  /** Mean squared error over the epoch's training rows, each measured before its batch's update. */
  trainLoss: number;
  /** Validation MSE after the epoch; NaN without a validation split. */
  validationLoss: number;
  improved: boolean;
}

export interface TrainHeadOptions {
  data: TrainingData;
  trainRows: ArrayLike<number>;
  /** Held-out rows of the training pool (see splitValidation); never evaluation data. May be empty. */
  validationRows: ArrayLike<number>;
  start: TrainingStart;
  /** Seeds the fresh head (createFreshHead(seed)) and the epoch orders (createEpochOrders(seed + 1)). */
  seed: number;
  /** Peak learning rate; default 1e-3 (a head alone tolerates far more than LoRA's 5e-5). */
  learningRate?: number;
  /** AdamW decoupled weight decay; default 0.1. */
  weightDecay?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Rows per optimiser step; default 512 (the paper's effective batch). The last batch may be smaller. */
  batchSize?: number;
  /** Default 50 (the paper's maximum for budgets up to 10k). */
  maxEpochs?: number;
  /** Epochs without validation improvement before stopping; default 4; Infinity disables. */
  patience?: number;
  /** Share of all steps spent warming up; default 0.1. */
  warmupRatio?: number;
  /** Global gradient-norm clip; default 1.0. */
  maxGradNorm?: number;
  onProgress?: (progress: TrainingProgress) => void;
  /** Checked before every batch; training throws the signal's reason at the next batch boundary. */
  signal?: AbortSignal;
  /** Replaces the plain TypeScript gradient (e.g. an ONNX Runtime implementation from extension/node). */
  gradient?: BatchGradientFactory;
  /** How long to compute before giving the event loop a turn; default 25 ms. */
  yieldEveryMs?: number;
  /** How to give the event loop a turn; default a zero-delay timer. */
  yieldToEventLoop?: () => Promise<void>;
}

export interface TrainHeadResult {
  /** The best epoch's weights (the last epoch's without a validation split). A new object, never `start.head`. */
  head: TrainableHead;
  summary: HeadTrainingSummary;
  history: TrainingProgress[];
}

/** The plain TypeScript gradient for either head kind. */
export const defaultBatchGradient: BatchGradientFactory = (head, data) =>
  head instanceof LinearHead ? linearHeadGradient(head, data) : mlpHeadGradient(head, data);

const defaultYield = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Trains a confidence head with the paper's recipe: MSE between sigmoid output and soft targets,
 * AdamW, linear warm-up then linear decay, gradient clipping, seeded mini-batches, early stopping
 * on a held-out validation split, keeping the best epoch.
 *
 * Steps: T = maxEpochs × ceil(trainRows / batchSize) scheduled steps (the schedule is planned for
 * the full run, as the Hugging Face Trainer plans it; early stopping simply ends it sooner),
 * W = ceil(warmupRatio × T) warm-up steps (linearWarmupFactor). Each epoch takes the next
 * createEpochOrders permutation and walks it in consecutive batches; per batch: gradient of the
 * batch-mean MSE, clipGradientNorm(maxGradNorm), AdamW.step(baseLr × factor(step)). After each
 * epoch the validation MSE is measured; EarlyStopping decides; the best epoch's weights are kept.
 * EliCal (`start.from = 'head'`) starts from an exact copy of the given head's weights with a
 * fresh optimiser (zero moments, t = 0) and a fresh schedule; the given head is never modified.
 * Deterministic: the same inputs and seed give bit-identical weights.
 * Responsiveness: async; after each batch, once `yieldEveryMs` has passed since the last turn,
 * it awaits `yieldToEventLoop`. Cancellation: `signal` is checked before every batch and before
 * the validation pass; an aborted signal rejects with `signal.reason` (an AbortError DOMException
 * unless the caller gave one) within one batch, and no partial head is returned.
 * Errors: RangeError for invalid data, rows or hyper-parameters (checked before any work); a
 * non-finite training loss stops training with an Error naming the epoch and step.
 */
export async function trainHead(options: TrainHeadOptions): Promise<TrainHeadResult> {
  const { data, seed } = options;
  const trainRows = Int32Array.from(options.trainRows);
  const validationRows = Int32Array.from(options.validationRows);
  checkTrainingData(data, { trainRows, validationRows });
  if (trainRows.length === 0) throw new RangeError('trainRows is empty: nothing to train on');
  const learningRate = options.learningRate ?? 1e-3;
  const batchSize = options.batchSize ?? 512;
  const maxEpochs = options.maxEpochs ?? 50;
  const patience = options.patience ?? 4;
  const warmupRatio = options.warmupRatio ?? 0.1;
  const maxGradNorm = options.maxGradNorm ?? 1.0;
  const yieldEveryMs = options.yieldEveryMs ?? 25;
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw new RangeError(`learningRate must be a finite number > 0, got ${learningRate}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isSafeInteger(maxEpochs) || maxEpochs < 1) throw new RangeError(`maxEpochs must be a positive integer, got ${maxEpochs}`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const stopping = new EarlyStopping(patience);

  let head: TrainableHead;
  if (options.start.from === 'fresh') {
    head = createFreshHead(options.start.kind, data.hiddenSize, seed);
  } else {
    if (options.start.head.hiddenSize !== data.hiddenSize) {
      throw new RangeError(`start head has hidden size ${options.start.head.hiddenSize} but the features have ${data.hiddenSize}`);
    }
    head = options.start.head.clone();
  }
  const parameters = head.parameters.map((p) => p.data);
  const optimiser = new AdamW(parameters, {
    weightDecay: options.weightDecay, beta1: options.beta1, beta2: options.beta2, epsilon: options.epsilon,
  });
  const gradients = parameters.map((p) => new Float64Array(p.length));
  const gradient = (options.gradient ?? defaultBatchGradient)(head, data);
  const nextOrder = createEpochOrders(trainRows, seed + 1);
  const stepsPerEpoch = Math.ceil(trainRows.length / batchSize);
  const totalSteps = maxEpochs * stepsPerEpoch;
  const warmupSteps = warmupStepsFor(totalSteps, warmupRatio);
  const yieldToEventLoop = options.yieldToEventLoop ?? defaultYield;
  const signal = options.signal;

  let best: Float32Array[] | null = null;
  const history: TrainingProgress[] = [];
  let step = 0;
  let lastYield = Date.now();
  for (let epoch = 1; epoch <= maxEpochs; epoch++) {
    const order = nextOrder();
    let sse = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      signal?.throwIfAborted();
      const count = Math.min(batchSize, order.length - start);
      const batchSse = await gradient.compute(order, start, count, gradients);
      if (!Number.isFinite(batchSse)) throw new Error(`training loss became ${batchSse} at epoch ${epoch}, step ${step + 1}`);
      sse += batchSse;
      clipGradientNorm(gradients, maxGradNorm);
      optimiser.step(gradients, learningRate * linearWarmupFactor(step, totalSteps, warmupSteps));
      step += 1;
      if (Date.now() - lastYield >= yieldEveryMs) {
        await yieldToEventLoop();
        lastYield = Date.now();
      }
    }
    signal?.throwIfAborted();
    const valLoss = validationLoss(head, data, validationRows);
    let improved = false;
    let stop = false;
    if (validationRows.length > 0) {
      const decision = stopping.observe(valLoss);
      improved = decision === 'improved';
      stop = decision === 'stop';
      if (improved) best = parameters.map((p) => p.slice());
    }
    const progress: TrainingProgress = { epoch, step, totalSteps, trainLoss: sse / order.length, validationLoss: valLoss, improved };
    history.push(progress);
    options.onProgress?.(progress);
    if (stop) break;
  }
  if (best !== null) parameters.forEach((p, i) => p.set(best[i]));
  const epochsRun = history.length;
  const bestEpoch = validationRows.length > 0 ? stopping.bestEpoch : epochsRun;
  return {
    head,
    summary: {
      epochsRun,
      bestEpoch,
      validationLoss: validationRows.length > 0 ? stopping.bestValue : null,
      trainSize: trainRows.length,
      validationSize: validationRows.length,
    },
    history,
  };
}
