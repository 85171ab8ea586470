/**
 * A seeded pseudo-random source for everything in the product that must be reproducible
 * (bootstrap resamples, shuffled training subsets), plus the shuffle that consumes it.
 * Math.random() cannot be seeded, so runs with it could not be repeated or tested.
 */

/** Added to the state on every draw (Weyl sequence); odd, so the state visits all 2^32 values. */
const WEYL_INCREMENT = 0x6d2b79f5;
const TWO_POW_32 = 4294967296;

/**
 * Returns a generator of floats in [0, 1), using the mulberry32 algorithm.
 *
 * Definition: a 32-bit state s starts at seed mod 2^32. Each draw does
 *   s = (s + 0x6D2B79F5) mod 2^32
 *   t = (s XOR (s >>> 15)) * (s | 1)                  (32-bit multiply)
 *   t = t XOR (t + (t XOR (t >>> 7)) * (t | 61))      (32-bit arithmetic)
 *   out = (t XOR (t >>> 14)) as unsigned / 2^32
 * so every output is k / 2^32 for an integer k in [0, 2^32 - 1]: never 1, and 0 only rarely.
 * Period 2^32 draws; statistically good enough for shuffles and bootstrap resampling, not for
 * cryptography.
 * Seed: any safe integer; negative seeds wrap modulo 2^32 (-1 is the same as 4294967295).
 * Two generators from the same seed yield the same sequence.
 * Errors: RangeError when the seed is not an integer (NaN, 1.5, Infinity), because silently
 * truncating it would make two "different" seeds give one stream.
 * Worked example (also a unit test, values checked against an independent Python version):
 * createSeededRandom(42) yields 0.6011037519201636, 0.44829055899754167, 0.8524657934904099.
 */
export function createSeededRandom(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`createSeededRandom: seed must be a safe integer, got ${seed}`);
  }
  // Reduce modulo 2^32 first: `| 0` alone on a value above 2^53 would not be a true modulo.
  let state = ((seed % TWO_POW_32) + TWO_POW_32) % TWO_POW_32 | 0;
  return (): number => {
    state = (state + WEYL_INCREMENT) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

/**
 * Shuffles `items` in place (Fisher–Yates, from the last position down) and returns the same
 * array, so that every permutation is equally likely given a uniform `random`.
 *
 * Definition: for i = n-1 down to 1, j = floor(random() * (i + 1)), swap items[i] and items[j].
 * Uses exactly n - 1 draws (none for n <= 1), so a caller can predict how far the stream moves.
 * Errors: RangeError when random() returns anything outside [0, 1) (including NaN); items already
 * swapped stay swapped, so pass a copy if that matters.
 * Worked example (also a unit test): shuffleInPlace([1, 2, 3, 4, 5], createSeededRandom(42))
 * gives [1, 5, 3, 2, 4] (draws 0.601.. -> j=3 for i=4, 0.448.. -> j=1 for i=3,
 * 0.852.. -> j=2 for i=2, 0.669.. -> j=1 for i=1; the last two swap an item with itself).
 */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const u = random();
    if (!(u >= 0 && u < 1)) throw new RangeError(`shuffleInPlace: random() must return a number in [0, 1), got ${u}`);
    const j = Math.floor(u * (i + 1));
    const held = items[i];
    items[i] = items[j];
    items[j] = held;
  }
  return items;
}
