import { checkScoredItems } from './checkScoredItems';

/** What alignment() measured, with the threshold it chose and on how many items. */
export interface AlignmentResult {
  /** Accuracy of "confidence >= threshold means correct" on the evaluation items, in [0, 1]. */
  accuracy: number;
  /** The chosen tau, one of 0.01, 0.02, .., 0.99, or the default 0.5. */
  threshold: number;
  /** False when no grid threshold split the tuning items into two classes, so 0.5 was used. */
  thresholdTuned: boolean;
  /** Items used to choose tau: the first floor(n / 5) in input order. */
  tuningCount: number;
  /** Items the accuracy is measured on: the remaining n - floor(n / 5). */
  evaluationCount: number;
}

/** tau when no grid threshold separates the tuning items. */
export const DEFAULT_ALIGNMENT_THRESHOLD = 0.5;

/**
 * The paper's Alignment metric: how often the decision "confidence >= tau means the answer is
 * correct" is right, with tau tuned on held-out items first.
 *
 * Protocol, exactly as the spec states it:
 *  1. The first floor(n / 5) items in input (file) order are the tuning slice; the rest are the
 *     evaluation slice. floor, like Python's int(n * 0.2), so the evaluation slice never shrinks
 *     below 80 %; for n = 12 that is 2 tuning and 10 evaluation items.
 *  2. For tau = k / 100, k = 1..99 in increasing order (the decimals 0.01 .. 0.99 themselves, not
 *     an accumulated 0.01 step), predict "correct" when confidence >= tau. Skip any tau under
 *     which every tuning item gets the same prediction. Among the rest, keep the tau with the
 *     highest tuning accuracy; ties keep the smallest tau.
 *  3. If no tau survives step 2, tau = 0.5 (thresholdTuned = false).
 *  4. accuracy = share of evaluation items whose prediction matches their correctness.
 * Tiny inputs: n < 5 gives an empty tuning slice, so tau = 0.5 and all n items are evaluated;
 * n = 5..9 tunes on one item, which can never be split, so tau is again 0.5. Callers that need a
 * tuned tau check thresholdTuned.
 * Range: accuracy in [0, 1] (the paper reports it x100).
 * Errors: checkScoredItems' RangeErrors for bad input. A single correctness class is fine.
 * Worked example (also a unit test, from the spec): conf [.9, .2, .7, .4, .8, .6, .3, .95, .1, .5],
 * correct [1, 0, 1, 0, 1, 1, 0, 1, 0, 0]. Tuning slice [.9 (1), .2 (0)]: every tau <= 0.2 or
 * > 0.9 predicts one class and is skipped; 0.21..0.90 all score 1.0, so tau = 0.21. On the other
 * 8 items, only .4 (0), .3 (0) and .5 (0) are misjudged: accuracy 5/8 = 0.625 (Alignment 62.5).
 */
export function alignment(confidences: ArrayLike<number>, correct: ArrayLike<number>): AlignmentResult {
  checkScoredItems(confidences, correct);
  const n = confidences.length;
  const tuningCount = Math.floor(n / 5);
  let threshold = DEFAULT_ALIGNMENT_THRESHOLD;
  let thresholdTuned = false;
  let bestHits = -1;
  for (let k = 1; k <= 99; k++) {
    const tau = k / 100;
    let predictedCorrect = 0;
    let hits = 0;
    for (let i = 0; i < tuningCount; i++) {
      const prediction = confidences[i] >= tau ? 1 : 0;
      predictedCorrect += prediction;
      if (prediction === correct[i]) hits++;
    }
    if (predictedCorrect === 0 || predictedCorrect === tuningCount) continue;
    // Strictly greater: a later (larger) tau with the same accuracy does not replace the earlier.
    if (hits > bestHits) {
      bestHits = hits;
      threshold = tau;
      thresholdTuned = true;
    }
  }
  let evaluationHits = 0;
  for (let i = tuningCount; i < n; i++) {
    if ((confidences[i] >= threshold ? 1 : 0) === correct[i]) evaluationHits++;
  }
  return { accuracy: evaluationHits / (n - tuningCount), threshold, thresholdTuned, tuningCount, evaluationCount: n - tuningCount };
}
