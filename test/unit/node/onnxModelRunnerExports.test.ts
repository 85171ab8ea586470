// The runner on the exporter's other package variants: float16 backbones and shared-base LoRA
// (adapters as graph inputs). Both are exported here from the committed fixture checkpoint, so
// they are compared with the same PyTorch reference as the float32 merged package.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfidenceScorer } from '../../../extension/core/scoring/confidenceScorer';
import { loadModelPackage, type ModelPackage } from '../../../extension/node/modelPackage';
import { OnnxModelRunner } from '../../../extension/node/onnxModelRunner';
import { requirePython, runPython } from '../../support/python';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'tiny-llama');
const reference = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as {
  cases: { question: string; inputIds: number[]; lastHiddenState: number[]; lastLogits: number[]; heads: Record<string, number>; greedy: { tokenIds: number[] } }[];
};

let work = '';
before(() => {
  work = mkdtempSync(join(tmpdir(), 'elical-export-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

function exportPackage(name: string, extra: string[]): string {
  const out = join(work, name);
  runPython([join(ROOT, 'tools', 'export_onnx.py'), '--model', join(FIXTURE, 'hf'), '--lora', join(FIXTURE, 'lora'), '--head', join(FIXTURE, 'head', 'vector_head_epoch_best.pt'), '--head-id', 'elical-1000', '--family', 'elical', '--budget', '1000', ...extra, '--out', out]);
  return out;
}

function open(pkg: ModelPackage): OnnxModelRunner {
  return new OnnxModelRunner({
    modelFile: pkg.backbonePath,
    architecture: pkg.manifest.architecture,
    backbone: pkg.manifest.backbone,
    padTokenId: 0,
    provider: 'cpu',
    intraOpNumThreads: 1,
    loraCheckpoints: pkg.loraCheckpoints,
  });
}

function maxDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  return worst;
}

test('shared-base LoRA: adapters fed as graph inputs reproduce the reference, heads included', async (t) => {
  if (!requirePython(t, ['torch', 'onnx'])) return;
  const pkg = await loadModelPackage(exportPackage('shared', ['--shared-lora']));
  assert.deepEqual([...pkg.loraCheckpoints.keys()], ['lora']);
  const runner = open(pkg);
  try {
    for (const item of reference.cases) {
      const out = await runner.forwardLastToken([item.inputIds], { withLogits: true, adapter: 'lora' });
      assert.ok(maxDifference(out.hiddenStates, item.lastHiddenState) <= 1e-4, item.question);
      assert.ok(maxDifference(out.logits as Float32Array, item.lastLogits) <= 1e-4, item.question);
    }
    const greedy = await runner.generate(reference.cases[0].inputIds, { maxNewTokens: 16, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: [2] });
    assert.deepEqual(greedy.tokenIds, reference.cases[0].greedy.tokenIds);
    const scorer = new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, pkg.heads.map(({ entry, head }) => ({ id: entry.id, head, adapter: entry.loraCheckpoint ?? undefined })));
    const score = await scorer.score(reference.cases[1].question);
    assert.ok(Math.abs(score.heads['elical-1000'] - reference.cases[1].heads['elical-1000']) < 1e-5);
    await assert.rejects(runner.forwardLastToken([[1]], { adapter: 'other' }), /unknown LoRA checkpoint "other"; this model has lora/);
  } finally {
    await runner.dispose();
  }
});

test('float16 backbone with shared LoRA: half inputs and outputs stay close to the float32 reference', async (t) => {
  if (!requirePython(t, ['torch', 'onnx'])) return;
  // With --shared-lora too, so LoRA tensors are narrowed to half on the way in as well as outputs widened on the way out.
  const pkg = await loadModelPackage(exportPackage('half', ['--dtype', 'float16', '--shared-lora']));
  assert.equal(pkg.manifest.backbone.dtype, 'float16');
  assert.deepEqual([...pkg.loraCheckpoints.keys()], ['lora']);
  const runner = open(pkg);
  try {
    for (const item of reference.cases) {
      const out = await runner.forwardLastToken([item.inputIds], { withLogits: true });
      // Half precision keeps about 3 significant digits of values of order 1-3.
      assert.ok(maxDifference(out.hiddenStates, item.lastHiddenState) <= 2e-2, `${item.question}: ${maxDifference(out.hiddenStates, item.lastHiddenState)}`);
      assert.ok(maxDifference(out.logits as Float32Array, item.lastLogits) <= 5e-2, item.question);
    }
    const result = await runner.generate(reference.cases[2].inputIds, { maxNewTokens: 4, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: [2] });
    assert.equal(result.tokenIds.length, 4);
  } finally {
    await runner.dispose();
  }
});
