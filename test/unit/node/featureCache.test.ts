import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { featureCachePath, loadOrComputeFeatures } from '../../../extension/node/featureCache';
import { loadModelPackage } from '../../../extension/node/modelPackage';
import { OnnxModelRunner } from '../../../extension/node/onnxModelRunner';
import { buildPrompt } from '../../../extension/core/prompts/promptWrapper';
import type { ModelRunner } from '../../../extension/core/scoring/modelRunner';

const PACKAGE = join(__dirname, '..', '..', 'fixtures', 'tiny-llama', 'package');

test('features: each row equals its prompt run alone; cached when valid; recomputed when data, prompt or file change', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-features-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pkg = await loadModelPackage(PACKAGE);
  const onnx = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: 0, provider: 'cpu' });
  t.after(() => onnx.dispose());
  let forwardRows = 0;
  const runner: ModelRunner = {
    hiddenSize: onnx.hiddenSize, vocabSize: onnx.vocabSize, runtime: 'cpu',
    forwardLastToken: (rows, options) => {
      forwardRows += rows.length;
      return onnx.forwardLastToken(rows, options);
    },
    generate: (ids, options) => onnx.generate(ids, options),
    dispose: async () => undefined,
  };
  const questions = ['What is the capital of Peru?', 'Which river flows through Cairo?', 'Name a prime.', 'Is the sea salty?', 'Who wrote Hamlet?'];
  const data = join(dir, 'bench.jsonl');
  writeFileSync(data, questions.map((question) => `${JSON.stringify({ question })}\n`).join(''));
  const source = { runner, tokenizer: pkg.tokenizer, prompt: pkg.manifest.prompt, backboneSha256: pkg.manifest.backbone.sha256 };
  const first = await loadOrComputeFeatures({ source, dataFile: data, questions, batchSize: 2 });
  assert.equal(first.cached, false);
  assert.equal(forwardRows, 5);
  assert.equal(first.path, featureCachePath(data, pkg.manifest.backbone.sha256));
  const H = pkg.manifest.architecture.hiddenSize;
  for (const [row, question] of questions.entries()) {
    const alone = await onnx.forwardLastToken([buildPrompt(question, pkg.manifest.prompt, pkg.tokenizer).tokenIds]);
    for (let j = 0; j < H; j++) assert.ok(Math.abs(first.features[row * H + j] - alone.hiddenStates[j]) < 1e-5, `row ${row}, ${j}`);
  }
  const second = await loadOrComputeFeatures({ source, dataFile: data, questions });
  assert.equal(second.cached, true);
  assert.equal(forwardRows, 5, 'no forward pass for a valid cache');
  assert.deepEqual(second.features, first.features);

  const newCacheDir = join(dir, 'not', 'yet', 'made');
  const inNewDir = await loadOrComputeFeatures({ source, dataFile: data, questions, batchSize: 2, cacheDir: newCacheDir });
  assert.equal(inNewDir.path, featureCachePath(data, pkg.manifest.backbone.sha256, newCacheDir), 'a cache folder that does not exist yet is created');
  assert.deepEqual(inNewDir.features, first.features);
  // A file of the same name in another folder, in the same shared cache folder: its own cache file.
  const twin = join(dir, 'twin', basename(data));
  mkdirSync(join(dir, 'twin'));
  writeFileSync(twin, readFileSync(data));
  const twinFirst = await loadOrComputeFeatures({ source, dataFile: twin, questions, cacheDir: newCacheDir });
  assert.notEqual(twinFirst.path, inNewDir.path);
  assert.equal((await loadOrComputeFeatures({ source, dataFile: data, questions, cacheDir: newCacheDir })).cached, true, 'the first file\'s cache survived its twin');
  assert.equal((await loadOrComputeFeatures({ source, dataFile: twin, questions, cacheDir: newCacheDir })).cached, true);

  const otherPrompt = await loadOrComputeFeatures({ source: { ...source, prompt: { ...source.prompt, wrapper: 'Q: {question}\nA: ' } }, dataFile: data, questions });
  assert.equal(otherPrompt.cached, false, 'another prompt is another feature');
  writeFileSync(data, questions.slice(0, 4).map((question) => `${JSON.stringify({ question })}\n`).join(''));
  const changed = await loadOrComputeFeatures({ source, dataFile: data, questions: questions.slice(0, 4) });
  assert.equal(changed.cached, false);
  assert.equal(changed.rows, 4);
  writeFileSync(changed.path, 'garbage');
  assert.equal((await loadOrComputeFeatures({ source, dataFile: data, questions: questions.slice(0, 4) })).cached, false, 'a damaged cache is recomputed');
  assert.equal((await loadOrComputeFeatures({ source, dataFile: data, questions: questions.slice(0, 4) })).cached, true);

  const controller = new AbortController();
  controller.abort(new Error('stop'));
  const fresh = join(dir, 'fresh.jsonl');
  writeFileSync(fresh, `${JSON.stringify({ question: 'Never seen?' })}\n`);
  await assert.rejects(loadOrComputeFeatures({ source, dataFile: fresh, questions: ['Never seen?'], signal: controller.signal }), /stop/);
  assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('fresh')), ['fresh.jsonl'], 'an aborted run writes no cache file, partial or whole');
});
