import { LinearHead } from '../heads/linearHead';
import { dotRow } from '../math/dotRow';
import { sigmoid } from '../math/sigmoid';
import { BatchGradient } from './batchGradient';
import { TrainingData } from './trainingData';

/**
 * The MSE gradient of a linear head, fused per row: one pass computes z = w·x + b while the row
 * streams into cache, the second adds g × x to the weight gradient while the row is still there,
 * so each feature row leaves main memory once per epoch (the cost that dominates at 4096 wide).
 *
 * Definition, per batch of B rows: p_b = σ(w·x_b + b), e_b = p_b − t_b,
 * g_b = (2 / B) e_b p_b (1 − p_b) (chain rule through mean squared error and the sigmoid);
 * ∂L/∂w = Σ_b g_b x_b, ∂L/∂b = Σ_b g_b; returns Σ_b e_b². Arithmetic in float64.
 * Worked example (also a unit test): w = [0], b = 0, one row x = [2], t = 1: p = 0.5, e = −0.5,
 * g = 2 × (−0.5) × 0.25 = −0.25, so ∂L/∂w = −0.5, ∂L/∂b = −0.25, returned error 0.25.
 */
export function linearHeadGradient(head: LinearHead, data: TrainingData): BatchGradient {
  const h = head.hiddenSize;
  if (data.hiddenSize !== h) throw new RangeError(`head has hidden size ${h} but the features have ${data.hiddenSize}`);
  const x = data.features;
  const targets = data.targets;
  const w = head.weight;
  const bias = head.bias;
  return {
    compute(rows, start, count, gradients) {
      const gw = gradients[0];
      gw.fill(0);
      const b = bias[0];
      const scale = 2 / count;
      const end4 = h - (h % 4);
      let gb = 0;
      let sse = 0;
      for (let k = start; k < start + count; k++) {
        const row = rows[k];
        const offset = row * h;
        const p = sigmoid(dotRow(w, x, offset, h) + b);
        const e = p - targets[row];
        sse += e * e;
        const g = scale * e * p * (1 - p);
        gb += g;
        let j = 0;
        for (; j < end4; j += 4) {
          gw[j] += g * x[offset + j];
          gw[j + 1] += g * x[offset + j + 1];
          gw[j + 2] += g * x[offset + j + 2];
          gw[j + 3] += g * x[offset + j + 3];
        }
        for (; j < h; j++) gw[j] += g * x[offset + j];
      }
      gradients[1][0] = gb;
      return sse;
    },
  };
}
