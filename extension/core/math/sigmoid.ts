/**
 * The logistic function σ(x) = 1 / (1 + e^(-x)), computed without overflow.
 *
 * Definition: for x >= 0, 1 / (1 + e^(-x)); for x < 0, e^x / (1 + e^x) (the same value, but e^x
 * cannot overflow there, while e^(-x) would for x < -709).
 * Range: [0, 1] in float64; σ(x) rounds to exactly 1 for x > ~36.7 and underflows to 0 below
 * ~-745. NaN in gives NaN out; ±Infinity give 1 and 0.
 * Worked example (also a unit test): σ(0) = 0.5, σ(2) = 0.8807970779778823,
 * σ(-2) = 0.11920292202211755, σ(-800) = 0 (no overflow), σ(800) = 1.
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
