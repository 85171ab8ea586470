import { MlpHead } from '../heads/mlpHead';
import { sigmoid } from '../math/sigmoid';
import { BatchGradient } from './batchGradient';
import { TrainingData } from './trainingData';

/**
 * The MSE gradient of the ablation MLP head by backpropagation, row by row.
 *
 * Definition per row x with target t (B rows, float64 arithmetic):
 *   forward  a1 = relu(W0 x + b0), a2 = relu(W2 a1 + b2), p = σ(W4 a2 + b4), e = p − t;
 *   backward g = (2/B) e p (1 − p); ∂W4 += g a2, ∂b4 += g;
 *            d2 = g W4 ⊙ [a2 > 0]; ∂W2 += d2 a1ᵀ, ∂b2 += d2;
 *            d1 = W2ᵀ d2 ⊙ [a1 > 0]; ∂W0 += d1 xᵀ, ∂b0 += d1.
 * ReLU's derivative at exactly 0 is taken as 0, as PyTorch does. Returns Σ e².
 * Cost: about 3 × H × H/2 multiply-adds per row, so a 4096-wide MLP is slow in plain TypeScript
 * (minutes per thousand rows and epoch); the linear head is the practical default here.
 * Worked example (also a unit test): the MlpHead doc example (x = [1,2,3,4], p = σ(2)) with t = 1:
 * e = σ(2) − 1, g = 2 e σ(2)(1 − σ(2)) = −0.02503; ∂b4 = g; ∂W4 = g × 1.5; ∂b2 = 2g; ∂W0 row 0 = 2g x,
 * row 1 = 0 (its unit is off).
 */
export function mlpHeadGradient(head: MlpHead, data: TrainingData): BatchGradient {
  const h = head.hiddenSize;
  if (data.hiddenSize !== h) throw new RangeError(`head has hidden size ${h} but the features have ${data.hiddenSize}`);
  const [h1, h2] = head.layerSizes;
  const { w0, b0, w2, b2, w4, b4 } = head.weights;
  const x = data.features;
  const targets = data.targets;
  const a1 = new Float64Array(h1);
  const a2 = new Float64Array(h2);
  const d1 = new Float64Array(h1);
  const d2 = new Float64Array(h2);
  return {
    compute(rows, start, count, gradients) {
      const [gw0, gb0, gw2, gb2, gw4, gb4] = gradients;
      for (const g of gradients) g.fill(0);
      const scale = 2 / count;
      let sse = 0;
      for (let k = start; k < start + count; k++) {
        const row = rows[k];
        const offset = row * h;
        for (let i = 0; i < h1; i++) {
          let z = b0[i];
          const base = i * h;
          for (let j = 0; j < h; j++) z += w0[base + j] * x[offset + j];
          a1[i] = z > 0 ? z : 0;
        }
        for (let i = 0; i < h2; i++) {
          let z = b2[i];
          const base = i * h1;
          for (let j = 0; j < h1; j++) z += w2[base + j] * a1[j];
          a2[i] = z > 0 ? z : 0;
        }
        let z = b4[0];
        for (let i = 0; i < h2; i++) z += w4[i] * a2[i];
        const p = sigmoid(z);
        const e = p - targets[row];
        sse += e * e;
        const g = scale * e * p * (1 - p);
        gb4[0] += g;
        for (let i = 0; i < h2; i++) {
          gw4[i] += g * a2[i];
          d2[i] = a2[i] > 0 ? g * w4[i] : 0;
        }
        d1.fill(0);
        for (let i = 0; i < h2; i++) {
          const di = d2[i];
          if (di === 0) continue;
          gb2[i] += di;
          const base = i * h1;
          for (let j = 0; j < h1; j++) {
            gw2[base + j] += di * a1[j];
            d1[j] += di * w2[base + j];
          }
        }
        for (let i = 0; i < h1; i++) {
          const di = a1[i] > 0 ? d1[i] : 0;
          if (di === 0) continue;
          gb0[i] += di;
          const base = i * h;
          for (let j = 0; j < h; j++) gw0[base + j] += di * x[offset + j];
        }
      }
      return sse;
    },
  };
}
