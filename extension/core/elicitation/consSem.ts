/**
 * Cons-Sem (elical.md, "Baselines"): the share of sampled answers judged to mean the same as the
 * greedy answer, i.e. mean(consistency_judgement). It is also the Eli-Only training target.
 * Definition: (1/m) * sum_j judgement_j over m >= 1 judgements, each 0 or 1.
 * Range: [0, 1] in steps of 1/m (1/20 with the paper's 20 samples).
 * Errors: RangeError for no judgements (the score is undefined) or a value other than 0 / 1,
 * naming its index.
 * Worked example (also a unit test): [1, 0, 1, 1] -> 0.75.
 */
export function consSem(judgements: ArrayLike<number>): number {
  if (judgements.length === 0) throw new RangeError('Cons-Sem needs at least one consistency judgement');
  let sum = 0;
  for (let i = 0; i < judgements.length; i++) {
    const value = judgements[i];
    if (value !== 0 && value !== 1) throw new RangeError(`consistency judgement at index ${i} is ${String(value)}; judgements must be 0 or 1`);
    sum += value;
  }
  return sum / judgements.length;
}
