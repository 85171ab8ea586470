import { checkScoredItems } from './checkScoredItems';
import { confidenceBin, CONFIDENCE_BIN_COUNT } from './confidenceBin';

/** One bar of a reliability diagram. */
export interface ReliabilityBin {
  /** Lower edge k/10 (included). */
  lower: number;
  /** Upper edge (k+1)/10 (excluded, except 1.0, which the last bin includes). */
  upper: number;
  /** Items whose confidence falls in the bin. */
  count: number;
  /** Mean confidence of those items; null when the bin is empty (JSON-friendly, unlike NaN). */
  meanConfidence: number | null;
  /** Share of those items that are correct; null when the bin is empty. */
  accuracy: number | null;
}

/**
 * The reliability diagram's data: for each of the same 10 bins ECE uses (confidenceBin), how
 * many items fall in it, their mean confidence and their accuracy.
 *
 * Definition: bin k (k = 0..9) holds items with confidenceBin(c) = k, i.e. [k/10, (k+1)/10), the
 * last bin [0.9, 1.0]; meanConfidence = mean of c, accuracy = mean of the 0/1 correctness. Always
 * returns 10 bins in increasing order, empty ones with count 0 and nulls. The ECE with 1.0 in the
 * last bin equals sum_k (count_k / N) * |meanConfidence_k - accuracy_k| over non-empty bins.
 * Range: count in 0..N (the counts sum to N); meanConfidence within the bin's edges; accuracy in [0, 1].
 * Errors: checkScoredItems' RangeErrors for bad input.
 * Worked example (also a unit test): conf [1.0, 1.0, 0.85, 0.25], correct [0, 0, 1, 0] -> bin 2
 * {count 1, meanConfidence 0.25, accuracy 0}, bin 8 {1, 0.85, 1}, bin 9 {2, 1.0, 0}, all others
 * empty.
 */
export function reliabilityBins(confidences: ArrayLike<number>, correct: ArrayLike<number>): ReliabilityBin[] {
  checkScoredItems(confidences, correct);
  const counts = new Array<number>(CONFIDENCE_BIN_COUNT).fill(0);
  const confidenceSums = new Array<number>(CONFIDENCE_BIN_COUNT).fill(0);
  const correctSums = new Array<number>(CONFIDENCE_BIN_COUNT).fill(0);
  for (let i = 0; i < confidences.length; i++) {
    const bin = confidenceBin(confidences[i]);
    counts[bin]++;
    confidenceSums[bin] += confidences[i];
    correctSums[bin] += correct[i];
  }
  return counts.map((count, k) => ({
    lower: k / CONFIDENCE_BIN_COUNT,
    upper: (k + 1) / CONFIDENCE_BIN_COUNT,
    count,
    meanConfidence: count === 0 ? null : confidenceSums[k] / count,
    accuracy: count === 0 ? null : correctSums[k] / count,
  }));
}
