/**
 * Writes a whole file so that readers (and an interrupted run) see either the old file or the
 * complete new one, never half of it: write a uniquely named temporary file in the same folder,
 * fsync it, then rename it over the target (atomic within one file system on POSIX).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/** On any failure the temporary file is removed and the target is left as it was. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.partial`;
  const handle = await open(temporary, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    await rename(temporary, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}
