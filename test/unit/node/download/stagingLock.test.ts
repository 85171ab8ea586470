import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelDownloadError } from '../../../../extension/node/download/modelDownloadError';
import { acquireStagingLock, stagingLockPath } from '../../../../extension/node/download/stagingLock';

interface Context {
  after(fn: () => unknown): void;
}

function folder(t: Context): string {
  const dir = mkdtempSync(join(tmpdir(), 'elical-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The id of a process that has ended. */
const DEAD_PID = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

/** A lock as a process that has since ended left it behind (`round` makes each one different). */
function deadLockText(round = 0): string {
  return `${JSON.stringify({ pid: DEAD_PID, host: hostname(), startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, round)).toISOString() })}\n`;
}

function isInProgress(error: unknown): boolean {
  return error instanceof ModelDownloadError && error.code === 'in-progress';
}

test('processes racing to take over the same stale lock: exactly one gets it', async (t) => {
  const dir = folder(t);
  const staging = join(dir, 'tiny.partial');
  const lock = stagingLockPath(staging);
  // The interleaving differs from round to round; the old read-then-unlink takeover let two
  // contenders through in some of them.
  for (let round = 0; round < 40; round += 1) {
    writeFileSync(lock, deadLockText(round));
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireStagingLock(staging, join(dir, 'tiny'))));
    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    assert.equal(winners.length, 1, `round ${round}: ${winners.length} contenders hold the lock`);
    for (const loser of losers) assert.ok(isInProgress(loser.reason), String(loser.reason));
    assert.equal(JSON.parse(readFileSync(lock, 'utf8')).pid, process.pid, 'the lock is the winner\'s');
    await (winners[0] as PromiseFulfilledResult<() => Promise<void>>).value();
    assert.deepEqual(readdirSync(dir), [], 'no lock, marker or temporary file is left');
  }
});

test('a stale lock another process is taking over is left to it', async (t) => {
  const dir = folder(t);
  const staging = join(dir, 'tiny.partial');
  const lock = stagingLockPath(staging);
  const stale = deadLockText();
  writeFileSync(lock, stale);
  // The marker of a takeover in progress (or of one whose process was killed meanwhile).
  const marker = `${lock}.takeover-${createHash('sha256').update(stale).digest('hex').slice(0, 16)}`;
  writeFileSync(marker, '{}\n');
  await assert.rejects(acquireStagingLock(staging, join(dir, 'tiny')), (error: unknown) => isInProgress(error) && /^another download is already downloading into .+ If no download is running, delete .+tiny\.partial\.lock and try again\.$/.test((error as Error).message));
  assert.equal(readFileSync(lock, 'utf8'), stale, 'the stale lock is untouched');
  // Deleting the lock, as the message says, is enough: the leftover marker names the old bytes only.
  rmSync(lock);
  const release = await acquireStagingLock(staging, join(dir, 'tiny'));
  assert.equal(JSON.parse(readFileSync(lock, 'utf8')).pid, process.pid);
  await release();
  assert.deepEqual(readdirSync(dir), [marker.slice(dir.length + 1)]);
});
