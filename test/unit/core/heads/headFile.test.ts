import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHeadFile, writeHeadFile } from '../../../../extension/core/heads/headFile';
import { HeadMetadata } from '../../../../extension/core/heads/headMetadata';
import { LinearHead } from '../../../../extension/core/heads/linearHead';
import { MlpHead, mlpLayerSizes } from '../../../../extension/core/heads/mlpHead';
import { encodeSafetensors } from '../../../../extension/core/heads/safetensors';
import { requirePython, runPython } from '../../../support/python';

const SCRIPT = 'test/fixtures/heads/safetensors_torch.py';

function values(n: number, seed: number): Float32Array {
  // A fixed, irregular sequence (no PRNG needed for test data of this size).
  return Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed * 1000 + i * 12.9898) * 0.7));
}

function mlp(h: number, seed: number): MlpHead {
  const [h1, h2] = mlpLayerSizes(h);
  return new MlpHead(h, {
    w0: values(h1 * h, seed), b0: values(h1, seed + 1), w2: values(h2 * h1, seed + 2),
    b2: values(h2, seed + 3), w4: values(h2, seed + 4), b4: values(1, seed + 5),
  });
}

function meta(kind: 'linear' | 'mlp'): HeadMetadata {
  return {
    family: 'cal-only', kind, budget: 200, target: 'correctness', seed: 7,
    training: { epochsRun: 5, bestEpoch: 1, validationLoss: 0.2, trainSize: 180, validationSize: 20 },
  };
}

test('headFile: linear and MLP heads round trip with identical predictions', () => {
  const x = values(3 * 12, 99);
  for (const head of [new LinearHead(values(12, 1), 0.25), mlp(12, 2)]) {
    const bytes = writeHeadFile(head, meta(head.kind));
    const back = readHeadFile(bytes, { expectedHiddenSize: 12 });
    assert.deepEqual(back.metadata, meta(head.kind));
    assert.equal(back.head.kind, head.kind);
    assert.deepEqual(back.head.predict(x, 3), head.predict(x, 3));
  }
});

test('headFile: shape and naming errors are clear', () => {
  const linear = new LinearHead(values(8, 1), 0);
  const bytes = writeHeadFile(linear, meta('linear'));
  assert.throws(() => readHeadFile(bytes, { expectedHiddenSize: 4096 }), /head expects hidden size 8 but the backbone produces 4096/);
  assert.throws(() => writeHeadFile(linear, meta('mlp')), /metadata says kind "mlp" but the head is "linear"/);
  const strings = {
    format: 'elical-head', formatVersion: '1', kind: 'linear', family: 'elical', budget: 'all', target: 'correctness', seed: '1',
    training: '{"epochsRun":0,"bestEpoch":0,"validationLoss":null,"trainSize":0,"validationSize":0}',
  };
  const f = (n: number): Float32Array => new Float32Array(n);
  assert.throws(
    () => readHeadFile(encodeSafetensors({ weight: { dtype: 'F32', shape: [8], data: f(8) }, bias: { dtype: 'F32', shape: [1], data: f(1) } }, strings)),
    /tensor weight has shape \[8\], expected \[1, H\]/,
  );
  assert.throws(
    () => readHeadFile(encodeSafetensors({ weight: { dtype: 'F32', shape: [1, 8], data: f(8) }, bias: { dtype: 'F32', shape: [2], data: f(2) } }, strings)),
    /tensor bias has shape \[2\], expected \[1\]/,
  );
  assert.throws(
    () => readHeadFile(encodeSafetensors({ weight: { dtype: 'F32', shape: [1, 8], data: f(8) } }, strings)),
    /a linear head file must hold tensors bias, weight; this one holds weight/,
  );
  assert.throws(
    () => readHeadFile(encodeSafetensors({ weight: { dtype: 'I32', shape: [1, 1], data: Int32Array.of(1) }, bias: { dtype: 'F32', shape: [1], data: f(1) } }, strings)),
    /tensor weight has dtype I32; a head needs floating-point weights/,
  );
  const mlpStrings = { ...strings, kind: 'mlp' };
  const tensors = Object.fromEntries(mlp(8, 3).parameters.map((p) => [p.name, { dtype: 'F32' as const, shape: [...p.shape], data: p.data }]));
  tensors['2.weight'] = { dtype: 'F32', shape: [2, 3], data: f(6) };
  assert.throws(() => readHeadFile(encodeSafetensors(tensors, mlpStrings)), /tensor 2.weight has shape \[2, 3\], expected \[2, 4\]/);
  // An F16 file (e.g. from a half-precision export) is read into float32.
  const half = readHeadFile(encodeSafetensors({ weight: { dtype: 'F16', shape: [1, 2], data: Float32Array.of(0.5, 1 / 3) }, bias: { dtype: 'F16', shape: [1], data: f(1) } }, strings));
  assert.deepEqual(Array.from((half.head as LinearHead).weight), [0.5, 0.333251953125]);
});

test('headFile: TS-written heads load into PyTorch modules with the same outputs, and PyTorch-written heads load here', (t) => {
  if (!requirePython(t, ['torch'])) return;
  const dir = mkdtempSync(join(tmpdir(), 'head-'));
  try {
    const h = 16;
    const x = values(4 * h, 5);
    for (const head of [new LinearHead(values(h, 1), -0.125), mlp(h, 2)]) {
      const path = join(dir, `${head.kind}.safetensors`);
      writeFileSync(path, writeHeadFile(head, meta(head.kind)));
      const torchSide = JSON.parse(runPython([SCRIPT, 'read', path], { input: JSON.stringify(Array.from(x)) })) as { outputs: number[]; metadata: Record<string, string> };
      assert.equal(torchSide.metadata.kind, head.kind);
      const ours = head.predict(x, 4);
      // float32 matmul in torch vs float64 accumulation here: agree to float32 rounding.
      torchSide.outputs.forEach((value, i) => assert.ok(Math.abs(value - ours[i]) < 1e-6, `${head.kind} row ${i}: ${value} vs ${ours[i]}`));
    }
    for (const kind of ['linear', 'mlp'] as const) {
      const path = join(dir, `torch-${kind}.safetensors`);
      const made = JSON.parse(runPython([SCRIPT, 'write', path, kind, String(h), '3'])) as { features: number[]; outputs: number[] };
      const { head, metadata } = readHeadFile(new Uint8Array(readFileSync(path)), { expectedHiddenSize: h });
      assert.equal(head.kind, kind);
      assert.equal(metadata.family, 'cal-only');
      const ours = head.predict(Float32Array.from(made.features), 3);
      made.outputs.forEach((value, i) => assert.ok(Math.abs(value - ours[i]) < 1e-6, `${kind} row ${i}: ${value} vs ${ours[i]}`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
