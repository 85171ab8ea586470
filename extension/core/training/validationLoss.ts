import { ConfidenceHead } from '../heads/confidenceHead';
import { TrainingData } from './trainingData';

/** Rows per predict call: bounds the gathered copy (256 × 4096 floats = 4 MiB). */
const CHUNK_ROWS = 256;

/**
 * Mean squared error of a head's confidences on the given rows: the quantity early stopping
 * watches and the best epoch is chosen by.
 *
 * Definition: (1/n) Σ_i (head(x_i) − t_i)² over the n rows, with the head's float32 confidences
 * and float64 summation. Ranges: [0, 1]. Returns NaN for an empty row list (no validation).
 * Worked example (also a unit test): a head that always says 0.5 on targets [0, 1, 1] gives 0.25.
 */
export function validationLoss(head: ConfidenceHead, data: TrainingData, rows: ArrayLike<number>): number {
  const n = rows.length;
  if (n === 0) return NaN;
  const h = data.hiddenSize;
  const chunk = new Float32Array(Math.min(CHUNK_ROWS, n) * h);
  let sum = 0;
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - start);
    for (let k = 0; k < count; k++) {
      const row = rows[start + k];
      chunk.set(data.features.subarray(row * h, (row + 1) * h), k * h);
    }
    const predictions = head.predict(chunk.subarray(0, count * h), count);
    for (let k = 0; k < count; k++) {
      const e = predictions[k] - data.targets[rows[start + k]];
      sum += e * e;
    }
  }
  return sum / n;
}
