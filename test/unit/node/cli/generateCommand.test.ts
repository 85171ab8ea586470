import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../extension/node/cli/main';
import type { CliIo } from '../../../../extension/node/cli/cliIo';
import { buildPrompt } from '../../../../extension/core/prompts/promptWrapper';
import { loadModelPackage } from '../../../../extension/node/modelPackage';
import { OnnxModelRunner } from '../../../../extension/node/onnxModelRunner';
import { consistencyJudgement } from '../../../../extension/core/elicitation/consistencyJudgement';
import { containmentJudge } from '../../../../extension/core/elicitation/containmentJudge';
import { exactMatchJudge } from '../../../../extension/core/elicitation/exactMatchJudge';

const PACKAGE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package');

function memoryIo(signal = new AbortController().signal): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', signal, stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

function workDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'elical-generate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const QUESTIONS = [
  { question: 'What is the capital of France?', answer: ['Paris'] },
  { question: 'Which river flows through Cairo?', answer: 'Nile' },
];

test('generate writes HonestyBench records: greedy with penalty 1.05, seeded samples, log-probs', async (t) => {
  const dir = workDir(t);
  const input = join(dir, 'questions.jsonl');
  writeFileSync(input, `${QUESTIONS.map((item) => JSON.stringify(item)).join('\n\n')}\n`);
  const out = join(dir, 'bench.jsonl');
  const io = memoryIo();
  const args = ['generate', '--model', PACKAGE, '--in', input, '--out', out, '--samples', '3', '--max-new-tokens', '6', '--seed', '5', '--provider', 'cpu'];
  assert.equal(await main(args, io), 0, io.err);
  assert.match(io.err, /generate: 1\/2 questions.*\ngenerate: 2\/2 questions/s);
  const records = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(records.length, 2);

  const pkg = await loadModelPackage(PACKAGE);
  const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: 0, provider: 'cpu' });
  try {
    for (const [index, record] of records.entries()) {
      assert.equal(record.question, QUESTIONS[index].question);
      assert.deepEqual(record.answer, index === 0 ? ['Paris'] : ['Nile']);
      const prompt = buildPrompt(record.question, pkg.manifest.prompt, pkg.tokenizer).tokenIds;
      const greedy = await runner.generate(prompt, { maxNewTokens: 6, decoding: 'greedy', repetitionPenalty: 1.05, eosTokenIds: [2] });
      assert.deepEqual(record.greedy_tokens, [pkg.tokenizer.idsToTokens(greedy.tokenIds)]);
      assert.deepEqual(record.greedy_logprobs, [greedy.logprobs]);
      assert.ok(Math.abs(record.greedy_cumulative_logprobs[0] - greedy.logprobs.reduce((a, b) => a + b, 0)) < 1e-12);
      assert.equal(record.greedy_response[0], pkg.tokenizer.decode(greedy.tokenIds, { skipSpecialTokens: true }).trim());
      assert.equal(record.sampling_response.length, 3);
      const sample1 = await runner.generate(prompt, { maxNewTokens: 6, decoding: { temperature: 1, topP: 0.95, topK: 50, seed: 5 + index * 3 + 1 }, repetitionPenalty: 1.05, eosTokenIds: [2] });
      assert.equal(record.sampling_response[1], pkg.tokenizer.decode(sample1.tokenIds, { skipSpecialTokens: true }).trim());
    }
  } finally {
    await runner.dispose();
  }
  // Same seed, same file.
  const again = join(dir, 'again.jsonl');
  assert.equal(await main([...args.slice(0, 6), again, ...args.slice(7)], memoryIo()), 0);
  assert.equal(readFileSync(again, 'utf8'), readFileSync(out, 'utf8'));
});

test('an interrupted run leaves neither the output nor a partial file', async (t) => {
  const dir = workDir(t);
  const input = join(dir, 'questions.jsonl');
  writeFileSync(input, `${JSON.stringify(QUESTIONS[0])}\n`);
  const controller = new AbortController();
  controller.abort();
  const io = memoryIo(controller.signal);
  assert.equal(await main(['generate', '--model', PACKAGE, '--in', input, '--out', join(dir, 'bench.jsonl'), '--samples', '2', '--provider', 'cpu'], io), 130);
  assert.match(io.err, /interrupted; .*bench\.jsonl was not written/);
  assert.deepEqual(readdirSync(dir), ['questions.jsonl']);
});

test('bad input lines are named and nothing is written', async (t) => {
  const dir = workDir(t);
  const cases: [string, RegExp][] = [
    ['{"question": "ok"}\n{"question": ""}\n', /questions\.jsonl:2: "question" must be a non-empty string/],
    ['{"question": "ok"}\nnot json\n', /questions\.jsonl:2: not valid JSON/],
    ['{"question": "ok", "answer": 3}\n', /questions\.jsonl:1: "answer" must be a string or a list of strings/],
    ['\n\n', /no questions/],
  ];
  for (const [text, message] of cases) {
    const input = join(dir, 'questions.jsonl');
    writeFileSync(input, text);
    const io = memoryIo();
    assert.equal(await main(['generate', '--model', PACKAGE, '--in', input, '--out', join(dir, 'bench.jsonl'), '--provider', 'cpu'], io), 2);
    assert.match(io.err, message);
    assert.deepEqual(readdirSync(dir), ['questions.jsonl']);
  }
});

test('generate judges: consistency always, correctness with gold answers, judge named, input extras kept', async (t) => {
  const dir = workDir(t);
  const input = join(dir, 'questions.jsonl');
  const base = { question: 'What is the capital of Peru?', fact_id: 'capital:PE', exposures: 3, exposure_bucket: '3-10', relation: 'capital', ood: null };
  writeFileSync(input, `${JSON.stringify(base)}\n`);
  const first = join(dir, 'first.jsonl');
  const common = ['--samples', '4', '--max-new-tokens', '5', '--seed', '9', '--provider', 'cpu'];
  assert.equal(await main(['generate', '--model', PACKAGE, '--in', input, '--out', first, ...common], memoryIo()), 0);
  const plain = JSON.parse(readFileSync(first, 'utf8'));
  assert.equal(plain.judge, 'containment');
  assert.deepEqual(plain.consistency_judgement, consistencyJudgement(plain.greedy_response[0], plain.sampling_response, containmentJudge));
  assert.equal('greedy_correctness' in plain, false, 'no gold answers: correctness is unknown, not 0');
  assert.equal('sampling_correctness' in plain, false);
  for (const key of ['fact_id', 'exposures', 'exposure_bucket', 'relation', 'ood'] as const) assert.deepEqual(plain[key], base[key]);

  // Same seed, so the same answers: with the greedy answer (and a wrong one) as gold, the greedy answer must be judged right.
  const gold = [String(plain.greedy_response[0]), 'Quito'];
  writeFileSync(input, `${JSON.stringify({ ...base, answer: gold, greedy_correctness: 0, judge: 'llm' })}\n`);
  const second = join(dir, 'second.jsonl');
  assert.equal(await main(['generate', '--model', PACKAGE, '--in', input, '--out', second, ...common, '--judge', 'exact'], memoryIo()), 0);
  const judged = JSON.parse(readFileSync(second, 'utf8'));
  assert.deepEqual(judged.sampling_response, plain.sampling_response);
  assert.equal(judged.judge, 'exact', 'the input line cannot override the judge actually used');
  assert.equal(judged.greedy_correctness, plain.greedy_response[0] === '' ? 0 : 1);
  assert.deepEqual(judged.sampling_correctness, plain.sampling_response.map((s: string) => (exactMatchJudge(s, gold[0]) || exactMatchJudge(s, gold[1]) ? 1 : 0)));
  assert.deepEqual(judged.consistency_judgement, consistencyJudgement(plain.greedy_response[0], plain.sampling_response, exactMatchJudge));
  assert.deepEqual(Object.keys(judged).slice(0, 12), ['question', 'answer', 'greedy_response', 'greedy_tokens', 'greedy_logprobs', 'greedy_cumulative_logprobs', 'sampling_response', 'judge', 'consistency_judgement', 'greedy_correctness', 'sampling_correctness', 'fact_id']);

  const io = memoryIo();
  assert.equal(await main(['generate', '--model', PACKAGE, '--in', input, '--out', join(dir, 'x.jsonl'), '--judge', 'llm'], io), 2);
  assert.match(io.err, /--judge must be one of exact, containment, f1, got "llm"/);
});
