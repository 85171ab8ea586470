import { checkScoredItems } from './checkScoredItems';
import { confidenceBin, CONFIDENCE_BIN_COUNT } from './confidenceBin';

/** Options of calibrationError. */
export interface CalibrationErrorOptions {
  /**
   * Reproduce the reference code: confidences of exactly 1.0 are left out of every bin (they land
   * in an 11th bin that is never summed) but still count in N. Only for comparing with published
   * numbers; it hides confidently wrong answers. Default false.
   */
  paperCompatible?: boolean;
}

/**
 * Expected calibration error (ECE) with 10 equal-width bins, as a fraction in [0, 1].
 *
 * Definition: ECE = sum over non-empty bins b of (|B_b| / N) * |mean confidence in b - accuracy in b|,
 * where N is the number of items and accuracy is the mean of the 0/1 correctness. Bins are those
 * of confidenceBin: [k/10, (k+1)/10), the last one [0.9, 1.0] including 1.0.
 * paperCompatible: items with confidence exactly 1.0 are dropped from the sum but N stays the
 * full count (the reference's behaviour); nothing else changes.
 * Range: 0 (each bin's mean confidence equals its accuracy) .. 1 (e.g. every item at confidence 1
 * and wrong).
 * Errors: checkScoredItems' RangeErrors for bad input. A single correctness class is fine.
 * Worked example (also a unit test, from the spec): conf [1.0, 1.0, 0.85, 0.25], correct
 * [0, 0, 1, 0]: |1.0 - 0| * 2/4 + |0.85 - 1| * 1/4 + |0.25 - 0| * 1/4 = 0.6; with
 * paperCompatible the two confidently wrong answers vanish: 0.15/4 + 0.25/4 = 0.1.
 */
export function calibrationError(
  confidences: ArrayLike<number>,
  correct: ArrayLike<number>,
  options: CalibrationErrorOptions = {},
): number {
  checkScoredItems(confidences, correct);
  const counts = new Array<number>(CONFIDENCE_BIN_COUNT).fill(0);
  const confidenceSums = new Array<number>(CONFIDENCE_BIN_COUNT).fill(0);
  const correctSums = new Array<number>(CONFIDENCE_BIN_COUNT).fill(0);
  for (let i = 0; i < confidences.length; i++) {
    if (options.paperCompatible === true && confidences[i] === 1) continue;
    const bin = confidenceBin(confidences[i]);
    counts[bin]++;
    confidenceSums[bin] += confidences[i];
    correctSums[bin] += correct[i];
  }
  let total = 0;
  for (let bin = 0; bin < CONFIDENCE_BIN_COUNT; bin++) {
    if (counts[bin] === 0) continue;
    // (count / N) * |sum_c / count - sum_y / count| = |sum_c - sum_y| / N: one division, less rounding.
    total += Math.abs(confidenceSums[bin] - correctSums[bin]);
  }
  return total / confidences.length;
}
