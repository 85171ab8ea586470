import { dotRow } from '../math/dotRow';
import { sigmoid } from '../math/sigmoid';
import { checkFeatures } from './checkFeatures';
import { ConfidenceHead, HeadParameter } from './confidenceHead';

/** The weights of an MLP head, row-major like PyTorch's `nn.Linear.weight` ([out, in]). */
export interface MlpHeadWeights {
  /** [h1, H] and [h1] */
  w0: Float32Array;
  b0: Float32Array;
  /** [h2, h1] and [h2] */
  w2: Float32Array;
  b2: Float32Array;
  /** [1, h2] and [1] */
  w4: Float32Array;
  b4: Float32Array;
}

/**
 * The layer widths [h1, h2] = [floor(H / 2), floor(H / 4)] of the paper's ablation head for
 * feature width H (the reference's `hidden_size // 2`, `// 4`). H must be an integer >= 4 so that
 * no layer is empty. Worked example (also a unit test): H = 4096 gives [2048, 1024]; H = 10 gives [5, 2].
 */
export function mlpLayerSizes(hiddenSize: number): [number, number] {
  if (!Number.isSafeInteger(hiddenSize) || hiddenSize < 4) throw new RangeError(`MLP head needs an integer hidden size >= 4, got ${hiddenSize}`);
  return [Math.floor(hiddenSize / 2), Math.floor(hiddenSize / 4)];
}

/**
 * The paper's frozen-backbone ablation head: `nn.Sequential(Linear(H, h1), ReLU, Linear(h1, h2),
 * ReLU, Linear(h2, 1))` then sigmoid, normally h1 = H/2 and h2 = H/4 (see `mlpLayerSizes`; a file
 * with other consistent widths loads too).
 *
 * Definition per row x: a1 = relu(W0 x + b0), a2 = relu(W2 a1 + b2), confidence = σ(W4 a2 + b4);
 * each dot product accumulates in float64, activations are stored as float32 as PyTorch does.
 * Parameters (PyTorch state-dict names): `0.weight` [h1, H], `0.bias` [h1], `2.weight` [h2, h1],
 * `2.bias` [h2], `4.weight` [1, h2], `4.bias` [1].
 * Range: [0, 1]. Errors: arrays whose lengths disagree (RangeError naming the tensor and both
 * sizes); features whose length is not batchSize × H.
 * Worked example (also a unit test): H = 4, W0 = [[1,0,0,0],[0,-1,0,0]], b0 = [0,0],
 * W2 = [[1,1]], b2 = [0.5], W4 = [[2]], b4 = [-1], x = [1,2,3,4]: a1 = relu([1,-2]) = [1,0],
 * a2 = relu(1.5) = 1.5, z = 2, confidence σ(2) = 0.8807970780.
 *
 * The constructor takes ownership of the arrays (no copy): the trainer updates them in place.
 */
export class MlpHead implements ConfidenceHead {
  readonly kind = 'mlp' as const;
  readonly hiddenSize: number;
  /** h1 and h2. */
  readonly layerSizes: readonly [number, number];
  readonly weights: MlpHeadWeights;
  private readonly rows0: Float32Array[];
  private readonly rows2: Float32Array[];

  constructor(hiddenSize: number, weights: MlpHeadWeights) {
    if (!Number.isSafeInteger(hiddenSize) || hiddenSize < 1) throw new RangeError(`MLP head hidden size must be a positive integer, got ${hiddenSize}`);
    const h1 = weights.b0?.length ?? 0;
    const h2 = weights.b2?.length ?? 0;
    if (h1 === 0 || h2 === 0) throw new RangeError('MLP head biases 0.bias and 2.bias must be non-empty Float32Arrays');
    const expect = (name: string, array: Float32Array, size: number): void => {
      if (!(array instanceof Float32Array)) throw new RangeError(`MLP head tensor ${name} must be a Float32Array`);
      if (array.length !== size) throw new RangeError(`MLP head tensor ${name} has ${array.length} values, expected ${size}`);
    };
    expect('0.weight', weights.w0, h1 * hiddenSize);
    expect('0.bias', weights.b0, h1);
    expect('2.weight', weights.w2, h2 * h1);
    expect('2.bias', weights.b2, h2);
    expect('4.weight', weights.w4, h2);
    expect('4.bias', weights.b4, 1);
    this.hiddenSize = hiddenSize;
    this.layerSizes = [h1, h2];
    this.weights = weights;
    this.rows0 = Array.from({ length: h1 }, (_, i) => weights.w0.subarray(i * hiddenSize, (i + 1) * hiddenSize));
    this.rows2 = Array.from({ length: h2 }, (_, i) => weights.w2.subarray(i * h1, (i + 1) * h1));
  }

  get parameters(): readonly HeadParameter[] {
    const [h1, h2] = this.layerSizes;
    const w = this.weights;
    return [
      { name: '0.weight', shape: [h1, this.hiddenSize], data: w.w0 },
      { name: '0.bias', shape: [h1], data: w.b0 },
      { name: '2.weight', shape: [h2, h1], data: w.w2 },
      { name: '2.bias', shape: [h2], data: w.b2 },
      { name: '4.weight', shape: [1, h2], data: w.w4 },
      { name: '4.bias', shape: [1], data: w.b4 },
    ];
  }

  /** An independent copy (EliCal starts from an exact copy of the Eli-Only head). */
  clone(): MlpHead {
    const w = this.weights;
    return new MlpHead(this.hiddenSize, {
      w0: w.w0.slice(), b0: w.b0.slice(), w2: w.w2.slice(), b2: w.b2.slice(), w4: w.w4.slice(), b4: w.b4.slice(),
    });
  }

  predict(features: Float32Array, batchSize: number): Float32Array {
    const h = this.hiddenSize;
    checkFeatures(features, batchSize, h);
    const [h1, h2] = this.layerSizes;
    const { b0, b2, w4, b4 } = this.weights;
    const a1 = new Float32Array(h1);
    const a2 = new Float32Array(h2);
    const out = new Float32Array(batchSize);
    for (let row = 0; row < batchSize; row++) {
      const offset = row * h;
      for (let i = 0; i < h1; i++) {
        const z = dotRow(this.rows0[i], features, offset, h) + b0[i];
        a1[i] = z > 0 ? z : 0;
      }
      for (let i = 0; i < h2; i++) {
        const z = dotRow(this.rows2[i], a1, 0, h1) + b2[i];
        a2[i] = z > 0 ? z : 0;
      }
      out[row] = sigmoid(dotRow(w4, a2, 0, h2) + b4[0]);
    }
    return out;
  }
}
