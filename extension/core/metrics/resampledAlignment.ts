import { DEFAULT_ALIGNMENT_THRESHOLD } from './alignment';
import { checkScoredItems } from './checkScoredItems';

/** Grid thresholds tau = k / 100, k = 1..THRESHOLD_STEPS, as alignment() tries them. */
const THRESHOLD_STEPS = 99;
/** alignment()'s default tau as a grid step: 50 / 100 is exactly 0.5 in float64. */
const DEFAULT_STEP = Math.round(DEFAULT_ALIGNMENT_THRESHOLD * 100);

/**
 * alignment().accuracy of many resamples of one item set (bootstrap), without trying all 99
 * thresholds on every tuning item of every resample. Returns a function of a resample, given as
 * the item indices it drew in draw order (order matters: the first floor(m / 5) draws tune tau),
 * that gives the resample's accuracy.
 *
 * Definition: each item gets once its step K = the number of k in 1..99 with c >= k / 100 (the
 * same float64 tau alignment() compares with); since k / 100 increases with k, "c >= k / 100"
 * is exactly "K >= k". For a resample of m draws with T = floor(m / 5) tuning draws, count the
 * tuning draws per (K, correctness); then for each k, predicted-correct = tuning draws with
 * K >= k and hits = correct draws with K >= k + incorrect draws with K < k, and tau is chosen by
 * alignment()'s rule (skip a k that predicts one class for all T; the highest hits wins, ties to
 * the smallest k; none left: 0.5, i.e. step 50). The accuracy is the share of the other m - T
 * draws with (K >= chosen k) equal to their correctness. Every count is an integer, so this is
 * alignment() on the resample, bit for bit.
 * Cost: O(n) once, then O(m + 99) per resample instead of O(99 T + m).
 * Errors: checkScoredItems' RangeErrors for the items; draws must be valid indices (unchecked).
 * Worked example (also a unit test): conf [0.9, 0.2, 0.4], correct [1, 0, 1]; the draw
 * [0, 1, 0, 2, 1] tunes on its first draw only (T = 1; one item cannot be split), so tau = 0.5;
 * of the other draws 0.2 (0), 0.9 (1), 0.4 (1), 0.2 (0) only 0.4 is misjudged: accuracy 3 / 4.
 */
export function resampledAlignment(confidences: ArrayLike<number>, correct: ArrayLike<number>): (drawn: ArrayLike<number>) => number {
  checkScoredItems(confidences, correct);
  const n = confidences.length;
  // Each item as 2 K + correctness: one read per draw, and a tuning draw is one branch-free increment.
  const codeOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let step = 0;
    while (step < THRESHOLD_STEPS && confidences[i] >= (step + 1) / 100) step++;
    codeOf[i] = 2 * step + correct[i];
  }
  // Reused between calls: tuning draws per code, then per step k those at k or above.
  const tuningDraws = new Int32Array(2 * (THRESHOLD_STEPS + 1));
  const correctAtLeast = new Int32Array(THRESHOLD_STEPS + 2);
  const incorrectAtLeast = new Int32Array(THRESHOLD_STEPS + 2);
  return (drawn) => {
    const m = drawn.length;
    const tuningCount = Math.floor(m / 5);
    tuningDraws.fill(0);
    for (let t = 0; t < tuningCount; t++) tuningDraws[codeOf[drawn[t]]]++;
    for (let k = 0; k <= THRESHOLD_STEPS; k++) {
      incorrectAtLeast[k] = tuningDraws[2 * k];
      correctAtLeast[k] = tuningDraws[2 * k + 1];
    }
    for (let k = THRESHOLD_STEPS - 1; k >= 0; k--) {
      correctAtLeast[k] += correctAtLeast[k + 1];
      incorrectAtLeast[k] += incorrectAtLeast[k + 1];
    }
    const incorrectTotal = incorrectAtLeast[0];
    let chosen = DEFAULT_STEP;
    let bestHits = -1;
    for (let k = 1; k <= THRESHOLD_STEPS; k++) {
      const predictedCorrect = correctAtLeast[k] + incorrectAtLeast[k];
      if (predictedCorrect === 0 || predictedCorrect === tuningCount) continue;
      const hits = correctAtLeast[k] + incorrectTotal - incorrectAtLeast[k];
      if (hits > bestHits) {
        bestHits = hits;
        chosen = k;
      }
    }
    let evaluationHits = 0;
    // K >= chosen exactly when the code is at least 2 chosen; the code's low bit is the correctness.
    const firstPredictedCorrect = 2 * chosen;
    for (let t = tuningCount; t < m; t++) {
      const code = codeOf[drawn[t]];
      if ((code >= firstPredictedCorrect ? 1 : 0) === (code & 1)) evaluationHits++;
    }
    return evaluationHits / (m - tuningCount);
  };
}
