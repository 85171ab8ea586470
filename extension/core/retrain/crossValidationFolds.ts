import { createSeededRandom, shuffleInPlace } from '../math/seededRandom';

/**
 * The test rows of each fold of a seeded k-fold cross-validation over n labelled items: every
 * item is tested exactly once, by a head that never trained on it.
 *
 * Definition: shuffle [0, 1, .., n-1] once with `shuffleInPlace(createSeededRandom(seed))`; the
 * item at permutation position p belongs to fold p mod k; each fold is returned sorted ascending.
 * Fold sizes therefore differ by at most one (the first n mod k folds get the extra item).
 * Deterministic: the same n, k and seed always give the same folds.
 * Errors: RangeError when n is not a non-negative integer, or k is not an integer in 2..n.
 * Worked example (also a unit test): n = 5, k = 2, seed 42: the permutation is [0, 4, 2, 1, 3],
 * so fold 0 takes positions 0, 2, 4 -> [0, 2, 3] and fold 1 takes positions 1, 3 -> [1, 4].
 */
export function crossValidationFolds(n: number, k: number, seed: number): number[][] {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isSafeInteger(k) || k < 2 || k > n) throw new RangeError(`k-fold cross-validation needs an integer k in 2..n (n = ${n}), got ${k}`);
  const order = shuffleInPlace(Array.from({ length: n }, (_, i) => i), createSeededRandom(seed));
  const folds: number[][] = Array.from({ length: k }, () => []);
  order.forEach((row, position) => folds[position % k].push(row));
  return folds.map((fold) => fold.sort((a, b) => a - b));
}
