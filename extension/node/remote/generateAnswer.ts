/**
 * The answer of `elical serve`'s generate routes, read from JSON: {"output_ids", "logprobs",
 * "finish_reason"} (model_name and model_version are informational). Only types and lengths are
 * checked here; whether the ids fit the model (vocabulary, end-of-sequence placement, length
 * limit) is RemoteModelRunner's check, which knows the model.
 */

export interface GenerateAnswer {
  outputIds: number[];
  logprobs: number[];
  finishReason: 'eos' | 'length';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The answer, or a phrase saying what is wrong with it ("has no ..."). */
export function parseGenerateAnswer(value: unknown): GenerateAnswer | string {
  if (!isRecord(value)) return 'is not a JSON object';
  const { output_ids: outputIds, logprobs, finish_reason: finishReason } = value;
  if (!Array.isArray(outputIds) || !outputIds.every((id) => Number.isSafeInteger(id))) return 'has no "output_ids" list of integers';
  if (!Array.isArray(logprobs) || !logprobs.every((logprob) => typeof logprob === 'number' && Number.isFinite(logprob))) return 'has no "logprobs" list of finite numbers';
  if (logprobs.length !== outputIds.length) return `has ${outputIds.length} output_ids but ${logprobs.length} logprobs`;
  if (finishReason !== 'eos' && finishReason !== 'length') return `has finish_reason ${JSON.stringify(finishReason)}, expected "eos" or "length"`;
  return { outputIds: outputIds as number[], logprobs: logprobs as number[], finishReason };
}
