/**
 * N-Prob (elical.md, "Baselines"): the geometric-mean probability of the greedy answer's tokens,
 * exp(mean token log-probability), computed from HonestyBench's greedy_cumulative_logprobs[0]
 * and len(greedy_tokens[0]).
 * Definition: exp(cumulativeLogprob / tokenCount).
 * Range: (0, 1] for cumulativeLogprob <= 0 (a log-probability is never positive; a value up to
 * 1e-9 above 0 is accepted as rounding and the result clamped to 1).
 * Errors: RangeError when tokenCount is not a positive integer (an answer always has at least
 * the EOS token) or cumulativeLogprob is not a finite number <= 1e-9.
 * Worked example (from the spec, also a unit test): token log-probs [-0.1, -0.2, -0.3]:
 * nProb(-0.6, 3) = exp(-0.2) = 0.8187307530779818.
 */
export function nProb(cumulativeLogprob: number, tokenCount: number): number {
  if (!Number.isSafeInteger(tokenCount) || tokenCount < 1) throw new RangeError(`N-Prob needs a positive token count, got ${tokenCount}`);
  if (!Number.isFinite(cumulativeLogprob) || cumulativeLogprob > 1e-9) {
    throw new RangeError(`N-Prob needs a finite cumulative log-probability <= 0, got ${cumulativeLogprob}`);
  }
  return Math.min(1, Math.exp(cumulativeLogprob / tokenCount));
}
