import { LinearHead } from '../heads/linearHead';
import { MlpHead } from '../heads/mlpHead';
import { TrainingData } from './trainingData';

/** The heads the trainer can fit. */
export type TrainableHead = LinearHead | MlpHead;

/**
 * Computes the mini-batch gradient of the training loss for the current weights of one head.
 * The trainer owns the optimiser, schedule and clipping; this is the only part whose cost grows
 * with features × rows, so it is the part an accelerated implementation (e.g. ONNX Runtime in
 * extension/node) replaces.
 *
 * Loss: L = (1/B) Σ_b (σ(z_b) − t_b)² over the B rows `rows[start .. start+count)` (PyTorch's
 * `MSELoss` with mean reduction), where z_b is the head's pre-sigmoid output.
 * `compute` overwrites `gradients` (one Float64Array per `head.parameters` entry, same order and
 * lengths) with ∂L/∂θ and returns Σ_b (σ(z_b) − t_b)², the batch's sum of squared errors before
 * the update. It must read the head's weights afresh on every call (they change in place).
 */
export interface BatchGradient {
  compute(rows: Int32Array, start: number, count: number, gradients: Float64Array[]): number | Promise<number>;
}

/** Builds the gradient computation for a head and its data. */
export type BatchGradientFactory = (head: TrainableHead, data: TrainingData) => BatchGradient;
