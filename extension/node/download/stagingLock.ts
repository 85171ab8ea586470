/**
 * One download per staging folder at a time. Two VS Code windows (or a window and `elical
 * download`) asked for the same destination would otherwise append to the same `.part` files and
 * rename the same folder: the sha256 check would catch the damage, but only after both had
 * wasted the transfer. The second one is told at once who holds the folder instead.
 *
 * The lock is a file beside the staging folder (the folder itself is emptied and recreated when
 * the manifest changes). It is written whole under a temporary name, then hard-linked into place:
 * link() fails if the lock exists, so exactly one writer wins and a reader never sees it half
 * written. A lock left by a process that no longer runs on this host (a crash, a killed window)
 * is taken over; one from another host (a shared folder) is respected, and the message says
 * which file to delete if no download is running there.
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { ModelDownloadError } from './modelDownloadError';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

export function stagingLockPath(staging: string): string {
  return `${staging}.lock`;
}

function isOwner(value: unknown): value is LockOwner {
  const owner = value as LockOwner;
  return typeof value === 'object' && value !== null && Number.isInteger(owner.pid) && typeof owner.host === 'string' && typeof owner.startedAt === 'string';
}

async function readOwner(path: string): Promise<LockOwner | null | 'gone'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const owner: unknown = JSON.parse(text);
    return isOwner(owner) ? owner : null;
  } catch {
    return null;
  }
}

/** Whether a process with this id runs here; EPERM means it runs under another user. */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inProgress(path: string, owner: LockOwner | null, destination: string): ModelDownloadError {
  const who = owner === null ? 'another download' : `process ${owner.pid} on ${owner.host === hostname() ? 'this computer' : owner.host} (since ${owner.startedAt})`;
  return new ModelDownloadError(
    'in-progress',
    `${who} is already downloading into ${destination}; wait for it to finish or cancel it. If no download is running, delete ${path} and try again.`,
  );
}

/**
 * Takes the lock of `staging` for this process, or fails with ModelDownloadError 'in-progress'
 * while a live download holds it. Returns the release function (idempotent; it never throws).
 */
export async function acquireStagingLock(staging: string, destination: string): Promise<() => Promise<void>> {
  const path = stagingLockPath(staging);
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
  try {
    // Two rounds at most: the second follows the removal of a stale lock.
    for (let round = 0; round < 2; round += 1) {
      try {
        await link(temporary, path);
        let released = false;
        return async () => {
          if (released) return;
          released = true;
          await unlink(path).catch(() => undefined);
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = await readOwner(path);
      if (holder === 'gone') continue;
      const stale = holder !== null && holder.host === owner.host && holder.pid !== process.pid && !processRuns(holder.pid);
      if (!stale || round === 1) throw inProgress(path, holder, destination);
      // Another process may be taking over the same stale lock: remove it only while it still is
      // the dead holder's (re-read just before), and only one link() can win after that.
      const again = await readOwner(path);
      if (again !== 'gone' && again !== null && again.pid === holder.pid && again.startedAt === holder.startedAt) await unlink(path).catch(() => undefined);
    }
    throw inProgress(path, null, destination);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}
