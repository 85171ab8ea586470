/**
 * The learning-rate schedule of the paper's training: linear warm-up over the first 10 % of the
 * optimiser steps, then linear decay to 0 at the last step; the semantics of Hugging Face's
 * `get_linear_schedule_with_warmup` driven through PyTorch's `LambdaLR`.
 *
 * Definition: for optimiser step s = 0, 1, .., T - 1 (s counts the steps already taken, so the
 * first update uses s = 0) with W warm-up steps,
 *   factor(s) = s / max(1, W)                     when s < W,
 *   factor(s) = max(0, (T - s) / max(1, T - W))   otherwise,
 * and the learning rate of that step is baseLr × factor(s). Note the first update therefore uses
 * a learning rate of 0 whenever W > 0, exactly as in PyTorch (the moments still update).
 * Ranges: factor in [0, 1]. Errors: RangeError for negative or non-integer s, T or W.
 * Worked example (also a unit test): T = 10, W = 1 gives factors 0, 1, 8/9, 7/9, .., 1/9 for
 * s = 0..9; T = 20, W = 2 gives 0, 0.5, 1, 17/18 for s = 0..3.
 */
export function linearWarmupFactor(step: number, totalSteps: number, warmupSteps: number): number {
  for (const [name, value] of [['step', step], ['totalSteps', totalSteps], ['warmupSteps', warmupSteps]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}

/**
 * Warm-up steps for a warm-up share of the total: W = ceil(ratio × T), as the Hugging Face
 * Trainer derives it from `warmup_ratio`. Ratio in [0, 1]; RangeError otherwise.
 * Worked example (also a unit test): T = 98, ratio 0.1 gives W = 10; T = 10 gives 1; T = 0 gives 0.
 */
export function warmupStepsFor(totalSteps: number, ratio: number): number {
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`warm-up ratio must lie in [0, 1], got ${ratio}`);
  if (!Number.isSafeInteger(totalSteps) || totalSteps < 0) throw new RangeError(`totalSteps must be a non-negative integer, got ${totalSteps}`);
  // The plain float64 product, as Python computes it, so both round up in the same cases.
  return Math.ceil(ratio * totalSteps);
}
