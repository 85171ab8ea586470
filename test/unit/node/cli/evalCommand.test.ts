import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../extension/node/cli/main';
import type { CliIo } from '../../../../extension/node/cli/cliIo';
import { parseBudgetList, parseTestOption } from '../../../../extension/node/cli/evalCommand';
import { loadModelPackage } from '../../../../extension/node/modelPackage';
import { loadOrComputeFeatures } from '../../../../extension/node/featureCache';
import { OnnxModelRunner } from '../../../../extension/node/onnxModelRunner';
import { syntheticQuestions, syntheticRecords, writeJsonl } from '../../../support/syntheticBench';

const PACKAGE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package');

function memoryIo(signal = new AbortController().signal): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', signal, stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

test('eval on synthetic data from the tiny package: md, csv, json, plots, domain averages, bucket accuracy', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-eval-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pkg = await loadModelPackage(PACKAGE);
  const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: 0, provider: 'cpu' });
  const files: Record<string, string> = {};
  for (const [name, count, offset, seed] of [['train', 300, 0, 1], ['test_in', 120, 300, 2], ['test_ood', 80, 420, 3]] as const) {
    const questions = syntheticQuestions(count, offset);
    const plain = join(dir, `q_${name}.jsonl`);
    writeJsonl(plain, questions);
    const { features } = await loadOrComputeFeatures({ source: { runner, tokenizer: pkg.tokenizer, prompt: pkg.manifest.prompt, backboneSha256: pkg.manifest.backbone.sha256 }, dataFile: plain, questions: questions.map((q) => q.question) });
    files[name] = join(dir, `${name}.jsonl`);
    writeJsonl(files[name], syntheticRecords(questions, features, 64, seed));
  }
  await runner.dispose();
  const common = ['eval', '--model', PACKAGE, '--train', files.train, '--test', `${files.test_in}:in`, '--test', `${files.test_ood}:ood`, '--budgets', '50,100,500,all', '--kinds', 'linear', '--lr', '0.02', '--batch-size', '64', '--max-epochs', '20', '--bootstrap', '0'];

  const cacheDir = join(dir, 'cache');
  mkdirSync(cacheDir);
  const jsonIo = memoryIo();
  assert.equal(await main([...common, '--format', 'json', '--cache', cacheDir], jsonIo), 0, jsonIo.err);
  assert.match(jsonIo.err, /budgets 500 exceed the 300 records/);
  assert.match(jsonIo.err, /eval: done in/);
  const report = JSON.parse(jsonIo.out);
  assert.deepEqual(report.budgets, [50, 100, 'all']);
  assert.deepEqual(report.judges, ['containment']);
  const cell = (scope: string, method: string, budget?: number | string) => report.cells.find((c: { scope: string; method: string; budget?: number | string }) => c.scope === scope && c.method === method && c.budget === budget);
  for (const scope of [files.test_in, files.test_ood, 'in-domain', 'out-of-domain']) {
    assert.ok(cell(scope, 'Eli-Only').metrics.auroc > 70, `${scope} Eli-Only beats chance: ${cell(scope, 'Eli-Only').metrics.auroc}`);
    assert.ok(cell(scope, 'EliCal', 'all').metrics.auroc > 70);
  }
  assert.equal(cell('in-domain', 'EliCal', 50).metrics.auroc, cell(files.test_in, 'EliCal', 50).metrics.auroc);
  assert.equal(cell('out-of-domain', 'N-Prob').metrics.n, 80);
  assert.ok(report.exposureBuckets.length >= 1);
  assert.deepEqual(report.exposureBuckets[0].rows.map((r: { bucket: string }) => r.bucket), ['unseen', '3-10', '>10']);
  assert.equal(readdirSync(cacheDir).length, 3, 'features cached in --cache');

  const mdOut = join(dir, 'report.md');
  const plots = join(dir, 'plots');
  const mdIo = memoryIo();
  assert.equal(await main([...common, '--out', mdOut, '--plots', plots, '--cache', cacheDir], mdIo), 0, mdIo.err);
  assert.match(mdIo.err, /features of .*train\.jsonl: cached/);
  assert.equal(mdIo.out, '');
  const md = readFileSync(mdOut, 'utf8');
  assert.match(md, /## in-domain \(120 questions\), linear heads/);
  assert.match(md, /## out-of-domain \(80 questions\), linear heads/);
  assert.match(md, /## Greedy accuracy by exposure bucket/);
  const eliCal50 = md.split('\n').find((line) => line.startsWith('| 50 |'))?.split('|')[6].trim();
  assert.equal(eliCal50, cell('in-domain', 'EliCal', 50).metrics.auroc.toFixed(1), 'the same numbers as the JSON (same seed)');
  assert.deepEqual(readdirSync(plots).sort(), ['auroc-vs-budget-in-linear.svg', 'auroc-vs-budget-ood-linear.svg', 'reliability-in-linear.svg', 'reliability-ood-linear.svg']);
  assert.match(readFileSync(join(plots, 'auroc-vs-budget-in-linear.svg'), 'utf8'), /all \(300\)/);

  const csvIo = memoryIo();
  assert.equal(await main([...common, '--format', 'csv', '--cache', cacheDir], csvIo), 0);
  assert.equal(csvIo.out.split('\n')[0], 'scope,method,kind,budget,n,auroc,auroc_lower,auroc_upper,ece,alignment,brier');

  const aborted = new AbortController();
  aborted.abort(new Error('interrupted'));
  const abortIo = memoryIo(aborted.signal);
  assert.equal(await main([...common, '--out', join(dir, 'never.md'), '--cache', cacheDir], abortIo), 130);
  assert.ok(!readdirSync(dir).some((name) => name.startsWith('never')), 'no output, partial or whole');
});

test('eval: bad options and bad input name the problem and write nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-eval-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(parseBudgetList('100, 200,all'), [100, 200, null]);
  assert.throws(() => parseBudgetList('100,0'), /positive integers or "all", got "0"/);
  assert.throws(() => parseBudgetList('100,100'), /twice/);
  assert.deepEqual(parseTestOption('C:/data/x.jsonl:ood'), { file: 'C:/data/x.jsonl', domain: 'ood' });
  assert.throws(() => parseTestOption('x.jsonl'), /FILE:in or FILE:ood/);
  const train = join(dir, 'train.jsonl');
  writeJsonl(train, [{ question: 'a?', greedy_correctness: 1, consistency_judgement: [1] }, { question: 'b?', greedy_correctness: 'yes' }]);
  const cases: [string[], RegExp][] = [
    [['--train', train, '--test', `${train}:in`], /is both the training pool and a test set/],
    [['--train', train, '--test', `${join(dir, 'missing.jsonl')}:in`], /train\.jsonl:2: field greedy_correctness must be one of 0, 1, got "yes"/],
    [['--train', train, '--test', 'x:sideways'], /--test must be FILE:in or FILE:ood/],
    [['--train', train, '--test', 'x:in', '--format', 'xml'], /--format must be md, csv or json/],
    [['--train', train, '--test', 'x:in', '--kinds', 'linear,tree'], /--kinds takes linear and\/or mlp/],
    [['--test', 'x:in', '--lr=-1'], /--lr must be a number > 0/],
    [[], /no test files/],
  ];
  for (const [args, message] of cases) {
    const io = memoryIo();
    assert.equal(await main(['eval', '--model', PACKAGE, ...args], io), 2, args.join(' '));
    assert.match(io.err, message);
  }
  assert.deepEqual(readdirSync(dir), ['train.jsonl']);
});
