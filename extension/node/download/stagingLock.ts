/**
 * One download per staging folder at a time. Two VS Code windows (or a window and `elical
 * download`) asked for the same destination would otherwise append to the same `.part` files and
 * rename the same folder: the sha256 check would catch the damage, but only after both had
 * wasted the transfer. The second one is told at once who holds the folder instead.
 *
 * The lock is a file beside the staging folder (the folder itself is emptied and recreated when
 * the manifest changes). It is written whole under a temporary name, then hard-linked into place:
 * link() fails if the lock exists, so exactly one writer wins and a reader never sees it half
 * written. A lock from another host (a shared folder) is respected, and the message says which
 * file to delete if no download is running there.
 *
 * A lock left by a process that no longer runs on this host (a crash, a killed window) is taken
 * over, and that takeover is where two processes could both win: each sees the same dead holder,
 * A removes the lock and links its own, then B, acting on what it read before, removes A's fresh
 * lock and links its own. No file system call removes a file only if it still holds given bytes,
 * so the removal is made exclusive instead: only the process that creates (by link(), which
 * fails if it exists) a marker named after the stale lock's exact bytes,
 * `LOCK.takeover-<sha256 prefix>`, may remove that lock. Under the marker it reads the lock again
 * and removes it only if it still holds those bytes; nothing else removes a dead holder's lock, so
 * the bytes cannot change between that read and the removal. The marker goes once the stale lock
 * is gone, and the winner then competes with link() like any newcomer. A process that finds the
 * marker taken reports 'in-progress': the one holding it is about to start the download.
 * Limits: a process killed while it holds a marker leaves the dead lock in place, and every later
 * run reports 'in-progress' until someone deletes the lock (the message names it; the marker left
 * behind names bytes that never come back, so it is harmless); and a person deleting the lock by
 * hand while a download runs is not detected.
 */
import { createHash, randomBytes } from 'node:crypto';
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

/** The lock's bytes, or null when there is no lock. */
async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function parseOwner(text: string): LockOwner | null {
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
 * Removes the stale lock at `path` whose bytes were `staleText`, unless another process is doing
 * so (see the file comment). False when another process holds the takeover marker.
 */
async function removeStaleLock(path: string, staleText: string, temporary: string): Promise<boolean> {
  const marker = `${path}.takeover-${createHash('sha256').update(staleText).digest('hex').slice(0, 16)}`;
  try {
    // The marker holds this process's owner record, for whoever finds one left behind.
    await link(temporary, marker);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    // Another process may have taken it over already (and released the marker since).
    if ((await readText(path)) === staleText) await unlink(path);
    return true;
  } finally {
    await unlink(marker).catch(() => undefined);
  }
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
    // A few rounds: after a stale lock was removed, or a lock went between link() and the read.
    for (let round = 0; round < 3; round += 1) {
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
      const text = await readText(path);
      if (text === null) continue;
      const holder = parseOwner(text);
      const stale = holder !== null && holder.host === owner.host && holder.pid !== process.pid && !processRuns(holder.pid);
      if (!stale) throw inProgress(path, holder, destination);
      // Another process taking the same stale lock over will be the one downloading.
      if (!(await removeStaleLock(path, text, temporary))) throw inProgress(path, null, destination);
    }
    throw inProgress(path, null, destination);
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}
