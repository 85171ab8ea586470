/**
 * Scales gradients in place so their global L2 norm is at most `maxNorm`, as
 * `torch.nn.utils.clip_grad_norm_` (norm type 2) does, and returns the norm before clipping.
 *
 * Definition: N = sqrt(Σ over all gradients and entries of g²); coefficient
 * c = min(1, maxNorm / (N + 1e-6)); every entry becomes g × c. (The 1e-6 is PyTorch's guard
 * against division by zero, so a gradient of norm exactly maxNorm is scaled by a hair below 1.)
 * Ranges: returns N >= 0. Errors: RangeError when maxNorm is not > 0; a non-finite norm is
 * returned as is and the gradients are multiplied by NaN/0 exactly as PyTorch would (callers
 * check the loss).
 * Worked example (also a unit test): g = [[3], [4]] (N = 5), maxNorm 1 gives
 * c = 1 / 5.000001 and g ≈ [[0.59999988], [0.79999984]]; maxNorm 10 leaves g unchanged.
 */
export function clipGradientNorm(gradients: readonly (Float32Array | Float64Array)[], maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`maxNorm must be > 0, got ${maxNorm}`);
  let sumSquares = 0;
  for (const g of gradients) {
    for (let i = 0; i < g.length; i++) sumSquares += g[i] * g[i];
  }
  const norm = Math.sqrt(sumSquares);
  const coefficient = maxNorm / (norm + 1e-6);
  if (coefficient < 1) {
    for (const g of gradients) {
      for (let i = 0; i < g.length; i++) g[i] *= coefficient;
    }
  }
  return norm;
}
