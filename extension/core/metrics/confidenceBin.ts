/**
 * Which of the 10 equal-width calibration bins a confidence falls in. Shared by ECE and the
 * reliability diagram so that both always agree on every item's bin.
 */

/** Number of equal-width bins over [0, 1], as in the paper. */
export const CONFIDENCE_BIN_COUNT = 10;

/**
 * Bin index in 0..9 of a confidence c in [0, 1]: the number of edges e_k = k / 10 (k = 1..9, each
 * the float64 nearest the decimal, i.e. the literal 0.1, 0.2, ..) with c >= e_k.
 * Bins: bin k covers [e_k, e_(k+1)) (lower edge included, upper excluded), except bin 9, which
 * covers [0.9, 1.0] so that a confidence of exactly 1.0 is counted (the reference code's
 * 11th, never-read bin is handled by calibrationError's paper-compatible option, not here).
 * Edges: a confidence written as a decimal edge (0.3, 0.7, ...) lands in the bin it opens, and
 * the float64 just below it in the bin before. Why not just floor(10 * c): the product rounds,
 * so the double just below 0.9 (0.8999999999999999) would land in bin 9; floor is used only as a
 * first guess and corrected by comparing with the edges.
 * The input is not validated here (callers run checkScoredItems first).
 * Worked example (also a unit test): 0 -> 0, 0.05 -> 0, 0.3 -> 3, 0.29 -> 2, 0.85 -> 8,
 * 0.8999999999999999 -> 8, 0.9 -> 9, 1.0 -> 9.
 */
export function confidenceBin(confidence: number): number {
  let bin = Math.min(Math.floor(confidence * CONFIDENCE_BIN_COUNT), CONFIDENCE_BIN_COUNT - 1);
  // floor(10c) is off by at most one near an edge; the comparisons define the bin.
  if (bin > 0 && confidence < bin / CONFIDENCE_BIN_COUNT) bin--;
  else if (bin < CONFIDENCE_BIN_COUNT - 1 && confidence >= (bin + 1) / CONFIDENCE_BIN_COUNT) bin++;
  return bin;
}
