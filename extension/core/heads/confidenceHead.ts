/**
 * What every confidence head offers the scorer: features in, confidences out. A head maps the
 * final-layer hidden state of the last prompt token (docs/model-package.md) to the probability
 * that the model's greedy answer will be correct.
 */
export interface ConfidenceHead {
  /** `linear` = Linear(H, 1) + sigmoid; `mlp` = the paper's ablation H -> H/2 -> H/4 -> 1 + sigmoid. */
  readonly kind: 'linear' | 'mlp';
  /** H, the feature width the head expects. */
  readonly hiddenSize: number;
  /**
   * Confidences in [0, 1] for `batchSize` rows of `features` (row-major `[batchSize, hiddenSize]`).
   * Throws when `features.length !== batchSize * hiddenSize`.
   */
  predict(features: Float32Array, batchSize: number): Float32Array;
}

/**
 * One trainable tensor of a head, named as in the PyTorch state dict (so files load with
 * `load_state_dict`). `data` is the head's live storage: writing it changes the head.
 */
export interface HeadParameter {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}
