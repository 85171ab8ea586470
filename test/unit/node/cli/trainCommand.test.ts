import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../extension/node/cli/main';
import type { CliIo } from '../../../../extension/node/cli/cliIo';
import { readHeadFile } from '../../../../extension/core/heads/headFile';
import { loadModelPackage } from '../../../../extension/node/modelPackage';
import { loadOrComputeFeatures } from '../../../../extension/node/featureCache';
import { OnnxModelRunner } from '../../../../extension/node/onnxModelRunner';
import { selectBudgetSubsets } from '../../../../extension/core/training/budgets';
import { syntheticQuestions, syntheticRecords, writeJsonl } from '../../../support/syntheticBench';

const PACKAGE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package');

function memoryIo(signal = new AbortController().signal): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', signal, stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

test('train: Eli-Only then EliCal from it; heads load with the right metadata; --add-to-package registers them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-train-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pkgDir = join(dir, 'package');
  cpSync(PACKAGE, pkgDir, { recursive: true });
  const pkg = await loadModelPackage(pkgDir);
  const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: 0, provider: 'cpu' });
  const questions = syntheticQuestions(120);
  const plain = join(dir, 'questions.jsonl');
  writeJsonl(plain, questions);
  const { features } = await loadOrComputeFeatures({ source: { runner, tokenizer: pkg.tokenizer, prompt: pkg.manifest.prompt, backboneSha256: pkg.manifest.backbone.sha256 }, dataFile: plain, questions: questions.map((q) => q.question) });
  await runner.dispose();
  const bench = join(dir, 'train.jsonl');
  writeJsonl(bench, syntheticRecords(questions, features, pkg.manifest.architecture.hiddenSize, 1));

  const eliOut = join(pkgDir, 'heads', 'eli-test.safetensors');
  const io = memoryIo();
  assert.equal(await main(['train', '--model', pkgDir, '--train', bench, '--family', 'eli-only', '--out', eliOut, '--max-epochs', '3', '--add-to-package'], io), 0, io.err);
  assert.match(io.err, /train: epoch 3, step 3\/3/);
  const eli = readHeadFile(new Uint8Array(readFileSync(eliOut)), { expectedHiddenSize: 64 });
  assert.deepEqual({ ...eli.metadata, training: null }, { family: 'eli-only', kind: 'linear', budget: null, target: 'consistency', seed: 42, training: null });
  assert.equal(eli.metadata.training?.trainSize, 108, '120 records of 60 facts, 6 facts (12 records) held out');
  assert.equal(eli.metadata.training?.validationSize, 12);
  const reloaded = await loadModelPackage(pkgDir);
  const entry = reloaded.manifest.heads.find((head) => head.id === 'eli-test');
  assert.ok(entry);
  assert.equal(entry.family, 'eli-only');
  assert.equal(reloaded.manifest.files['heads/eli-test.safetensors'], entry.sha256);

  const elicalOut = join(dir, 'elical-50.safetensors');
  const io2 = memoryIo();
  assert.equal(await main(['train', '--model', pkgDir, '--train', bench, '--family', 'elical', '--from', 'eli-test', '--budget', '50', '--out', elicalOut, '--max-epochs', '2', '--lr', '1e-12'], io2), 0, io2.err);
  assert.match(io2.err, /features of .*train\.jsonl: cached/);
  const elical = readHeadFile(new Uint8Array(readFileSync(elicalOut)));
  assert.equal(elical.metadata.family, 'elical');
  assert.equal(elical.metadata.budget, 50);
  assert.equal(elical.metadata.target, 'correctness');
  assert.equal((elical.metadata.training?.trainSize ?? 0) + (elical.metadata.training?.validationSize ?? 0), 50);
  // With a vanishing learning rate, the EliCal head is still the Eli-Only head it started from.
  elical.head.parameters.forEach((p, i) => p.data.forEach((value, j) => assert.ok(Math.abs(value - eli.head.parameters[i].data[j]) < 1e-6)));
  // Cal-Only with the same budget and seed trains on the same 50 records (selectBudgetSubsets(120, [50], 42)).
  const calOut = join(dir, 'cal-50.safetensors');
  assert.equal(await main(['train', '--model', pkgDir, '--train', bench, '--family', 'cal-only', '--budget', '50', '--out', calOut, '--max-epochs', '1', '--from', eliOut], memoryIo()), 2);
  assert.equal(await main(['train', '--model', pkgDir, '--train', bench, '--family', 'cal-only', '--budget', '50', '--out', calOut, '--max-epochs', '1'], memoryIo()), 0);
  assert.deepEqual(readHeadFile(new Uint8Array(readFileSync(calOut))).metadata.training?.trainSize, elical.metadata.training?.trainSize);
  assert.equal(selectBudgetSubsets(120, [50], 42)[0].indices.length, 50);

  const errors: [string[], RegExp][] = [
    [['--family', 'elical', '--out', join(dir, 'x.safetensors')], /name it with --from/],
    [['--family', 'elical', '--from', 'nope', '--out', join(dir, 'x.safetensors')], /--from nope is neither a head id of the package/],
    [['--family', 'best', '--out', join(dir, 'x.safetensors')], /--family must be one of eli-only, cal-only, elical/],
    [['--family', 'cal-only', '--budget', '500', '--out', join(dir, 'x.safetensors')], /budget 500 exceeds the 120 available items/],
    [['--family', 'cal-only', '--out', join(dir, 'x.bin')], /--out must name a .safetensors file/],
    [['--family', 'eli-only', '--out', join(dir, 'outside.safetensors'), '--max-epochs', '1', '--add-to-package'], /outside the package/],
    [['--family', 'eli-only', '--out', eliOut, '--max-epochs', '1', '--add-to-package'], /is a file of the package's manifest/],
    [['--family', 'eli-only', '--out', join(pkgDir, 'eli-test.safetensors'), '--max-epochs', '1', '--add-to-package'], /already has a head with id "eli-test"/],
  ];
  for (const [args, message] of errors) {
    const errIo = memoryIo();
    assert.equal(await main(['train', '--model', pkgDir, '--train', bench, ...args], errIo), 2, args.join(' '));
    assert.match(errIo.err, message);
  }
  writeJsonl(join(dir, 'bad.jsonl'), [{ question: 'q', consistency_judgement: [1] }, { question: 'r' }]);
  const badIo = memoryIo();
  assert.equal(await main(['train', '--model', pkgDir, '--train', join(dir, 'bad.jsonl'), '--family', 'eli-only', '--out', join(dir, 'x.safetensors')], badIo), 2);
  assert.match(badIo.err, /bad\.jsonl:2: missing consistency_judgement/);
  await loadModelPackage(pkgDir);
});
