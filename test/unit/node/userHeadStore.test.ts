import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeadMetadata } from '../../../extension/core/heads/headMetadata';
import { LinearHead } from '../../../extension/core/heads/linearHead';
import { BACKBONE_SHA256_KEY, UserHeadStore, userHeadId } from '../../../extension/node/userHeadStore';
import { decodeSafetensors } from '../../../extension/core/heads/safetensors';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const META: HeadMetadata = { family: 'elical', kind: 'linear', budget: 12, target: 'correctness', seed: 42, training: { epochsRun: 5, bestEpoch: 3, validationLoss: 0.2, trainSize: 10, validationSize: 2 } };

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'user-heads-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('doc example: the id of a head trained at 2026-11-27T10:15:00.042Z (elical)', () => {
  assert.equal(userHeadId(new Date('2026-11-27T10:15:00.042Z'), 'elical'), 'u20261127-101500-042-elical');
  assert.equal(userHeadId(new Date('2026-01-02T03:04:05.006Z'), 'cal-only'), 'u20260102-030405-006-cal-only');
});

test('a written head loads back bit for bit with its metadata; other backbones and junk are skipped', async () => {
  await withDir(async (dir) => {
    const store = new UserHeadStore(join(dir, 'heads'));
    assert.deepEqual(await store.load(SHA_A, 3, () => {}), [], 'a missing folder holds no heads');
    const head = new LinearHead(Float32Array.from([0.5, -1.25, 3]), 0.125);
    const id = userHeadId(new Date('2026-11-27T10:15:00.042Z'), 'elical');
    const path = await store.write(id, head, META, SHA_A);
    assert.equal(decodeSafetensors(new Uint8Array(await import('node:fs').then((fs) => fs.readFileSync(path)))).metadata[BACKBONE_SHA256_KEY], SHA_A);
    const other = userHeadId(new Date('2026-11-27T10:16:00.000Z'), 'cal-only');
    await store.write(other, new LinearHead(Float32Array.from([1, 1, 1]), 0), { ...META, family: 'cal-only' }, SHA_B);
    await writeFile(join(dir, 'heads', 'u20261127-101700-000-elical.safetensors'), 'not safetensors');
    await writeFile(join(dir, 'heads', 'notes.safetensors'), 'x');
    const log: string[] = [];
    const loaded = await store.load(SHA_A, 3, (line) => log.push(line));
    assert.equal(loaded.length, 1);
    assert.equal(loaded[0].id, id);
    assert.deepEqual(loaded[0].metadata, META);
    assert.deepEqual(loaded[0].head.parameters.map((p) => Array.from(p.data)), head.parameters.map((p) => Array.from(p.data)));
    assert.equal(log.length, 2, log.join('\n'));
    assert.ok(log.some((line) => line.includes('notes.safetensors') && /not a name/.test(line)));
    assert.ok(log.some((line) => line.includes('u20261127-101700-000-elical')));
    // The head of the other backbone is there for its own package.
    assert.deepEqual((await store.load(SHA_B, 3, () => {})).map((h) => h.id), [other]);
    // A hidden size that does not fit is reported, not applied.
    const wrongSize: string[] = [];
    assert.deepEqual(await store.load(SHA_A, 4, (line) => wrongSize.push(line)), []);
    assert.match(wrongSize.join('\n'), /hidden size|3.*4|4.*3/);
  });
});

test('a checkpoint is never replaced, bad ids and hashes write nothing', async () => {
  await withDir(async (dir) => {
    const store = new UserHeadStore(dir);
    const head = new LinearHead(Float32Array.from([1, 2]), 0);
    const id = userHeadId(new Date('2026-11-27T10:15:00.042Z'), 'elical');
    await store.write(id, head, META, SHA_A);
    await assert.rejects(store.write(id, head, META, SHA_A), /exists already/);
    await assert.rejects(store.write('../evil', head, META, SHA_A), /not a user head id/);
    await assert.rejects(store.write(userHeadId(new Date(0), 'elical'), head, META, 'XYZ'), /64 lowercase hex/);
    await assert.rejects(store.write(userHeadId(new Date(1), 'elical'), head, { ...META, kind: 'mlp' }, SHA_A), /kind/);
    assert.deepEqual(await readdir(dir), [`${id}.safetensors`], 'no temporary or partial files remain');
  });
});
