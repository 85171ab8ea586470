/**
 * The dot product of a vector with one row of a row-major matrix: Σ_j w_j · x[offset + j] for
 * j < length, accumulated in float64 over four interleaved partial
 * sums (the interleave lets the CPU overlap the additions; the sum order differs from a plain
 * loop only by float64 rounding).
 * Worked example (also a unit test): w [1, 2, 3, 4, 5], x [9, 1, 1, 1, 1, 1], offset 1, length 5
 * give 15.
 */
export function dotRow(w: Float32Array, x: Float32Array, offset: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  const end4 = length - (length % 4);
  for (; j < end4; j += 4) {
    s0 += w[j] * x[offset + j];
    s1 += w[j + 1] * x[offset + j + 1];
    s2 += w[j + 2] * x[offset + j + 2];
    s3 += w[j + 3] * x[offset + j + 3];
  }
  for (; j < length; j++) s0 += w[j] * x[offset + j];
  return s0 + s1 + s2 + s3;
}
