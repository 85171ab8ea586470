import { createSeededRandom, shuffleInPlace } from '../math/seededRandom';

/**
 * The seeded row order of every training epoch. The trainer takes its batches from it, and a
 * test can replay the same orders in PyTorch, so both train on identical mini-batches.
 *
 * Definition: one generator `createSeededRandom(seed)`; epoch e (1, 2, ..) is
 * `shuffleInPlace(copy of rows, generator)`, the generator continuing from epoch e - 1 (each epoch
 * is a fresh permutation of the rows as given, like PyTorch's RandomSampler drawing a new randperm).
 * Errors: RangeError for a non-integer seed (from createSeededRandom).
 * Worked example (also a unit test): rows [0, 1, 2, 3, 4], seed 42: epoch 1 is [0, 4, 2, 1, 3].
 */
export function createEpochOrders(rows: ArrayLike<number>, seed: number): () => Int32Array {
  const base = Array.from(rows);
  const random = createSeededRandom(seed);
  return () => Int32Array.from(shuffleInPlace(base.slice(), random));
}
