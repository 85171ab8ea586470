/**
 * The manifest.json of a model package (docs/model-package.md, format version 1), parsed from
 * `unknown` field by field. Pure: reading files and checking hashes is extension/node/modelPackage.ts.
 */
import type { HeadFamily } from '../heads/headMetadata';
import type { PromptSettings } from '../prompts/promptWrapper';
import { checkPromptSettings } from '../prompts/promptWrapper';
import { ModelPackageError } from './modelPackageError';

export const MODEL_PACKAGE_FORMAT = 'elical-model-package';
/** Format versions this build reads. */
export const SUPPORTED_FORMAT_VERSIONS: readonly number[] = [1];

export interface ModelArchitecture {
  family: string;
  hiddenSize: number;
  numLayers: number;
  numAttentionHeads: number;
  numKeyValueHeads: number;
  headDim: number;
  vocabSize: number;
  maxPositionEmbeddings: number;
}

export interface BackboneEntry {
  file: string;
  sha256: string;
  dtype: 'float32' | 'float16';
  inputs: { inputIds: string; attentionMask: string; positionIds: string; pastKey: string; pastValue: string };
  outputs: { hiddenStates: string; logits: string; presentKey: string; presentValue: string };
}


export interface HeadEntry {
  id: string;
  file: string;
  sha256: string;
  family: HeadFamily;
  kind: 'linear' | 'mlp';
  /** Label count, or null for "all". */
  budget: number | null;
  target: 'consistency' | 'correctness';
  trainingData: string;
  metrics: Record<string, number>;
  /** With shared-base LoRA: the id of the LoRA checkpoint this head was trained on. */
  loraCheckpoint: string | null;
}

export interface LoraCheckpointEntry {
  id: string;
  file: string;
  sha256: string;
}

export interface LoraBlock {
  rank: number;
  targets: string[];
  checkpoints: LoraCheckpointEntry[];
}

export interface ModelManifest {
  format: typeof MODEL_PACKAGE_FORMAT;
  formatVersion: 1;
  name: string;
  description: string;
  architecture: ModelArchitecture;
  backbone: BackboneEntry;
  tokenizer: { file: string; configFile: string };
  prompt: PromptSettings;
  generation: { eosTokenIds: number[]; padTokenId: number; maxNewTokens: number };
  heads: HeadEntry[];
  defaultHead: string | null;
  lora: LoraBlock | null;
  /**
   * Optional inventory the exporter writes: sha256 of every file in the package (relative path
   * -> hex), so files the other blocks do not hash (tokenizer, model card) are checked too.
   */
  files: Record<string, string>;
}

const FILE = 'manifest.json';

function fail(path: string, problem: string): never {
  throw new ModelPackageError('manifest-invalid', FILE, `${path} ${problem}; fix manifest.json or re-export the package`);
}

type Json = Record<string, unknown>;

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  return value as Json;
}

function string(parent: Json, key: string, path: string): string {
  const value = parent[key];
  if (typeof value !== 'string' || value.length === 0) fail(`${path}.${key}`, `must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function optionalString(parent: Json, key: string, path: string): string {
  const value = parent[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') fail(`${path}.${key}`, `must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function integer(parent: Json, key: string, path: string, minimum: number): number {
  const value = parent[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    fail(`${path}.${key}`, `must be an integer >= ${minimum}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function oneOf<T extends string>(parent: Json, key: string, path: string, allowed: readonly T[]): T {
  const value = parent[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(`${path}.${key}`, `must be one of ${allowed.map((entry) => JSON.stringify(entry)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function sha256(parent: Json, key: string, path: string): string {
  const value = string(parent, key, path);
  if (!/^[0-9a-f]{64}$/.test(value)) fail(`${path}.${key}`, `must be 64 lower-case hex digits, got ${JSON.stringify(value)}`);
  return value;
}

/** A path relative to the package that stays inside it (checked again on disk after resolving). */
function relativePath(parent: Json, key: string, path: string): string {
  const value = string(parent, key, path);
  const parts = value.split(/[\\/]/);
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value) || parts.includes('..')) {
    throw new ModelPackageError('path-outside-package', FILE, `${path}.${key} = ${JSON.stringify(value)} leaves the package folder; paths must be relative and stay inside it (re-export the package)`);
  }
  return value;
}

/** A name template that must contain `{layer}` (one graph input/output per layer). */
function layerName(parent: Json, key: string, path: string): string {
  const value = string(parent, key, path);
  if (!value.includes('{layer}')) fail(`${path}.${key}`, `must contain {layer}, got ${JSON.stringify(value)}`);
  return value;
}

function parseArchitecture(value: unknown): ModelArchitecture {
  const raw = object(value, 'architecture');
  const p = 'architecture';
  const architecture: ModelArchitecture = {
    family: string(raw, 'family', p),
    hiddenSize: integer(raw, 'hiddenSize', p, 1),
    numLayers: integer(raw, 'numLayers', p, 1),
    numAttentionHeads: integer(raw, 'numAttentionHeads', p, 1),
    numKeyValueHeads: integer(raw, 'numKeyValueHeads', p, 1),
    headDim: integer(raw, 'headDim', p, 1),
    vocabSize: integer(raw, 'vocabSize', p, 1),
    maxPositionEmbeddings: integer(raw, 'maxPositionEmbeddings', p, 1),
  };
  if (architecture.numAttentionHeads % architecture.numKeyValueHeads !== 0) {
    fail('architecture.numAttentionHeads', `(${architecture.numAttentionHeads}) must be a multiple of numKeyValueHeads (${architecture.numKeyValueHeads})`);
  }
  return architecture;
}

function parseBackbone(value: unknown): BackboneEntry {
  const raw = object(value, 'backbone');
  const inputs = object(raw.inputs, 'backbone.inputs');
  const outputs = object(raw.outputs, 'backbone.outputs');
  return {
    file: relativePath(raw, 'file', 'backbone'),
    sha256: sha256(raw, 'sha256', 'backbone'),
    dtype: oneOf(raw, 'dtype', 'backbone', ['float32', 'float16'] as const),
    inputs: {
      inputIds: string(inputs, 'inputIds', 'backbone.inputs'),
      attentionMask: string(inputs, 'attentionMask', 'backbone.inputs'),
      positionIds: string(inputs, 'positionIds', 'backbone.inputs'),
      pastKey: layerName(inputs, 'pastKey', 'backbone.inputs'),
      pastValue: layerName(inputs, 'pastValue', 'backbone.inputs'),
    },
    outputs: {
      hiddenStates: string(outputs, 'hiddenStates', 'backbone.outputs'),
      logits: string(outputs, 'logits', 'backbone.outputs'),
      presentKey: layerName(outputs, 'presentKey', 'backbone.outputs'),
      presentValue: layerName(outputs, 'presentValue', 'backbone.outputs'),
    },
  };
}

function parseHead(value: unknown, index: number): HeadEntry {
  const p = `heads[${index}]`;
  const raw = object(value, p);
  const budget = raw.budget;
  if (budget !== null && (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1)) {
    fail(`${p}.budget`, `must be a positive integer or null (all labels), got ${JSON.stringify(budget)}`);
  }
  const metricsRaw = raw.metrics === undefined || raw.metrics === null ? {} : object(raw.metrics, `${p}.metrics`);
  const metrics: Record<string, number> = {};
  for (const [key, metric] of Object.entries(metricsRaw)) {
    if (typeof metric !== 'number' || !Number.isFinite(metric)) fail(`${p}.metrics.${key}`, `must be a finite number, got ${JSON.stringify(metric)}`);
    metrics[key] = metric;
  }
  const id = string(raw, 'id', p);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) fail(`${p}.id`, `must use letters, digits, ".", "_" or "-", got ${JSON.stringify(id)}`);
  const lora = raw.loraCheckpoint;
  if (lora !== undefined && lora !== null && typeof lora !== 'string') fail(`${p}.loraCheckpoint`, 'must be a string or null');
  return {
    id,
    file: relativePath(raw, 'file', p),
    sha256: sha256(raw, 'sha256', p),
    family: oneOf(raw, 'family', p, ['eli-only', 'cal-only', 'elical'] as const),
    kind: oneOf(raw, 'kind', p, ['linear', 'mlp'] as const),
    budget: budget as number | null,
    target: oneOf(raw, 'target', p, ['consistency', 'correctness'] as const),
    trainingData: optionalString(raw, 'trainingData', p),
    metrics,
    loraCheckpoint: typeof lora === 'string' ? lora : null,
  };
}

function parseLora(value: unknown): LoraBlock | null {
  if (value === null || value === undefined) return null;
  const raw = object(value, 'lora');
  if (!Array.isArray(raw.targets) || !raw.targets.every((target) => typeof target === 'string')) fail('lora.targets', 'must be a list of projection names');
  if (!Array.isArray(raw.checkpoints) || raw.checkpoints.length === 0) fail('lora.checkpoints', 'must be a non-empty list');
  const checkpoints = raw.checkpoints.map((entry, index) => {
    const item = object(entry, `lora.checkpoints[${index}]`);
    const p = `lora.checkpoints[${index}]`;
    return { id: string(item, 'id', p), file: relativePath(item, 'file', p), sha256: sha256(item, 'sha256', p) };
  });
  return { rank: integer(raw, 'rank', 'lora', 1), targets: raw.targets as string[], checkpoints };
}

function parseFiles(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const raw = object(value, 'files');
  const files: Record<string, string> = {};
  for (const key of Object.keys(raw)) {
    relativePath({ [key]: key }, key, 'files');
    files[key] = sha256(raw, key, 'files');
  }
  return files;
}

/**
 * Validates a parsed manifest.json. Errors: ModelPackageError 'format-unsupported' when format
 * or formatVersion is not one this build reads (the message lists the supported versions),
 * 'path-outside-package' for a file path leaving the folder, 'manifest-invalid' naming the first
 * bad field otherwise. Cross-references are checked too: unique head ids, defaultHead and each
 * head's loraCheckpoint naming something that exists, a LoRA checkpoint per head when the
 * package keeps LoRA as graph inputs.
 */
export function parseModelManifest(value: unknown): ModelManifest {
  const raw = object(value, 'the manifest');
  if (raw.format !== MODEL_PACKAGE_FORMAT) {
    throw new ModelPackageError('format-unsupported', FILE, `format is ${JSON.stringify(raw.format)}, expected "${MODEL_PACKAGE_FORMAT}"; this folder is not an EliCal model package (export one with tools/export_onnx.py)`);
  }
  if (typeof raw.formatVersion !== 'number' || !SUPPORTED_FORMAT_VERSIONS.includes(raw.formatVersion)) {
    throw new ModelPackageError(
      'format-unsupported',
      FILE,
      `formatVersion ${JSON.stringify(raw.formatVersion)} is not supported; this version of EliCal reads format version(s) ${SUPPORTED_FORMAT_VERSIONS.join(', ')}. Update the extension, or re-export the package with a matching tools/export_onnx.py`,
    );
  }
  const promptRaw = object(raw.prompt, 'prompt');
  if (typeof promptRaw.chatTemplate !== 'boolean') fail('prompt.chatTemplate', 'must be true or false');
  const prompt: PromptSettings = {
    wrapper: string(promptRaw, 'wrapper', 'prompt'),
    chatTemplate: promptRaw.chatTemplate,
    maxPromptTokens: integer(promptRaw, 'maxPromptTokens', 'prompt', 1),
  };
  try {
    checkPromptSettings(prompt);
  } catch (error) {
    fail('prompt', `is unusable: ${(error as Error).message}`);
  }
  const generationRaw = object(raw.generation, 'generation');
  const eos = generationRaw.eosTokenIds;
  if (!Array.isArray(eos) || !eos.every((id) => Number.isInteger(id) && id >= 0)) fail('generation.eosTokenIds', 'must be a list of token ids');
  const tokenizerRaw = object(raw.tokenizer, 'tokenizer');
  const architecture = parseArchitecture(raw.architecture);
  if (!Array.isArray(raw.heads)) fail('heads', 'must be a list');
  const heads = raw.heads.map(parseHead);
  const lora = parseLora(raw.lora);

  const ids = new Set<string>();
  for (const head of heads) {
    if (ids.has(head.id)) fail('heads', `use the id ${JSON.stringify(head.id)} twice`);
    ids.add(head.id);
    if (lora && head.loraCheckpoint === null) fail(`heads[${head.id}].loraCheckpoint`, 'is required when the package keeps LoRA as graph inputs');
    if (head.loraCheckpoint !== null && !lora?.checkpoints.some((checkpoint) => checkpoint.id === head.loraCheckpoint)) {
      fail(`heads[${head.id}].loraCheckpoint`, `names ${JSON.stringify(head.loraCheckpoint)}, which is not in lora.checkpoints`);
    }
  }
  const defaultHead = raw.defaultHead === undefined || raw.defaultHead === null ? null : string(raw, 'defaultHead', 'manifest');
  if (defaultHead !== null && !ids.has(defaultHead)) fail('defaultHead', `names ${JSON.stringify(defaultHead)}, which is not a head id`);
  for (const id of eos as number[]) {
    if (id >= architecture.vocabSize) fail('generation.eosTokenIds', `holds ${id}, outside the vocabulary (architecture.vocabSize = ${architecture.vocabSize})`);
  }

  return {
    format: MODEL_PACKAGE_FORMAT,
    formatVersion: 1,
    name: string(raw, 'name', 'manifest'),
    description: optionalString(raw, 'description', 'manifest'),
    architecture,
    backbone: parseBackbone(raw.backbone),
    tokenizer: { file: relativePath(tokenizerRaw, 'file', 'tokenizer'), configFile: relativePath(tokenizerRaw, 'configFile', 'tokenizer') },
    prompt,
    generation: {
      eosTokenIds: eos as number[],
      padTokenId: integer(generationRaw, 'padTokenId', 'generation', 0),
      maxNewTokens: integer(generationRaw, 'maxNewTokens', 'generation', 1),
    },
    heads,
    defaultHead,
    lora,
    files: parseFiles(raw.files),
  };
}
