/**
 * Picks the next token from one step's logits: greedy or seeded sampling, after Hugging Face's
 * repetition penalty. Pure: the caller owns the model, the KV cache and the random source.
 */
import { applyRepetitionPenalty, applyTemperature, applyTopK, applyTopP, logSoftmax } from './logitsProcessor';
import type { SamplingSettings } from './modelRunner';

export interface ChosenToken {
  tokenId: number;
  /**
   * ln p(token) under softmax(penalised logits): after the repetition penalty, before
   * temperature, top-k and top-p (the model's own probability; see GenerationResult.logprobs).
   */
  logprob: number;
}

/**
 * Chooses one token.
 * - greedy: the arg-max of the penalised logits; ties go to the lowest id.
 * - sampling: penalised logits / temperature, top-k, then top-p (logitsProcessor.ts), softmax
 *   over the survivors, and the inverse-CDF draw with one uniform number u = random() in [0, 1):
 *   the first token (in id order) whose cumulative probability exceeds u. A u at or past the
 *   total (float round-off) takes the last surviving token.
 * Errors: the penalty/temperature/top-k/top-p range errors of logitsProcessor.ts; random()
 * outside [0, 1).
 * Worked example (a test case): logits [0, ln 3] (probabilities 0.25, 0.75), no penalty,
 * temperature 1, no filtering: u = 0.2 picks token 0, u = 0.3 picks token 1, whose logprob is
 * ln 0.75 = -0.287682; greedy picks token 1.
 */
export function chooseNextToken(
  logits: Float32Array,
  seenIds: Iterable<number>,
  decoding: 'greedy' | SamplingSettings,
  repetitionPenalty: number,
  random: () => number,
): ChosenToken {
  const penalised = applyRepetitionPenalty(logits, seenIds, repetitionPenalty);
  const modelLogProbs = logSoftmax(penalised);
  if (decoding === 'greedy') {
    let best = 0;
    for (let i = 1; i < penalised.length; i++) if (penalised[i] > penalised[best]) best = i;
    return { tokenId: best, logprob: modelLogProbs[best] };
  }
  const filtered = applyTopP(applyTopK(applyTemperature(penalised, decoding.temperature), decoding.topK), decoding.topP);
  const probabilities = logSoftmax(filtered);
  const u = random();
  if (!(u >= 0 && u < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${u}`);
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < probabilities.length; i++) {
    if (probabilities[i] === -Infinity) continue;
    last = i;
    cumulative += Math.exp(probabilities[i]);
    if (u < cumulative) return { tokenId: i, logprob: modelLogProbs[i] };
  }
  return { tokenId: last, logprob: modelLogProbs[last] };
}
