import { checkScoredItems } from './checkScoredItems';

/**
 * Brier score: the mean squared difference between confidence and 0/1 correctness.
 *
 * Definition: (1/N) * sum_i (c_i - y_i)^2. It is also the MSE loss the heads are trained on,
 * evaluated against hard labels. Lower is better.
 * Range: 0 (certain and right every time) .. 1 (certain and wrong every time); always answering
 * 0.5 scores 0.25.
 * Errors: checkScoredItems' RangeErrors for bad input. A single correctness class is fine.
 * Worked example (also a unit test): conf [0.9, 0.2, 0.6], correct [1, 0, 0] ->
 * (0.01 + 0.04 + 0.36) / 3 = 0.13666666666666666.
 */
export function brier(confidences: ArrayLike<number>, correct: ArrayLike<number>): number {
  checkScoredItems(confidences, correct);
  let sum = 0;
  for (let i = 0; i < confidences.length; i++) sum += (confidences[i] - correct[i]) ** 2;
  return sum / confidences.length;
}
