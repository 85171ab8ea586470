/**
 * Logits processing for generation, as pure functions over one step's logits (a Float32Array of
 * vocabulary size). The order and the rules follow Hugging Face's `generate`, so that samples
 * drawn here are distributed like the reference code's: repetition penalty, then temperature,
 * then top-k, then top-p, then softmax and one draw. Filtered-out tokens are set to -Infinity.
 * All arithmetic past the penalty is done in float64.
 */

/**
 * Hugging Face's repetition penalty: for every distinct token id in `seenIds` (prompt and answer
 * so far), a positive logit is divided by `penalty` and a negative one multiplied by it, so the
 * token always becomes less likely; zero stays zero. Returns a new array (the input is unchanged).
 * Range: penalty >= 1 (1 = no change). Errors: penalty < 1 or not finite; a seen id outside the
 * vocabulary.
 * Worked example (a test case): logits [2, -1, 0.5, 3], seen {0, 1}, penalty 2 -> [1, -2, 0.5, 3].
 */
export function applyRepetitionPenalty(logits: Float32Array, seenIds: Iterable<number>, penalty: number): Float32Array {
  if (!Number.isFinite(penalty) || penalty < 1) throw new RangeError(`repetition penalty must be a number >= 1, got ${penalty}`);
  const out = Float32Array.from(logits);
  if (penalty === 1) return out;
  for (const id of new Set(seenIds)) {
    if (!Number.isInteger(id) || id < 0 || id >= logits.length) {
      throw new RangeError(`token id ${id} is outside the vocabulary (size ${logits.length})`);
    }
    const value = logits[id];
    out[id] = value < 0 ? value * penalty : value / penalty;
  }
  return out;
}

/**
 * Natural-log softmax, computed stably as x_i - max - log(sum_j exp(x_j - max)) in float64.
 * -Infinity entries get -Infinity. Errors: empty input, all entries -Infinity, or a NaN / +Infinity.
 * Worked example (a test case): [1, 2, 3] -> [-2.407606, -1.407606, -0.407606].
 */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  if (logits.length === 0) throw new RangeError('logSoftmax of an empty vector');
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i];
    if (Number.isNaN(value) || value === Infinity) throw new RangeError(`logit ${i} is ${value}`);
    if (value > max) max = value;
  }
  if (max === -Infinity) throw new RangeError('every logit is -Infinity: no token can be chosen');
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const logSum = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - logSum;
  return out;
}

/**
 * Divides every logit by `temperature` (> 0), into a new float64 array. Errors: temperature <= 0
 * or not finite (greedy decoding is the way to ask for temperature 0).
 * Worked example: [2, -1], temperature 0.5 -> [4, -2].
 */
export function applyTemperature(logits: ArrayLike<number>, temperature: number): Float64Array {
  if (!Number.isFinite(temperature) || temperature <= 0) {
    throw new RangeError(`temperature must be a number > 0, got ${temperature} (use greedy decoding for temperature 0)`);
  }
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] / temperature;
  return out;
}

/**
 * Keeps the `topK` largest logits and sets the others to -Infinity, in place. Like Hugging Face,
 * every token tied with the k-th largest value is kept (so ties can keep more than k).
 * topK = 0 or topK >= length changes nothing. Errors: topK not a non-negative integer.
 * Worked example (a test case): [1, 4, 2, 4, 3], topK 2 -> [-Inf, 4, -Inf, 4, -Inf];
 * topK 3 -> [-Inf, 4, -Inf, 4, 3].
 */
export function applyTopK(logits: Float64Array, topK: number): Float64Array {
  if (!Number.isInteger(topK) || topK < 0) throw new RangeError(`top-k must be a non-negative integer, got ${topK}`);
  if (topK === 0 || topK >= logits.length) return logits;
  const threshold = Float64Array.from(logits).sort()[logits.length - topK];
  for (let i = 0; i < logits.length; i++) if (logits[i] < threshold) logits[i] = -Infinity;
  return logits;
}

/**
 * Nucleus filtering in place, with Hugging Face's rule: sort tokens by probability (softmax of
 * the logits); a token is removed when the total probability of it and every less likely token
 * is <= 1 - topP. The most likely token is always kept. Equal logits are ordered by lower id
 * first (higher rank), which decides only which of several exactly tied tokens at the boundary
 * survives. topP = 1 changes nothing. Errors: topP outside (0, 1].
 * Worked example (a test case): probabilities [0.5, 0.3, 0.15, 0.05] (logits = their logs),
 * topP 0.75 -> tails from the least likely: 0.05, 0.20, 0.50, 1.0; 0.05 and 0.20 are <= 0.25, so
 * tokens 3 and 2 are removed and tokens 0 and 1 kept. (Keep examples off the boundary: with
 * topP 0.8 the tail 0.2 meets 1 - 0.8 exactly and float round-off decides.)
 */
export function applyTopP(logits: Float64Array, topP: number): Float64Array {
  if (!(topP > 0 && topP <= 1)) throw new RangeError(`top-p must be in (0, 1], got ${topP}`);
  if (topP === 1) return logits;
  const logProbs = logSoftmax(logits);
  const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
  let tail = 0;
  // Walk from the least likely token up; the running sum is the mass of it and all below it.
  for (let rank = order.length - 1; rank >= 1; rank--) {
    const id = order[rank];
    tail += Math.exp(logProbs[id]);
    if (tail <= 1 - topP) logits[id] = -Infinity;
    else break;
  }
  return logits;
}
