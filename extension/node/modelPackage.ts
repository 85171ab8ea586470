/**
 * Opens a model package folder (docs/model-package.md): parses manifest.json, then checks every
 * file before anything is run: it exists, stays inside the folder, its sha256 matches, each head
 * loads and fits the backbone's hidden size, and the tokenizer loads. The ONNX graph itself is
 * checked when the runner creates its session (OnnxModelRunner.load), since only onnxruntime can
 * read it. Every failure is a ModelPackageError whose code says which check failed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { readHeadFile } from '../core/heads/headFile';
import { decodeSafetensors } from '../core/heads/safetensors';
import type { LinearHead } from '../core/heads/linearHead';
import type { MlpHead } from '../core/heads/mlpHead';
import { type HeadEntry, type ModelManifest, parseModelManifest } from '../core/scoring/modelManifest';
import { ModelPackageError } from '../core/scoring/modelPackageError';
import type { TextTokenizer } from '../core/scoring/textTokenizer';
import { loadTokenizer, TokenizerLoadError } from './tokenizerLoader';

export interface PackagedHead {
  entry: HeadEntry;
  head: LinearHead | MlpHead;
}

/** One LoRA checkpoint of a shared-base package: graph input name -> float32 tensor. */
export type LoraWeights = Record<string, { shape: number[]; data: Float32Array }>;

export interface ModelPackage {
  /** Absolute, symlink-resolved package folder. */
  dir: string;
  manifest: ModelManifest;
  /** Absolute path of the backbone graph. */
  backbonePath: string;
  tokenizer: TextTokenizer;
  /** In manifest order. */
  heads: PackagedHead[];
  /** Shared-base LoRA checkpoints by id (empty when LoRA is merged or absent). */
  loraCheckpoints: Map<string, LoraWeights>;
}

const LORA_TENSOR = /^lora\.\d+\.[A-Za-z0-9_]+\.(A|B)$/;

/** Decodes a LoRA checkpoint file; the runner checks names and shapes against the graph. */
function readLoraFile(bytes: Uint8Array, rel: string, rank: number): LoraWeights {
  let tensors;
  try {
    tensors = decodeSafetensors(bytes).tensors;
  } catch (error) {
    throw new ModelPackageError('lora-invalid', rel, `is not a valid safetensors file (${(error as Error).message}); re-export the package`);
  }
  const weights: LoraWeights = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    if (!LORA_TENSOR.test(name)) throw new ModelPackageError('lora-invalid', rel, `holds tensor ${name}; LoRA checkpoint tensors are named lora.{layer}.{projection}.A or .B`);
    if (!(tensor.data instanceof Float32Array) || tensor.shape.length !== 2) {
      throw new ModelPackageError('lora-invalid', rel, `tensor ${name} must be a 2-D float tensor, got ${tensor.dtype} [${tensor.shape.join(', ')}]`);
    }
    const rankAxis = name.endsWith('.A') ? 0 : 1;
    if (tensor.shape[rankAxis] !== rank) throw new ModelPackageError('lora-invalid', rel, `tensor ${name} has shape [${tensor.shape.join(', ')}], but lora.rank in manifest.json is ${rank}`);
    weights[name] = { shape: tensor.shape, data: tensor.data };
  }
  if (Object.keys(weights).length === 0) throw new ModelPackageError('lora-invalid', rel, 'holds no tensors');
  return weights;
}

/** Hex sha256 of a file, streamed (backbones can be many GiB). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function existingFile(dir: string, rel: string, missingCode: 'file-missing' | 'tokenizer-missing', fix: string): Promise<string> {
  const path = resolve(dir, rel);
  let real: string;
  try {
    real = await realpath(path);
    if (!(await stat(real)).isFile()) throw new Error('not a file');
  } catch {
    throw new ModelPackageError(missingCode, rel, `file not found in ${dir}; ${fix}`);
  }
  const inside = relative(dir, real);
  if (inside.startsWith(`..${sep}`) || inside === '..' || resolve(dir, inside) !== real) {
    throw new ModelPackageError('path-outside-package', rel, `resolves to ${real}, outside the package folder ${dir}; packages must be self-contained (copy the file into the package and re-export)`);
  }
  return real;
}

async function checkSha256(path: string, rel: string, expected: string): Promise<void> {
  const actual = await sha256File(path);
  if (actual !== expected) {
    throw new ModelPackageError('sha256-mismatch', rel, `sha256 mismatch (expected ${expected}, got ${actual}). The file is corrupt or was changed after export; re-export the package or restore the file.`);
  }
}

/**
 * Reads and validates the package in `packageDir`. Errors (ModelPackageError codes):
 * manifest-missing, manifest-not-json, manifest-invalid, format-unsupported, path-outside-package,
 * file-missing, sha256-mismatch, head-invalid, head-hidden-size-mismatch, lora-invalid,
 * tokenizer-missing, tokenizer-invalid.
 */
export async function loadModelPackage(packageDir: string): Promise<ModelPackage> {
  let dir: string;
  try {
    dir = await realpath(packageDir);
  } catch {
    throw new ModelPackageError('manifest-missing', packageDir, 'folder not found; pass the folder that holds manifest.json');
  }
  let text: string;
  try {
    text = await readFile(join(dir, 'manifest.json'), 'utf8');
  } catch {
    throw new ModelPackageError('manifest-missing', 'manifest.json', `not found in ${dir}; a model package folder holds manifest.json (export one with tools/export_onnx.py)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelPackageError('manifest-not-json', 'manifest.json', `is not valid JSON (${(error as Error).message}); restore the file or re-export the package`);
  }
  const manifest = parseModelManifest(raw);
  const reexport = 'restore it or re-export the package';

  const tokenizerPath = await existingFile(dir, manifest.tokenizer.file, 'tokenizer-missing', `the tokenizer is part of the package: ${reexport}`);
  const tokenizerConfigPath = await existingFile(dir, manifest.tokenizer.configFile, 'tokenizer-missing', `the tokenizer configuration is part of the package: ${reexport}`);

  const backbonePath = await existingFile(dir, manifest.backbone.file, 'file-missing', reexport);
  await checkSha256(backbonePath, manifest.backbone.file, manifest.backbone.sha256);

  const heads: PackagedHead[] = [];
  for (const entry of manifest.heads) {
    const path = await existingFile(dir, entry.file, 'file-missing', reexport);
    await checkSha256(path, entry.file, entry.sha256);
    let head: LinearHead | MlpHead;
    let kind: string;
    try {
      const file = readHeadFile(new Uint8Array(await readFile(path)));
      head = file.head;
      kind = file.metadata.kind;
    } catch (error) {
      throw new ModelPackageError('head-invalid', entry.file, `is not a valid head file (${(error as Error).message}); re-export the head`);
    }
    if (kind !== entry.kind) {
      throw new ModelPackageError('head-invalid', entry.file, `holds a ${kind} head but manifest.json says ${entry.kind}; re-export the package`);
    }
    if (head.hiddenSize !== manifest.architecture.hiddenSize) {
      throw new ModelPackageError(
        'head-hidden-size-mismatch',
        entry.file,
        `head ${entry.id} reads hidden states of size ${head.hiddenSize}, but the backbone's hidden size is ${manifest.architecture.hiddenSize}: it was trained for another model. Use a head trained on this backbone, or remove it from manifest.json.`,
      );
    }
    heads.push({ entry, head });
  }

  const loraCheckpoints = new Map<string, LoraWeights>();
  for (const checkpoint of manifest.lora?.checkpoints ?? []) {
    const path = await existingFile(dir, checkpoint.file, 'file-missing', reexport);
    await checkSha256(path, checkpoint.file, checkpoint.sha256);
    loraCheckpoints.set(checkpoint.id, readLoraFile(new Uint8Array(await readFile(path)), checkpoint.file, manifest.lora?.rank ?? 0));
  }

  // The exporter's inventory covers files the blocks above do not hash (tokenizer, model card).
  const hashed = new Set([manifest.backbone.file, ...manifest.heads.map((head) => head.file), ...(manifest.lora?.checkpoints.map((checkpoint) => checkpoint.file) ?? [])]);
  for (const [rel, expected] of Object.entries(manifest.files)) {
    if (hashed.has(rel)) continue;
    const isTokenizer = rel === manifest.tokenizer.file || rel === manifest.tokenizer.configFile;
    const path = await existingFile(dir, rel, isTokenizer ? 'tokenizer-missing' : 'file-missing', reexport);
    await checkSha256(path, rel, expected);
  }

  let tokenizer: TextTokenizer;
  try {
    tokenizer = await loadTokenizer(tokenizerPath, tokenizerConfigPath);
  } catch (error) {
    if (!(error instanceof TokenizerLoadError)) throw error;
    const rel = error.file === tokenizerConfigPath ? manifest.tokenizer.configFile : manifest.tokenizer.file;
    throw new ModelPackageError('tokenizer-invalid', rel, `${error.message.slice(error.file.length + 2)}`);
  }
  if (manifest.prompt.chatTemplate && !tokenizer.hasChatTemplate) {
    throw new ModelPackageError('tokenizer-invalid', manifest.tokenizer.configFile, 'has no chat_template, but manifest.json sets prompt.chatTemplate = true; restore the file or set chatTemplate to false');
  }
  return { dir, manifest, backbonePath, tokenizer, heads, loraCheckpoints };
}
