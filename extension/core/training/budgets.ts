import { createSeededRandom, shuffleInPlace } from '../math/seededRandom';

/** One budget's subset: sorted row indices. `budget` null means all rows. */
export interface BudgetSubset {
  budget: number | null;
  indices: number[];
}

/**
 * The training subsets for label budgets: nested (the 100-subset lies inside the 200-subset and
 * so on), and identical for Cal-Only and EliCal because both call this with the same n and seed
 * (the paper compares the families on the identical k questions).
 *
 * Definition: shuffle [0, 1, .., n-1] once with `shuffleInPlace(createSeededRandom(seed))`; the
 * subset for budget k is the first k of that permutation, sorted ascending (file order); budget
 * null is every row. Results follow the order of `budgets`.
 * Errors: RangeError when n is not a non-negative integer, or a budget is not a positive integer
 * or exceeds n (the message names the budget and n: training on fewer labels than asked would
 * mislabel a result).
 * Worked example (also a unit test): n = 5, budgets [2, 4], seed 42: the permutation is
 * [0, 4, 2, 1, 3], so budget 2 -> [0, 4] and budget 4 -> [0, 1, 2, 4].
 */
export function selectBudgetSubsets(n: number, budgets: readonly (number | null)[], seed: number): BudgetSubset[] {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  for (const budget of budgets) {
    if (budget === null) continue;
    if (!Number.isSafeInteger(budget) || budget < 1) throw new RangeError(`budget must be a positive integer or null (all), got ${budget}`);
    if (budget > n) throw new RangeError(`budget ${budget} exceeds the ${n} available items`);
  }
  const order = shuffleInPlace(Array.from({ length: n }, (_, i) => i), createSeededRandom(seed));
  return budgets.map((budget) => ({
    budget,
    indices: (budget === null ? order.slice() : order.slice(0, budget)).sort((a, b) => a - b),
  }));
}

/** A training pool split into the rows to fit and the rows that pick the epoch. */
export interface ValidationSplit {
  train: number[];
  validation: number[];
}

/**
 * Holds out a seeded share of a training pool for model selection (early stopping, best epoch):
 * never the evaluation data, which the reference code wrongly used.
 *
 * Definition: v = round(share × n) rows go to validation, clamped to [1, n - 1] when share > 0 and
 * n >= 2 (so both sides are non-empty), 0 when share is 0 or n < 2. The pool (in the given order)
 * is shuffled with `shuffleInPlace(createSeededRandom(seed))`; the first v become validation; both
 * lists are returned sorted ascending.
 * Errors: RangeError when share is outside [0, 1) or the pool holds duplicates.
 * Worked example (also a unit test): rows [10, 11, 12, 13, 14], share 0.2, seed 42: the shuffle
 * gives [10, 14, 12, 11, 13]; validation [10], train [11, 12, 13, 14].
 */
export function splitValidation(rows: readonly number[], share: number, seed: number): ValidationSplit {
  if (!(share >= 0 && share < 1)) throw new RangeError(`validation share must lie in [0, 1), got ${share}`);
  if (new Set(rows).size !== rows.length) throw new RangeError('the training pool holds duplicate rows');
  const n = rows.length;
  const count = share === 0 || n < 2 ? 0 : Math.min(n - 1, Math.max(1, Math.round(share * n)));
  const order = shuffleInPlace(rows.slice(), createSeededRandom(seed));
  return {
    train: order.slice(count).sort((a, b) => a - b),
    validation: order.slice(0, count).sort((a, b) => a - b),
  };
}
