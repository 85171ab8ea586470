import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../extension/node/cli/main';
import type { CliIo } from '../../../../extension/node/cli/cliIo';
import { EvaluationError } from '../../../../extension/node/evaluation/evaluationError';
import { readEvaluationInput, runEvaluation, type EvaluationProgress } from '../../../../extension/node/evaluation/runEvaluation';
import { loadModelPackage, type ModelPackage } from '../../../../extension/node/modelPackage';
import { loadOrComputeFeatures } from '../../../../extension/node/featureCache';
import { OnnxModelRunner } from '../../../../extension/node/onnxModelRunner';
import { syntheticQuestions, syntheticRecords, writeJsonl } from '../../../support/syntheticBench';

const PACKAGE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package');

function memoryIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', signal: new AbortController().signal, stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

async function openTiny(): Promise<{ pkg: ModelPackage; runner: OnnxModelRunner }> {
  const pkg = await loadModelPackage(PACKAGE);
  const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: pkg.manifest.generation.padTokenId, provider: 'cpu' });
  return { pkg, runner };
}

/** The eval CLI test's synthetic HonestyBench files (train 300, test_in 120, test_ood 80) in `dir`. */
async function syntheticFiles(dir: string, model: { pkg: ModelPackage; runner: OnnxModelRunner }): Promise<Record<'train' | 'test_in' | 'test_ood', string>> {
  const { pkg, runner } = model;
  const files: Record<string, string> = {};
  const scratch = join(dir, 'scratch');
  mkdirSync(scratch);
  for (const [name, count, offset, seed] of [['train', 300, 0, 1], ['test_in', 120, 300, 2], ['test_ood', 80, 420, 3]] as const) {
    const questions = syntheticQuestions(count, offset);
    const plain = join(scratch, `q_${name}.jsonl`);
    writeJsonl(plain, questions);
    const { features } = await loadOrComputeFeatures({ source: { runner, tokenizer: pkg.tokenizer, prompt: pkg.manifest.prompt, backboneSha256: pkg.manifest.backbone.sha256 }, dataFile: plain, questions: questions.map((q) => q.question) });
    files[name] = join(dir, `${name}.jsonl`);
    writeJsonl(files[name], syntheticRecords(questions, features, 64, seed));
  }
  rmSync(scratch, { recursive: true });
  return files as Record<'train' | 'test_in' | 'test_ood', string>;
}

const OPTIONS = { kinds: ['linear'] as const, bootstrap: 0, settings: { learningRate: 0.02, batchSize: 64, maxEpochs: 20 } };
const CLI_OPTIONS = ['--kinds', 'linear', '--lr', '0.02', '--batch-size', '64', '--max-epochs', '20', '--bootstrap', '0'];

test('runEvaluation: the same markdown, CSV and JSON as elical eval; plots; progress; the runner stays open', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-run-eval-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const model = await openTiny();
  t.after(() => model.runner.dispose());
  const files = await syntheticFiles(dir, model);
  const cacheDir = join(dir, 'cache');
  const tests = [{ file: files.test_in, domain: 'in' as const }, { file: files.test_ood, domain: 'ood' as const }];
  const events: EvaluationProgress[] = [];
  const report = await runEvaluation({
    model, files: { train: files.train, tests, budgets: [50, 100, 500, null] }, ...OPTIONS, kinds: [...OPTIONS.kinds], cacheDir,
    onProgress: (event) => events.push(event),
  });
  assert.deepEqual(report.budgets, [50, 100, null]);
  assert.deepEqual(report.droppedBudgets, [500]);
  assert.deepEqual([...report.plots.keys()].sort(), ['auroc-vs-budget-in-linear.svg', 'auroc-vs-budget-ood-linear.svg', 'reliability-in-linear.svg', 'reliability-ood-linear.svg']);
  assert.match(report.plots.get('auroc-vs-budget-in-linear.svg') as string, /all \(300\)/);
  assert.deepEqual(events.filter((e) => e.phase === 'features-ready').map((e) => e.phase === 'features-ready' && [e.file, e.cached]), [[files.train, false], [files.test_in, false], [files.test_ood, false]]);
  const heads = events.filter((e): e is Extract<EvaluationProgress, { phase: 'heads' }> => e.phase === 'heads');
  assert.deepEqual(heads.map((e) => `${e.done}/${e.total}`), ['1/7', '2/7', '3/7', '4/7', '5/7', '6/7', '7/7'], 'Eli-Only + (Cal-Only + EliCal) x 3 budgets');
  assert.ok(events.some((e) => e.phase === 'features' && e.file === files.train && e.done === 300 && e.total === 300));
  assert.ok(events.some((e) => e.phase === 'log' && /^eli-only linear head, budget all/.test(e.message)));

  // The CLI on the same files, options and (now warm) cache prints the same text.
  const common = ['eval', '--model', PACKAGE, '--train', files.train, '--test', `${files.test_in}:in`, '--test', `${files.test_ood}:ood`, '--budgets', '50,100,500,all', ...CLI_OPTIONS, '--cache', cacheDir];
  for (const format of ['md', 'csv', 'json'] as const) {
    const io = memoryIo();
    assert.equal(await main([...common, '--format', format], io), 0, io.err);
    assert.equal(format === 'md' ? report.markdown : format === 'csv' ? report.csv : report.json, io.out, `${format} equals the CLI's`);
  }
  assert.match(report.markdown, /^# EliCal evaluation: /);

  // The runner is not disposed: a second run (features now cached) works and agrees.
  const again = await runEvaluation({ model, files: await readEvaluationInput({ train: files.train, tests, budgets: [50, 100, 500, null] }), ...OPTIONS, kinds: [...OPTIONS.kinds], cacheDir });
  assert.equal(again.markdown, report.markdown);
});

test('runEvaluation: an abort mid-way rejects with its reason and writes nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-run-eval-abort-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const model = await openTiny();
  t.after(() => model.runner.dispose());
  const files = await syntheticFiles(dir, model);
  const request = { model, files: { train: files.train, tests: [{ file: files.test_in, domain: 'in' as const }], budgets: [50, null] }, ...OPTIONS, kinds: [...OPTIONS.kinds] };
  // During the features: not even the feature cache is written.
  const cacheDir = join(dir, 'cache');
  mkdirSync(cacheDir);
  const before = readdirSync(dir).sort();
  const duringFeatures = new AbortController();
  const reason = new Error('cancelled by the user');
  await assert.rejects(runEvaluation({ ...request, cacheDir, signal: duringFeatures.signal, onProgress: (event) => event.phase === 'features' && duringFeatures.abort(reason) }), (error) => error === reason);
  assert.deepEqual(readdirSync(cacheDir), [], 'no feature cache, partial or whole');
  assert.deepEqual(readdirSync(dir).sort(), before.sort());

  // During the training (features already cached): rejects, not an EvaluationError.
  const warm = join(dir, 'warm');
  const first = await runEvaluation({ ...request, cacheDir: warm });
  const cached = readdirSync(warm).sort();
  const duringHeads = new AbortController();
  await assert.rejects(runEvaluation({ ...request, cacheDir: warm, signal: duringHeads.signal, onProgress: (event) => event.phase === 'heads' && duringHeads.abort(reason) }), (error) => error === reason);
  assert.deepEqual(readdirSync(warm).sort(), cached, 'only the cache, unchanged');
  assert.ok(first.markdown.length > 0);

  // Already aborted: rejects before reading anything.
  const already = new AbortController();
  already.abort(reason);
  await assert.rejects(runEvaluation({ ...request, files: { ...request.files, train: join(dir, 'missing.jsonl') }, signal: already.signal }), (error) => error === reason);
});

test('runEvaluation: bad files and bad requests give an EvaluationError naming the problem', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-run-eval-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const model = await openTiny();
  t.after(() => model.runner.dispose());
  const good = (question: string) => ({ question, greedy_correctness: 1, consistency_judgement: [1, 0], greedy_tokens: [['a']], greedy_cumulative_logprobs: [-0.1] });
  const train = join(dir, 'train.jsonl');
  writeJsonl(train, [good('a?'), good('b?'), good('c?')]);
  const testFile = join(dir, 'test.jsonl');
  writeJsonl(testFile, [good('d?'), good('e?')]);
  const malformed = join(dir, 'malformed.jsonl');
  writeFileSync(malformed, `${JSON.stringify(good('f?'))}\n{"question": "g?", "greedy_correctness": "yes"}\n`);
  const noJudgement = join(dir, 'no-judgement.jsonl');
  writeJsonl(noJudgement, [good('h?'), { question: 'i?', greedy_correctness: 0 }]);
  const cacheDir = join(dir, 'cache');
  const run = (files: { train: string; tests: { file: string; domain: 'in' | 'ood' }[]; budgets: (number | null)[] }) => runEvaluation({ model, files, ...OPTIONS, kinds: [...OPTIONS.kinds], cacheDir });
  const cases: [Parameters<typeof run>[0], RegExp][] = [
    [{ train, tests: [{ file: join(dir, 'missing.jsonl'), domain: 'in' }], budgets: [null] }, /^cannot read .*missing\.jsonl \(ENOENT\)$/],
    [{ train, tests: [{ file: malformed, domain: 'ood' }], budgets: [null] }, /malformed\.jsonl:2: field greedy_correctness must be one of 0, 1, got "yes"/],
    [{ train, tests: [{ file: train, domain: 'in' }], budgets: [null] }, /is both the training pool and a test set/],
    [{ train, tests: [{ file: testFile, domain: 'in' }, { file: testFile, domain: 'ood' }], budgets: [null] }, /a test file is named twice/],
    [{ train, tests: [], budgets: [null] }, /no test files/],
    [{ train, tests: [{ file: testFile, domain: 'in' }], budgets: [100] }, /no budget fits the training pool/],
  ];
  for (const [files, message] of cases) {
    await assert.rejects(run(files), (error) => error instanceof EvaluationError && message.test(error.message), JSON.stringify(files));
  }
  assert.deepEqual(readdirSync(dir).sort(), ['malformed.jsonl', 'no-judgement.jsonl', 'test.jsonl', 'train.jsonl'], 'nothing read-only failed after writing');
  // A record lacking a field the comparison needs (found once the features are in).
  await assert.rejects(run({ train, tests: [{ file: noJudgement, domain: 'in' }], budgets: [null] }), (error) => error instanceof EvaluationError && /no-judgement\.jsonl:2: missing consistency_judgement/.test(error.message));
});
