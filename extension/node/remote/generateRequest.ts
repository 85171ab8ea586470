/**
 * The body of `POST /v2/models/{name}/generate` on `elical serve`, checked field by field, and
 * the GenerateOptions it means. The route follows the shape of the protocol's generate extension
 * (a JSON object whose keys name the model's inputs, with `parameters` beside them); what it
 * carries is the project's own (docs/remote.md):
 *
 *   {"input_ids": [1, 4, 6, ...],                 prompt token ids, chat template applied
 *    "parameters": {"max_new_tokens": 32,
 *                   "decoding": "greedy" | {"temperature": 1, "top_p": 0.95, "top_k": 50, "seed": 7},
 *                   "repetition_penalty": 1.05,
 *                   "eos_token_ids": [2]}}
 *
 * The answer is {"model_name", "model_version", "output_ids", "logprobs", "finish_reason"}: the
 * same numbers the local runner returns, since the server runs the same runner.
 * Every problem is an InferenceRequestError naming the field; the server answers 400.
 */
import type { GenerateOptions, SamplingSettings } from '../../core/scoring/modelRunner';
import { InferenceRequestError } from './inferenceRequest';

export interface GenerateLimits {
  vocabSize: number;
  maxPositions: number;
  /** Largest max_new_tokens a request may ask for. */
  maxNewTokens: number;
}

export interface ParsedGenerateRequest {
  promptIds: number[];
  /** Everything but signal and onToken, which belong to the server. */
  options: Omit<GenerateOptions, 'signal' | 'onToken'>;
}

/** Most EOS ids a request may list: real tokenizers have one or a few. */
const MAX_EOS_IDS = 64;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(problem: string): never {
  throw new InferenceRequestError(problem);
}

function tokenIds(value: unknown, field: string, vocabSize: number, maxLength: number): number[] {
  if (!Array.isArray(value)) return bad(`${field} must be a list of token ids`);
  if (value.length > maxLength) bad(`${field} has ${value.length} ids; at most ${maxLength} are accepted`);
  value.forEach((id, index) => {
    if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) >= vocabSize) bad(`${field}[${index}] is ${JSON.stringify(id)}, not a token id in [0, ${vocabSize})`);
  });
  return value as number[];
}

function finiteNumber(value: unknown, field: string, check: (x: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) bad(`${field} must be ${expected}, got ${JSON.stringify(value)}`);
  return value as number;
}

function decoding(value: unknown): 'greedy' | SamplingSettings {
  if (value === undefined || value === 'greedy') return 'greedy';
  if (!isRecord(value)) return bad('parameters.decoding must be "greedy" or {temperature, top_p, top_k, seed}');
  const known = new Set(['temperature', 'top_p', 'top_k', 'seed']);
  for (const key of Object.keys(value)) if (!known.has(key)) bad(`parameters.decoding.${key} is not a known field (known: ${[...known].join(', ')})`);
  return {
    temperature: finiteNumber(value.temperature, 'parameters.decoding.temperature', (x) => x > 0 && x <= 100, 'a number in (0, 100]'),
    topP: finiteNumber(value.top_p ?? 1, 'parameters.decoding.top_p', (x) => x > 0 && x <= 1, 'a number in (0, 1]'),
    topK: finiteNumber(value.top_k ?? 0, 'parameters.decoding.top_k', (x) => Number.isSafeInteger(x) && x >= 0, 'an integer >= 0'),
    seed: finiteNumber(value.seed, 'parameters.decoding.seed', (x) => Number.isSafeInteger(x), 'a safe integer'),
  };
}

export function parseGenerateRequest(body: unknown, limits: GenerateLimits): ParsedGenerateRequest {
  if (!isRecord(body)) bad('the request body must be a JSON object {"input_ids": [...], "parameters": {...}}');
  for (const key of Object.keys(body)) if (key !== 'input_ids' && key !== 'parameters' && key !== 'id') bad(`${key} is not a known field (known: input_ids, parameters, id)`);
  const promptIds = tokenIds(body.input_ids, 'input_ids', limits.vocabSize, limits.maxPositions - 1);
  if (promptIds.length === 0) bad('input_ids must hold at least one token id');
  const parameters = body.parameters ?? {};
  if (!isRecord(parameters)) bad('parameters must be a JSON object');
  const known = new Set(['max_new_tokens', 'decoding', 'repetition_penalty', 'eos_token_ids']);
  for (const key of Object.keys(parameters)) if (!known.has(key)) bad(`parameters.${key} is not a known field (known: ${[...known].join(', ')})`);
  const maxNewTokens = finiteNumber(parameters.max_new_tokens, 'parameters.max_new_tokens', (x) => Number.isSafeInteger(x) && x >= 1 && x <= limits.maxNewTokens, `an integer in [1, ${limits.maxNewTokens}]`);
  return {
    promptIds,
    options: {
      maxNewTokens,
      decoding: decoding(parameters.decoding),
      repetitionPenalty: finiteNumber(parameters.repetition_penalty ?? 1, 'parameters.repetition_penalty', (x) => x >= 1 && x <= 100, 'a number in [1, 100]'),
      eosTokenIds: tokenIds(parameters.eos_token_ids ?? [], 'parameters.eos_token_ids', limits.vocabSize, MAX_EOS_IDS),
    },
  };
}

/** The request body for `promptIds` and `options`: what RemoteModelRunner.generate sends. */
export function generateRequestBody(promptIds: readonly number[], options: Omit<GenerateOptions, 'signal' | 'onToken' | 'adapter'>): string {
  const { decoding: chosen } = options;
  return JSON.stringify({
    input_ids: promptIds,
    parameters: {
      max_new_tokens: options.maxNewTokens,
      decoding: chosen === 'greedy' ? 'greedy' : { temperature: chosen.temperature, top_p: chosen.topP, top_k: chosen.topK, seed: chosen.seed },
      repetition_penalty: options.repetitionPenalty,
      eos_token_ids: options.eosTokenIds,
    },
  });
}
