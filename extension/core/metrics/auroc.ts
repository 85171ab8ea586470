import { checkScoredItems } from './checkScoredItems';
import { SingleClassError } from './singleClassError';

/**
 * Area under the ROC curve of confidence against correctness, as a fraction in [0, 1] (the paper
 * reports it x100; that scaling belongs to presentation).
 *
 * Definition: the probability that a randomly chosen correct item has a higher confidence than a
 * randomly chosen incorrect one, ties counting one half:
 *   AUROC = (1 / (P * N)) * sum over correct i, incorrect j of [c_i > c_j] + 0.5 [c_i = c_j],
 * with P correct and N incorrect items. This equals the trapezoidal area under the ROC curve
 * whose points are taken at each distinct confidence, which is what scikit-learn's
 * roc_auc_score computes, so tied confidences are averaged exactly as there.
 * Computed by sorting once and walking groups of equal confidence, accumulating pair counts as
 * integers and halves (exact in float64 up to about 10^7 items), then dividing once.
 * Range: 0 (every incorrect item ranked above every correct one) .. 0.5 (no discrimination, e.g.
 * all confidences equal) .. 1 (perfect separation).
 * Errors: checkScoredItems' RangeErrors for bad input; SingleClassError when every item has the
 * same correctness, where the ratio is 0/0.
 * Worked examples (also unit tests): conf [0.1, 0.4, 0.35, 0.8], correct [0, 0, 1, 1] -> 0.75;
 * with a tie, conf [0.5, 0.5, 0.2, 0.8], correct [1, 0, 0, 1] -> (0.5 + 1 + 1 + 1) / 4 = 0.875.
 */
export function auroc(confidences: ArrayLike<number>, correct: ArrayLike<number>): number {
  checkScoredItems(confidences, correct);
  const n = confidences.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => confidences[a] - confidences[b]);
  let positives = 0;
  let negativesBelow = 0;
  let pairScore = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    let groupPositives = 0;
    while (end < n && confidences[order[end]] === confidences[order[start]]) {
      groupPositives += correct[order[end]];
      end++;
    }
    const groupNegatives = end - start - groupPositives;
    pairScore += groupPositives * (negativesBelow + groupNegatives / 2);
    positives += groupPositives;
    negativesBelow += groupNegatives;
    start = end;
  }
  if (positives === 0 || negativesBelow === 0) {
    throw new SingleClassError('AUROC', positives === 0 ? 0 : 1, n);
  }
  return pairScore / (positives * negativesBelow);
}
