/**
 * Heads the user trained from their own labels (retrain), kept as versioned safetensors files in
 * the extension's global storage: `DIR/<id>.safetensors`, id = `u<UTC yyyymmdd-hhmmss-mmm>-<family>`.
 * A file is never rewritten: each retrain writes new files, and promotion / rollback are journal
 * events, so every earlier checkpoint stays selectable.
 *
 * Besides the standard head metadata (docs/model-package.md), a user head records the sha256 of
 * the backbone its features came from (`backboneSha256`; readers of the format ignore unknown
 * keys). A head only means something on that backbone, so loading skips heads of other packages
 * instead of applying them to features they were never trained on.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readHeadFile } from '../core/heads/headFile';
import type { HeadFamily, HeadMetadata } from '../core/heads/headMetadata';
import { serialiseHeadMetadata } from '../core/heads/headMetadata';
import type { LinearHead } from '../core/heads/linearHead';
import type { MlpHead } from '../core/heads/mlpHead';
import { decodeSafetensors, encodeSafetensors, type Tensor } from '../core/heads/safetensors';

/** Metadata key naming the backbone (manifest backbone.sha256) a user head was trained on. */
export const BACKBONE_SHA256_KEY = 'backboneSha256';

const USER_HEAD_ID = /^u\d{8}-\d{6}-\d{3}(?:-\d+)?-(eli-only|cal-only|elical)$/;

export interface UserHead {
  id: string;
  path: string;
  head: LinearHead | MlpHead;
  metadata: HeadMetadata;
}

/**
 * The id of a head trained at `time`: `u` + UTC date and time to the millisecond + family, e.g.
 * 2026-11-27T10:15:00.042Z and elical give `u20261127-101500-042-elical`. File-name safe on every
 * platform (no ':'), sorts by time, and fits the journal's id alphabet.
 */
export function userHeadId(time: Date, family: HeadFamily): string {
  const iso = time.toISOString(); // 2026-11-27T10:15:00.042Z
  return `u${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${iso.slice(20, 23)}-${family}`;
}

export class UserHeadStore {
  constructor(readonly directory: string) {}

  /**
   * Heads of this backbone, oldest first. Files that are not user heads, belong to another
   * backbone, or fail to parse are skipped and reported through `log` (one line each); a broken
   * file never hides the others.
   */
  async load(backboneSha256: string, hiddenSize: number, log: (line: string) => void): Promise<UserHead[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const heads: UserHead[] = [];
    for (const name of names.sort()) {
      if (!name.endsWith('.safetensors')) continue;
      const id = name.slice(0, -'.safetensors'.length);
      const path = join(this.directory, name);
      if (!USER_HEAD_ID.test(id)) {
        log(`user head ${path}: not a name this extension writes; skipped`);
        continue;
      }
      try {
        const bytes = await readFile(path);
        const backbone = decodeSafetensors(bytes).metadata[BACKBONE_SHA256_KEY];
        if (backbone !== backboneSha256) continue; // another package's head: silently not ours
        const { head, metadata } = readHeadFile(bytes, { expectedHiddenSize: hiddenSize });
        heads.push({ id, path, head, metadata });
      } catch (error) {
        log(`user head ${path}: ${(error as Error).message}; skipped`);
      }
    }
    return heads;
  }

  /**
   * Writes a new head file (temporary name, then rename, so a reader never sees half a file).
   * Refuses an id that exists already (a file is never replaced) or that is not a user head id.
   */
  async write(id: string, head: LinearHead | MlpHead, metadata: HeadMetadata, backboneSha256: string): Promise<string> {
    if (!USER_HEAD_ID.test(id)) throw new Error(`${JSON.stringify(id)} is not a user head id (see userHeadId)`);
    if (metadata.kind !== head.kind) throw new Error(`metadata says kind "${metadata.kind}" but the head is "${head.kind}"`);
    if (!/^[0-9a-f]{64}$/.test(backboneSha256)) throw new Error(`backbone sha256 must be 64 lowercase hex digits, got ${JSON.stringify(backboneSha256)}`);
    const tensors: Record<string, Tensor> = {};
    for (const parameter of head.parameters) tensors[parameter.name] = { dtype: 'F32', shape: [...parameter.shape], data: parameter.data };
    const bytes = encodeSafetensors(tensors, { ...serialiseHeadMetadata(metadata), [BACKBONE_SHA256_KEY]: backboneSha256 });
    await mkdir(this.directory, { recursive: true });
    const path = join(this.directory, `${id}.safetensors`);
    const temporary = join(this.directory, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
    await writeFile(temporary, bytes, { flag: 'wx' });
    try {
      // link-free "create only": fail when the target exists rather than replacing a checkpoint.
      const existing = await readdir(this.directory);
      if (existing.includes(`${id}.safetensors`)) throw new Error(`user head ${id} exists already; a checkpoint is never replaced`);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return path;
  }
}
