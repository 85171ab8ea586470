/**
 * The EliCal feature of every question of a HonestyBench file (the final-layer hidden state at
 * the last prompt token, elical.md "Model"), computed once and kept in a safetensors file so that
 * training many heads, and evaluating them, costs one forward pass per question in all.
 *
 * Prompts are built exactly as the scorer builds them (core/prompts/promptWrapper.buildPrompt with
 * the package's prompt settings), so a head trained on these features reads at run time what it
 * was trained on. Batches are left-padded by the runner, which reads each row's last real token.
 *
 * Cache file: `<cacheDir>/<data file name>.features-<first 16 hex of the backbone sha256>.safetensors`
 * (cacheDir defaults to the data file's folder), one F32 tensor `features` [n, H] and metadata
 * format=elical-features, formatVersion=1, backboneSha256, dataSha256, promptSha256 (of the JSON
 * of the prompt settings and the adapter), rows, hiddenSize. It is reused only when every one of
 * those matches; otherwise it is recomputed and replaced (atomically: an interrupted run leaves
 * the old file or none, never half a file).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '../core/heads/safetensors';
import { buildPrompt, type PromptSettings } from '../core/prompts/promptWrapper';
import { questionFeatures } from '../core/scoring/questionFeatures';
import type { ModelRunner } from '../core/scoring/modelRunner';
import type { TextTokenizer } from '../core/scoring/textTokenizer';
import { sha256File } from './modelPackage';
import { writeFileAtomic } from './writeFileAtomic';

export const FEATURE_CACHE_FORMAT = 'elical-features';
export const FEATURE_CACHE_FORMAT_VERSION = 1;

/** Where features come from: a runner and what determines its prompts. */
export interface FeatureSource {
  runner: ModelRunner;
  tokenizer: TextTokenizer;
  prompt: PromptSettings;
  /** The package manifest's backbone.sha256: the weights the features belong to. */
  backboneSha256: string;
  /** Shared-base LoRA checkpoint to run with, if any. */
  adapter?: string;
}

export interface FeatureRequest {
  source: FeatureSource;
  /** The HonestyBench file the questions were read from (hashed for the cache key). */
  dataFile: string;
  /** Its questions, in file order (one feature row each). */
  questions: readonly string[];
  /** Folder for the cache file; default: the data file's folder. */
  cacheDir?: string;
  /** Prompts per forward pass; default 32. */
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after each batch with rows done and total. */
  onProgress?: (done: number, total: number) => void;
}

export interface Features {
  /** Row-major [rows, hiddenSize]. */
  features: Float32Array;
  hiddenSize: number;
  rows: number;
  /** True when read from a valid cache file. */
  cached: boolean;
  path: string;
}

function promptSha256(prompt: PromptSettings, adapter: string | undefined): string {
  const key = JSON.stringify({ wrapper: prompt.wrapper, chatTemplate: prompt.chatTemplate, maxPromptTokens: prompt.maxPromptTokens, adapter: adapter ?? null });
  return createHash('sha256').update(key).digest('hex');
}

/**
 * The cache file path for a data file and backbone. Beside the data file its name is enough; in a
 * shared cache folder (the extension's evaluations) two `train.jsonl` from different folders
 * would take turns overwriting one file, so the name also carries a hash of the data file's path.
 */
export function featureCachePath(dataFile: string, backboneSha256: string, cacheDir?: string): string {
  const backbone = backboneSha256.slice(0, 16);
  if (cacheDir === undefined) return join(dirname(dataFile), `${basename(dataFile)}.features-${backbone}.safetensors`);
  const where = createHash('sha256').update(resolve(dataFile)).digest('hex').slice(0, 12);
  return join(cacheDir, `${basename(dataFile)}.${where}.features-${backbone}.safetensors`);
}

async function readValidCache(path: string, expected: Record<string, string>): Promise<Float32Array | null> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch {
    return null;
  }
  try {
    const file = decodeSafetensors(bytes);
    for (const [key, value] of Object.entries(expected)) if (file.metadata[key] !== value) return null;
    const tensor = file.tensors.features;
    const rows = Number(expected.rows);
    const hidden = Number(expected.hiddenSize);
    if (tensor === undefined || tensor.dtype !== 'F32' || tensor.shape.length !== 2 || tensor.shape[0] !== rows || tensor.shape[1] !== hidden) return null;
    return tensor.data as Float32Array;
  } catch {
    // A damaged cache is only a cache: recompute it.
    return null;
  }
}

/**
 * Returns the features of `questions`, from the cache when valid, else by running the model
 * (and then writing the cache). Errors: the runner's and buildPrompt's; an aborted signal rejects
 * with its reason and writes nothing.
 */
export async function loadOrComputeFeatures(request: FeatureRequest): Promise<Features> {
  const { source, questions } = request;
  const hiddenSize = source.runner.hiddenSize;
  const rows = questions.length;
  const path = featureCachePath(request.dataFile, source.backboneSha256, request.cacheDir);
  const expected: Record<string, string> = {
    format: FEATURE_CACHE_FORMAT,
    formatVersion: String(FEATURE_CACHE_FORMAT_VERSION),
    backboneSha256: source.backboneSha256,
    dataSha256: await sha256File(request.dataFile),
    promptSha256: promptSha256(source.prompt, source.adapter),
    rows: String(rows),
    hiddenSize: String(hiddenSize),
  };
  const cached = await readValidCache(path, expected);
  if (cached !== null) return { features: cached, hiddenSize, rows, cached: true, path };

  const features = await questionFeatures(source.runner, questions, {
    promptIds: (question) => buildPrompt(question, source.prompt, source.tokenizer).tokenIds,
    batchSize: request.batchSize ?? 32,
    adapter: source.adapter,
    signal: request.signal,
    onProgress: request.onProgress,
  });
  request.signal?.throwIfAborted();
  // A --cache folder named for the first time is created rather than failing after the run.
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, encodeSafetensors({ features: { dtype: 'F32', shape: [rows, hiddenSize], data: features } }, expected));
  return { features, hiddenSize, rows, cached: false, path };
}
