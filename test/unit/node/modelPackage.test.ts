import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelPackageError, type ModelPackageErrorCode } from '../../../extension/core/scoring/modelPackageError';
import { encodeSafetensors } from '../../../extension/core/heads/safetensors';
import { loadModelPackage, sha256File } from '../../../extension/node/modelPackage';
import { OnnxModelRunner } from '../../../extension/node/onnxModelRunner';

const PACKAGE = join(__dirname, '..', '..', 'fixtures', 'tiny-llama', 'package');

/** A fresh copy of the fixture package that a test may corrupt. */
function copyPackage(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'elical-pkg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(PACKAGE, dir, { recursive: true });
  return dir;
}

/** The fixture manifest's fields the tests change (the JSON is the fixture's, so its shape is known). */
interface EditableManifest {
  formatVersion: number;
  architecture: { numKeyValueHeads: number };
  backbone: { sha256: string };
  heads: { file: string; sha256: string }[];
  files: Record<string, string>;
}

function editManifest(dir: string, edit: (manifest: EditableManifest) => void): void {
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as EditableManifest;
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest));
}

async function assertPackageError(promise: Promise<unknown>, code: ModelPackageErrorCode, file: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ModelPackageError, `expected a ModelPackageError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.file, file);
    assert.match(error.message, message);
    return true;
  });
}

test('the fixture package loads: manifest, heads, tokenizer', async () => {
  const pkg = await loadModelPackage(PACKAGE);
  assert.equal(pkg.manifest.name, 'tiny-llama-fixture');
  assert.deepEqual(pkg.heads.map(({ entry, head }) => [entry.id, head.kind, head.hiddenSize]), [['elical-1000', 'linear', 64], ['eli-only-mlp', 'mlp', 64]]);
  assert.equal(pkg.tokenizer.specialTokenIds.eos, 2);
});

test('sha256File streams the same digest as sha256sum-style hashing in Python', async (t) => {
  const dir = copyPackage(t);
  const file = join(dir, 'probe.bin');
  writeFileSync(file, Buffer.alloc(3 * 1024 * 1024 + 7, 'ab'));
  // Worked example: sha256 of "abc" is ba7816bf...
  writeFileSync(join(dir, 'abc.txt'), 'abc');
  assert.equal(await sha256File(join(dir, 'abc.txt')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const { createHash } = await import('node:crypto');
  assert.equal(await sha256File(file), createHash('sha256').update(readFileSync(file)).digest('hex'));
});

test('a truncated backbone fails its sha256 check, naming the file and the fix', async (t) => {
  const dir = copyPackage(t);
  const expected = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as EditableManifest).backbone.sha256;
  truncateSync(join(dir, 'backbone.onnx'), 1000);
  const actual = await sha256File(join(dir, 'backbone.onnx'));
  await assertPackageError(
    loadModelPackage(dir),
    'sha256-mismatch',
    'backbone.onnx',
    new RegExp(`sha256 mismatch \\(expected ${expected}, got ${actual}\\)\\. The file is corrupt or was changed after export; re-export the package or restore the file\\.`),
  );
});

test('a truncated backbone whose hash was updated fails when onnxruntime reads it', async (t) => {
  const dir = copyPackage(t);
  const path = join(dir, 'backbone.onnx');
  truncateSync(path, 4000);
  const digest = await sha256File(path);
  editManifest(dir, (manifest) => {
    manifest.backbone.sha256 = digest;
    manifest.files['backbone.onnx'] = digest;
  });
  const pkg = await loadModelPackage(dir);
  const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: 0, provider: 'cpu' });
  await assertPackageError(runner.load(), 'onnx-unreadable', 'backbone.onnx', /onnxruntime cannot load the graph .*truncated, corrupt or not an ONNX model/);
  await runner.dispose();
});

test('a graph that does not match the manifest architecture is refused with the input it disagrees on', async (t) => {
  const dir = copyPackage(t);
  editManifest(dir, (manifest) => {
    manifest.architecture.numKeyValueHeads = 4;
  });
  const pkg = await loadModelPackage(dir);
  const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: 0, provider: 'cpu' });
  await assertPackageError(runner.load(), 'onnx-signature-mismatch', 'backbone.onnx', /graph input past_key_values\.0\.key has shape \[batch, 2, past, 16\], expected \[batch, kvHeads, past, headDim\] = \[\?, 4, \?, 16\]/);
  await runner.dispose();
});

test('a head with a wrong sha256 is named', async (t) => {
  const dir = copyPackage(t);
  editManifest(dir, (manifest) => {
    manifest.heads[1].sha256 = '0'.repeat(64);
  });
  const actual = await sha256File(join(dir, 'heads', 'eli-only-mlp.safetensors'));
  await assertPackageError(loadModelPackage(dir), 'sha256-mismatch', 'heads/eli-only-mlp.safetensors', new RegExp(`expected 0{64}, got ${actual}`));
});

test('a head of the wrong hidden size is refused with both sizes', async (t) => {
  const dir = copyPackage(t);
  const bytes = encodeSafetensors(
    { weight: { dtype: 'F32', shape: [1, 32], data: new Float32Array(32).fill(0.1) }, bias: { dtype: 'F32', shape: [1], data: Float32Array.of(0) } },
    { format: 'elical-head', formatVersion: '1', kind: 'linear', family: 'elical', budget: '1000', target: 'correctness', seed: '1', training: JSON.stringify({ epochsRun: 1, bestEpoch: 1, validationLoss: 0.1, trainSize: 10, validationSize: 2 }) },
  );
  writeFileSync(join(dir, 'heads', 'elical-1000.safetensors'), bytes);
  const digest = await sha256File(join(dir, 'heads', 'elical-1000.safetensors'));
  editManifest(dir, (manifest) => {
    manifest.heads[0].sha256 = digest;
    manifest.files['heads/elical-1000.safetensors'] = digest;
  });
  await assertPackageError(loadModelPackage(dir), 'head-hidden-size-mismatch', 'heads/elical-1000.safetensors', /reads hidden states of size 32, but the backbone's hidden size is 64/);
});

test('a missing tokenizer file is its own error', async (t) => {
  const dir = copyPackage(t);
  rmSync(join(dir, 'tokenizer.json'));
  await assertPackageError(loadModelPackage(dir), 'tokenizer-missing', 'tokenizer.json', /file not found .*the tokenizer is part of the package/);
});

test('a tokenizer that is not JSON is tokenizer-invalid (after its hash is updated)', async (t) => {
  const dir = copyPackage(t);
  writeFileSync(join(dir, 'tokenizer_config.json'), '{ nope');
  const digest = await sha256File(join(dir, 'tokenizer_config.json'));
  editManifest(dir, (manifest) => {
    manifest.files['tokenizer_config.json'] = digest;
  });
  await assertPackageError(loadModelPackage(dir), 'tokenizer-invalid', 'tokenizer_config.json', /is not valid JSON/);
});

test('missing files, paths leaving the package and unsupported versions each have their code', async (t) => {
  const missingHead = copyPackage(t);
  rmSync(join(missingHead, 'heads', 'elical-1000.safetensors'));
  await assertPackageError(loadModelPackage(missingHead), 'file-missing', 'heads/elical-1000.safetensors', /file not found/);

  const escaping = copyPackage(t);
  editManifest(escaping, (manifest) => {
    manifest.heads[0].file = '../elsewhere.safetensors';
  });
  await assertPackageError(loadModelPackage(escaping), 'path-outside-package', 'manifest.json', /leaves the package folder/);

  const linked = copyPackage(t);
  const outside = mkdtempSync(join(tmpdir(), 'elical-outside-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  cpSync(join(linked, 'heads', 'elical-1000.safetensors'), join(outside, 'h.safetensors'));
  rmSync(join(linked, 'heads', 'elical-1000.safetensors'));
  symlinkSync(join(outside, 'h.safetensors'), join(linked, 'heads', 'elical-1000.safetensors'));
  await assertPackageError(loadModelPackage(linked), 'path-outside-package', 'heads/elical-1000.safetensors', /outside the package folder/);

  const future = copyPackage(t);
  editManifest(future, (manifest) => {
    manifest.formatVersion = 2;
  });
  await assertPackageError(loadModelPackage(future), 'format-unsupported', 'manifest.json', /formatVersion 2 is not supported; this version of EliCal reads format version\(s\) 1/);

  const broken = copyPackage(t);
  writeFileSync(join(broken, 'manifest.json'), '{');
  await assertPackageError(loadModelPackage(broken), 'manifest-not-json', 'manifest.json', /not valid JSON/);

  const empty = mkdtempSync(join(tmpdir(), 'elical-empty-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  await assertPackageError(loadModelPackage(empty), 'manifest-missing', 'manifest.json', /not found/);
});
