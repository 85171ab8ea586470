import { LinearHead } from '../heads/linearHead';
import { MlpHead, mlpLayerSizes } from '../heads/mlpHead';
import { createSeededRandom } from '../math/seededRandom';

/**
 * A newly initialised head (Cal-Only and Eli-Only start here), initialised like PyTorch's
 * `nn.Linear` default: every weight and bias of a layer with fan_in inputs is drawn from
 * uniform(−1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform with a = sqrt(5) reduces to that bound).
 *
 * Definition: one `createSeededRandom(seed)` stream; layer by layer (MLP: 0, 2, 4), the weight
 * row-major and then the bias, each value = bound × (2u − 1) for the next draw u, rounded to float32.
 * The values differ from PyTorch's own generator, so tests that compare with PyTorch pass these
 * weights across instead of re-seeding torch.
 * Errors: RangeError for a hidden size < 1 (linear) or < 4 (MLP) and for a non-integer seed.
 * Worked example (also a unit test): linear, H = 4, seed 42: bound 0.5, first draw
 * u = 0.6011037519201636 gives weight[0] = 0.5 × (2u − 1) = 0.10110375 (float32).
 */
export function createFreshHead(kind: 'linear' | 'mlp', hiddenSize: number, seed: number): LinearHead | MlpHead {
  const random = createSeededRandom(seed);
  const uniform = (count: number, fanIn: number): Float32Array => {
    const bound = 1 / Math.sqrt(fanIn);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = bound * (2 * random() - 1);
    return out;
  };
  if (kind === 'linear') {
    if (!Number.isSafeInteger(hiddenSize) || hiddenSize < 1) throw new RangeError(`hidden size must be a positive integer, got ${hiddenSize}`);
    const weight = uniform(hiddenSize, hiddenSize);
    return new LinearHead(weight, uniform(1, hiddenSize));
  }
  const [h1, h2] = mlpLayerSizes(hiddenSize);
  const w0 = uniform(h1 * hiddenSize, hiddenSize);
  const b0 = uniform(h1, hiddenSize);
  const w2 = uniform(h2 * h1, h1);
  const b2 = uniform(h2, h1);
  const w4 = uniform(h2, h2);
  const b4 = uniform(1, h2);
  return new MlpHead(hiddenSize, { w0, b0, w2, b2, w4, b4 });
}
