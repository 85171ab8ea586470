import { checkScoredItems } from './checkScoredItems';

/** One point of the risk–coverage curve: answer only items with confidence >= threshold. */
export interface RiskCoveragePoint {
  /** Items with confidence >= threshold are answered, the rest withheld. */
  threshold: number;
  /** Share of items answered, in (0, 1]. */
  coverage: number;
  /** Share of the answered items that are wrong (selective risk), in [0, 1]. */
  risk: number;
}

/** The risk–coverage curve and the prediction rejection ratio of one set of scored items. */
export interface RiskCoverage {
  /** One point per distinct confidence, from the highest threshold (lowest coverage) to coverage 1. */
  points: RiskCoveragePoint[];
  /** PRR, see riskCoverage(); null when all items are correct or all are wrong (0/0). */
  predictionRejectionRatio: number | null;
}

/**
 * What withholding the least confident answers buys: the risk–coverage curve and the
 * prediction rejection ratio (PRR).
 *
 * Curve: for each distinct confidence v, from the highest down, answer the items with
 * confidence >= v: coverage = answered / N, risk = wrong among answered / answered (1 minus the
 * selective accuracy). Taking whole groups of equal confidence keeps the curve independent of
 * the order of tied items.
 * PRR (the rejection-curve definition of Malinin et al.): reject the j least confident items,
 * j = 0..N, and let E(j) = (wrong items still answered) / N. Within a group of g tied items
 * holding e wrong ones, each rejection removes e/g expected errors (the average over all orders
 * of the tie), so E is piecewise linear. With A = area under E over the rejected share 0..1:
 *   A_random = (M / N) / 2                (E falls linearly from M/N to 0; M = wrong items)
 *   A_oracle = (M / N)^2 / 2              (wrong items rejected first)
 *   PRR = (A_random - A_model) / (A_random - A_oracle),
 * i.e. the area between the random and the model curves over the area between the random and
 * the oracle curves. PRR = 1 for perfect ranking, 0 for random, negative when worse than random
 * (-1 when every wrong item is more confident than every right one); null when M = 0 or M = N.
 * For 0/1 correctness this PRR equals 2 * AUROC - 1 (both average over the orders of tied items),
 * so it restates AUROC on the scale users of rejection curves expect; the unit tests check that.
 * Errors: checkScoredItems' RangeErrors for bad input.
 * Worked example (also a unit test): conf [0.9, 0.8, 0.3, 0.2], correct [1, 0, 1, 0].
 * Points: (0.9, 0.25, 0), (0.8, 0.5, 0.5), (0.3, 0.75, 1/3), (0.2, 1, 0.5). Rejecting 0.2, 0.3,
 * 0.8, 0.9 in turn, E = [2, 1, 1, 0, 0] / 4, so A_model = (1.5 + 1 + 0.5 + 0) / 16 = 0.1875,
 * A_random = 0.25, A_oracle = 0.125, PRR = 0.0625 / 0.125 = 0.5.
 */
export function riskCoverage(confidences: ArrayLike<number>, correct: ArrayLike<number>): RiskCoverage {
  checkScoredItems(confidences, correct);
  const n = confidences.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => confidences[b] - confidences[a]);
  // Groups of equal confidence, most confident first: [value, size, wrong].
  const groups: Array<{ value: number; size: number; wrong: number }> = [];
  for (const index of order) {
    const last = groups[groups.length - 1];
    const wrong = 1 - correct[index];
    if (last !== undefined && last.value === confidences[index]) {
      last.size++;
      last.wrong += wrong;
    } else {
      groups.push({ value: confidences[index], size: 1, wrong });
    }
  }
  const points: RiskCoveragePoint[] = [];
  let answered = 0;
  let answeredWrong = 0;
  for (const group of groups) {
    answered += group.size;
    answeredWrong += group.wrong;
    points.push({ threshold: group.value, coverage: answered / n, risk: answeredWrong / answered });
  }
  const totalWrong = answeredWrong;
  if (totalWrong === 0 || totalWrong === n) return { points, predictionRejectionRatio: null };

  // Least confident groups are rejected first. Sum trapezoids in units of items (errors x items)
  // and scale by 1/N^2 once at the end.
  let remainingWrong = totalWrong;
  let modelArea = 0;
  for (let g = groups.length - 1; g >= 0; g--) {
    const { size, wrong } = groups[g];
    modelArea += ((2 * remainingWrong - wrong) / 2) * size;
    remainingWrong -= wrong;
  }
  modelArea /= n * n;
  const errorRate = totalWrong / n;
  const randomArea = errorRate / 2;
  const oracleArea = (errorRate * errorRate) / 2;
  return { points, predictionRejectionRatio: (randomArea - modelArea) / (randomArea - oracleArea) };
}
