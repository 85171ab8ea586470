/**
 * The files of a model package besides manifest.json, as the loader (extension/node/modelPackage.ts)
 * opens and checks them: the tokenizer pair, the backbone, every head, every shared-base LoRA
 * checkpoint, then the rest of the `files` inventory (external ONNX data, model card, data files).
 * A downloader fetches exactly this list, so what it fetches is what the loader verifies.
 */
import type { ModelManifest } from './modelManifest';

export interface PackageFile {
  /** Relative to the package folder, `/` separators (as in the manifest). */
  path: string;
  /**
   * The sha256 the loader checks: the block's own field for backbone, heads and LoRA checkpoints
   * (it wins over `files`, as in the loader), else the `files` inventory. Null for a tokenizer
   * file of a manifest without an inventory: the loader checks it only by loading it.
   */
  sha256: string | null;
}

/**
 * In loader order, each path once. Example: the tiny fixture gives tokenizer.json,
 * tokenizer_config.json, backbone.onnx, its two heads, then MODEL_CARD.md (6 files).
 */
export function packageFiles(manifest: ModelManifest): PackageFile[] {
  const hashes = new Map<string, string | null>();
  const add = (path: string, sha256: string | null): void => {
    const known = hashes.get(path);
    if (known === undefined || known === null) hashes.set(path, sha256 ?? manifest.files[path] ?? null);
  };
  add(manifest.tokenizer.file, null);
  add(manifest.tokenizer.configFile, null);
  add(manifest.backbone.file, manifest.backbone.sha256);
  for (const head of manifest.heads) add(head.file, head.sha256);
  for (const checkpoint of manifest.lora?.checkpoints ?? []) add(checkpoint.file, checkpoint.sha256);
  for (const [path, sha256] of Object.entries(manifest.files)) add(path, sha256);
  return [...hashes].map(([path, sha256]) => ({ path, sha256 }));
}
