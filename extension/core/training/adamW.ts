/** AdamW hyper-parameters (PyTorch's names in comments). */
export interface AdamWOptions {
  /** betas, default (0.9, 0.999) */
  beta1?: number;
  beta2?: number;
  /** eps, default 1e-8 */
  epsilon?: number;
  /** weight_decay, default 0.1 (the paper's value; PyTorch's own default is 0.01) */
  weightDecay?: number;
}

/**
 * AdamW (Loshchilov & Hutter), step for step as `torch.optim.AdamW` (amsgrad off, no maximize)
 * computes it, so heads trained here match heads trained by the reference.
 *
 * Definition, for each parameter p with gradient g at step t = 1, 2, .. and learning rate lr:
 *   p ← p × (1 − lr × weightDecay)                       (decoupled decay, before the moments)
 *   m ← β1 m + (1 − β1) g;   v ← β2 v + (1 − β2) g²
 *   p ← p − (lr / (1 − β1^t)) × m / (sqrt(v) / sqrt(1 − β2^t) + ε)
 * Decay applies to every parameter, biases included, as `AdamW(model.parameters())` does.
 * Moments are held in float64; parameters stay float32 (rounded after each step, as PyTorch's
 * float32 parameters are).
 * Ranges: lr >= 0; β in [0, 1); ε > 0; weightDecay >= 0. Errors: RangeError for any other value,
 * or gradients whose count or lengths differ from the parameters'.
 * Worked example (also a unit test): p = 1, g = 0.5, lr = 0.1, decay 0.1: p = 0.99, m = 0.05,
 * v = 0.00025, step = 0.1/0.1 × 0.05 / (0.0158113883/0.0316227766 + 1e-8) = 0.1 (to 1e-8),
 * so p = 0.89 (float32 0.88999998569...).
 */
export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly params: readonly Float32Array[];
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(params: readonly Float32Array[], options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.1;
    for (const [name, value] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(value >= 0 && value < 1)) throw new RangeError(`AdamW ${name} must lie in [0, 1), got ${value}`);
    }
    if (!(this.epsilon > 0)) throw new RangeError(`AdamW epsilon must be > 0, got ${this.epsilon}`);
    if (!(this.weightDecay >= 0)) throw new RangeError(`AdamW weightDecay must be >= 0, got ${this.weightDecay}`);
    this.params = params;
    this.m = params.map((p) => new Float64Array(p.length));
    this.v = params.map((p) => new Float64Array(p.length));
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.t;
  }

  /** One update of every parameter in place. */
  step(gradients: readonly (Float32Array | Float64Array)[], learningRate: number): void {
    if (!(learningRate >= 0) || !Number.isFinite(learningRate)) throw new RangeError(`AdamW learning rate must be a finite number >= 0, got ${learningRate}`);
    if (gradients.length !== this.params.length) {
      throw new RangeError(`AdamW got ${gradients.length} gradients for ${this.params.length} parameters`);
    }
    gradients.forEach((g, i) => {
      if (g.length !== this.params[i].length) throw new RangeError(`AdamW gradient ${i} has ${g.length} values, parameter has ${this.params[i].length}`);
    });
    this.t += 1;
    const { beta1, beta2, epsilon } = this;
    const decay = 1 - learningRate * this.weightDecay;
    const stepSize = learningRate / (1 - beta1 ** this.t);
    const correction2Sqrt = Math.sqrt(1 - beta2 ** this.t);
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k];
      const g = gradients[k];
      const m = this.m[k];
      const v = this.v[k];
      const n = p.length;
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const mi = beta1 * m[i] + oneMinusBeta1 * gi;
        const vi = beta2 * v[i] + oneMinusBeta2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * decay - stepSize * mi / (Math.sqrt(vi) / correction2Sqrt + epsilon);
      }
    }
  }
}
