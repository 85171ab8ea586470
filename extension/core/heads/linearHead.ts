import { dotRow } from '../math/dotRow';
import { sigmoid } from '../math/sigmoid';
import { checkFeatures } from './checkFeatures';
import { ConfidenceHead, HeadParameter } from './confidenceHead';

/**
 * The linear confidence head: `nn.Linear(H, 1)` then sigmoid.
 *
 * Definition: confidence_b = σ(Σ_j weight_j · x_bj + bias) for each row b of the row-major
 * features; the dot product accumulates in float64 and the result is stored as float32.
 * Parameters (PyTorch state-dict names): `weight` shape [1, H], `bias` shape [1].
 * Range: [0, 1]. Errors: a weight of length 0, a bias that is not one value, or features whose
 * length is not batchSize × H (RangeError naming both numbers).
 * Worked example (also a unit test): weight [1, 2], bias -1, features [1, 0.5] give
 * z = 1 + 1 - 1 = 1 and confidence σ(1) = 0.7310585786 (float32 0.7310585975646973).
 *
 * The constructor takes ownership of the arrays (no copy): the trainer updates them in place.
 */
export class LinearHead implements ConfidenceHead {
  readonly kind = 'linear' as const;
  readonly hiddenSize: number;
  readonly weight: Float32Array;
  /** One value; an array so the trainer can update it in place like every other parameter. */
  readonly bias: Float32Array;

  constructor(weight: Float32Array, bias: number | Float32Array) {
    if (!(weight instanceof Float32Array) || weight.length === 0) throw new RangeError('linear head weight must be a non-empty Float32Array');
    const biasArray = typeof bias === 'number' ? Float32Array.of(bias) : bias;
    if (!(biasArray instanceof Float32Array) || biasArray.length !== 1) throw new RangeError('linear head bias must be one value');
    this.hiddenSize = weight.length;
    this.weight = weight;
    this.bias = biasArray;
  }

  get parameters(): readonly HeadParameter[] {
    return [
      { name: 'weight', shape: [1, this.hiddenSize], data: this.weight },
      { name: 'bias', shape: [1], data: this.bias },
    ];
  }

  /** An independent copy (EliCal starts from an exact copy of the Eli-Only head). */
  clone(): LinearHead {
    return new LinearHead(this.weight.slice(), this.bias.slice());
  }

  predict(features: Float32Array, batchSize: number): Float32Array {
    const h = this.hiddenSize;
    checkFeatures(features, batchSize, h);
    const out = new Float32Array(batchSize);
    const w = this.weight;
    const b = this.bias[0];
    for (let row = 0; row < batchSize; row++) {
      out[row] = sigmoid(dotRow(w, features, row * h, h) + b);
    }
    return out;
  }
}
