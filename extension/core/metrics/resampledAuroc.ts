import { checkScoredItems } from './checkScoredItems';

/**
 * AUROC of many resamples of one item set (bootstrap), sorting the items once instead of once per
 * resample. Returns a function of a resample, given as the item indices it drew (repeats
 * allowed, any order), that gives the resample's AUROC, or null where auroc() would throw
 * SingleClassError (the resample holds one correctness class only).
 *
 * Definition: the items are sorted by confidence once and split into groups of equal confidence
 * (ascending, equality by ===, as auroc() groups them). For a resample, P_g and N_g are how many of
 * its draws are correct / incorrect items of group g. Then, walking the groups in ascending order,
 *   pairScore = sum_g P_g * (N_below_g + N_g / 2),  AUROC = pairScore / (P * N),
 * with N_below_g the incorrect draws in groups before g, P and N the totals. This is auroc()'s own
 * walk over the resample's sorted values: a group the resample did not draw adds exactly 0 to
 * every sum, and all sums are integers or halves (exact in float64), so the result equals auroc()
 * on the resample bit for bit, ties included.
 * Cost: O(n log n) once, then O(draws + groups) per resample instead of O(draws log draws).
 * Errors: checkScoredItems' RangeErrors for the items; draws must be valid indices (unchecked,
 * the caller draws them).
 * Worked example (also a unit test): conf [0.5, 0.2, 0.8], correct [1, 0, 1]; the draw [0, 0, 1]
 * holds 0.5 (1) twice above 0.2 (0): AUROC 1; the draw [0, 2, 0] has no incorrect item: null.
 */
export function resampledAuroc(confidences: ArrayLike<number>, correct: ArrayLike<number>): (drawn: ArrayLike<number>) => number | null {
  checkScoredItems(confidences, correct);
  const n = confidences.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => confidences[a] - confidences[b]);
  // Each item's counter: 2 g + correctness for its group g, so a draw is one increment, no branch.
  const slotOf = new Int32Array(n);
  let groups = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0 && confidences[order[k]] !== confidences[order[k - 1]]) groups++;
    slotOf[order[k]] = 2 * groups + correct[order[k]];
  }
  groups++;
  // Reused between calls: the returned function is synchronous and not re-entrant.
  const drawsIn = new Int32Array(2 * groups);
  return (drawn) => {
    drawsIn.fill(0);
    for (let t = 0; t < drawn.length; t++) drawsIn[slotOf[drawn[t]]]++;
    let positives = 0;
    let negativesBelow = 0;
    let pairScore = 0;
    for (let g = 0; g < groups; g++) {
      const groupNegatives = drawsIn[2 * g];
      const groupPositives = drawsIn[2 * g + 1];
      pairScore += groupPositives * (negativesBelow + groupNegatives / 2);
      positives += groupPositives;
      negativesBelow += groupNegatives;
    }
    if (positives === 0 || negativesBelow === 0) return null;
    return pairScore / (positives * negativesBelow);
  };
}
