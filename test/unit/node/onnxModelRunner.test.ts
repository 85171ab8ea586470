import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfidenceScorer } from '../../../extension/core/scoring/confidenceScorer';
import { ModelPackageError } from '../../../extension/core/scoring/modelPackageError';
import { loadModelPackage, type ModelPackage } from '../../../extension/node/modelPackage';
import { ExecutionProviderError, OnnxModelRunner, type OnnxModelRunnerOptions } from '../../../extension/node/onnxModelRunner';
import { requirePython, runPython } from '../../support/python';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'tiny-llama');

interface ReferenceCase {
  question: string;
  prompt: string;
  inputIds: number[];
  lastHiddenState: number[];
  lastLogits: number[];
  heads: Record<string, number>;
  greedy: { tokenIds: number[]; logprobs: number[]; stoppedOnEos: boolean };
}
interface Reference {
  maxNewTokens: number;
  eosTokenIds: number[];
  cases: ReferenceCase[];
  batch: { questions: string[]; inputIds: number[][]; attentionMask: number[][]; rows: { lastHiddenState: number[]; lastLogits: number[]; heads: Record<string, number> }[] };
}
const reference = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as Reference;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  assert.ok(worst <= tolerance, `${label}: max |difference| ${worst} > ${tolerance}`);
}

let pkg: ModelPackage;
let runner: OnnxModelRunner;

function runnerOptions(overrides: Partial<OnnxModelRunnerOptions> = {}): OnnxModelRunnerOptions {
  return {
    modelFile: pkg.backbonePath,
    architecture: pkg.manifest.architecture,
    backbone: pkg.manifest.backbone,
    padTokenId: pkg.manifest.generation.padTokenId,
    provider: 'cpu',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    ...overrides,
  };
}

before(async () => {
  pkg = await loadModelPackage(join(FIXTURE, 'package'));
  runner = new OnnxModelRunner(runnerOptions());
});
after(async () => runner.dispose());

test('the session is created lazily and reports its provider', async () => {
  const lazy = new OnnxModelRunner(runnerOptions());
  assert.equal(lazy.runtime, 'not loaded');
  await lazy.load();
  assert.equal(lazy.runtime, 'cpu');
  await lazy.dispose();
  await assert.rejects(lazy.forwardLastToken([[1]]), /disposed/);
});

test('prompts built from the package tokenizer and chat template equal the reference ids', () => {
  const scorer = new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, pkg.heads.map(({ entry, head }) => ({ id: entry.id, head })));
  for (const item of reference.cases) {
    const prompt = scorer.buildPrompt(item.question);
    assert.equal(prompt.text, item.prompt);
    assert.deepEqual(prompt.tokenIds, item.inputIds, item.question);
  }
});

test('last-token hidden state and logits equal the PyTorch reference to 1e-4', async () => {
  for (const item of reference.cases) {
    const out = await runner.forwardLastToken([item.inputIds], { withLogits: true });
    assertClose(out.hiddenStates, item.lastHiddenState, 1e-4, `${item.question} hidden`);
    assert.ok(out.logits);
    assertClose(out.logits, item.lastLogits, 1e-4, `${item.question} logits`);
  }
});

test('every head applied to one forward pass equals the PyTorch head', async () => {
  const scorer = new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, pkg.heads.map(({ entry, head }) => ({ id: entry.id, head })));
  const scores = await scorer.scoreBatch(reference.cases.map((item) => item.question));
  scores.forEach((score, index) => {
    const item = reference.cases[index];
    assert.equal(score.promptTokens, item.inputIds.length);
    assert.equal(score.truncation, null);
    assert.deepEqual(Object.keys(score.heads).sort(), Object.keys(item.heads).sort());
    for (const [id, expected] of Object.entries(item.heads)) assert.ok(Math.abs(score.heads[id] - expected) <= 1e-5, `${item.question} ${id}: ${score.heads[id]} vs ${expected}`);
  });
  const only = await scorer.score(reference.cases[0].question, { headIds: ['eli-only-mlp'] });
  assert.deepEqual(Object.keys(only.heads), ['eli-only-mlp']);
  await assert.rejects(scorer.score('x', { headIds: ['nope'] }), /unknown head "nope"; this model has elical-1000, eli-only-mlp/);
});

test('batch scoring with left padding equals one-by-one scoring and the padded PyTorch batch', async () => {
  // The reference batch is PyTorch's left-padded one; the runner pads by itself, so it gets the real tokens.
  const realRows = reference.batch.inputIds.map((ids, b) => ids.filter((_, t) => reference.batch.attentionMask[b][t] === 1));
  assert.ok(new Set(realRows.map((row) => row.length)).size > 1, 'the batch mixes lengths');
  const batched = await runner.forwardLastToken(realRows, { withLogits: true });
  const h = pkg.manifest.architecture.hiddenSize;
  const v = pkg.manifest.architecture.vocabSize;
  for (let b = 0; b < realRows.length; b++) {
    const alone = await runner.forwardLastToken([realRows[b]], { withLogits: true });
    assertClose(batched.hiddenStates.subarray(b * h, (b + 1) * h), alone.hiddenStates, 1e-5, `row ${b} vs alone`);
    assertClose((batched.logits as Float32Array).subarray(b * v, (b + 1) * v), alone.logits as Float32Array, 1e-4, `row ${b} logits vs alone`);
    assertClose(batched.hiddenStates.subarray(b * h, (b + 1) * h), reference.batch.rows[b].lastHiddenState, 1e-4, `row ${b} vs PyTorch batch`);
  }
});

test('left padding never reads a pad: the pad token id does not change any row', async () => {
  const rows = [reference.cases[0].inputIds, reference.cases[2].inputIds.slice(0, 5), [1]];
  const withZero = await runner.forwardLastToken(rows, { withLogits: true });
  const otherPad = new OnnxModelRunner(runnerOptions({ padTokenId: 57 }));
  try {
    const withOther = await otherPad.forwardLastToken(rows, { withLogits: true });
    assertClose(withOther.hiddenStates, withZero.hiddenStates, 1e-6, 'hidden with pad 57 vs 0');
    assertClose(withOther.logits as Float32Array, withZero.logits as Float32Array, 1e-5, 'logits with pad 57 vs 0');
  } finally {
    await otherPad.dispose();
  }
});

test('greedy KV-cache generation equals the reference token for token, with its log-probs', async () => {
  for (const item of reference.cases) {
    const result = await runner.generate(item.inputIds, { maxNewTokens: reference.maxNewTokens, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: reference.eosTokenIds });
    assert.deepEqual(result.tokenIds, item.greedy.tokenIds, item.question);
    assertClose(result.logprobs, item.greedy.logprobs, 1e-4, `${item.question} logprobs`);
    assert.equal(result.finishReason, item.greedy.stoppedOnEos ? 'eos' : 'length');
  }
});

// Greedy decoding as N-Prob runs it (repetition penalty 1.05), by full recomputation in PyTorch on
// the same checkpoint (HF base + LoRA merged, as in the package), with Hugging Face's penalty
// rule written as torch.gather / torch.where / scatter over prompt + answer ids.
const PENALISED_GREEDY = String.raw`
import json, sys, torch
sys.path.insert(0, sys.argv[1])
from elical_tools.llama import LlamaForCausalLM
from elical_tools.lora_adapter import load_adapter
from elical_tools.lora_merge import merge_adapter
model = LlamaForCausalLM.from_pretrained(sys.argv[2])
merge_adapter(model, load_adapter(sys.argv[3], model))
model.eval()
request = json.load(sys.stdin)
results = []
with torch.no_grad():
    for prompt in request['prompts']:
        ids = list(prompt)
        tokens, logprobs, gap = [], [], float('inf')
        for _ in range(request['maxNewTokens']):
            logits = model(torch.tensor([ids]))[1][0, -1].double()
            seen = torch.tensor(sorted(set(ids)))
            score = torch.gather(logits, 0, seen)
            score = torch.where(score < 0, score * request['penalty'], score / request['penalty'])
            logits = logits.scatter(0, seen, score)
            top = torch.topk(logits, 2).values
            gap = min(gap, float(top[0] - top[1]))
            token = int(torch.argmax(logits))
            tokens.append(token)
            logprobs.append(float(torch.log_softmax(logits, -1)[token]))
            if token in request['eos']:
                break
            ids.append(token)
        results.append({'tokenIds': tokens, 'logprobs': logprobs, 'gap': gap})
print(json.dumps(results))
`;

test('greedy with repetition penalty 1.05 equals a PyTorch loop with Hugging Face\'s penalty rule', async (t) => {
  if (!requirePython(t, ['torch'])) return;
  const prompts = reference.cases.slice(0, 3).map((item) => item.inputIds);
  const request = { prompts, maxNewTokens: 12, penalty: 1.05, eos: reference.eosTokenIds };
  const root = join(__dirname, '..', '..', '..');
  const expected = JSON.parse(runPython(['-c', PENALISED_GREEDY, join(root, 'tools'), join(FIXTURE, 'hf'), join(FIXTURE, 'lora')], { input: JSON.stringify(request) })) as { tokenIds: number[]; logprobs: number[]; gap: number }[];
  for (const [index, prompt] of prompts.entries()) {
    // A near-tie would make the comparison depend on float order rather than on the rule.
    assert.ok(expected[index].gap > 1e-3, `case ${index}: top-2 gap ${expected[index].gap} too small to compare`);
    const result = await runner.generate(prompt, { maxNewTokens: 12, decoding: 'greedy', repetitionPenalty: 1.05, eosTokenIds: reference.eosTokenIds });
    assert.deepEqual(result.tokenIds, expected[index].tokenIds, `case ${index}`);
    assertClose(result.logprobs, expected[index].logprobs, 1e-4, `case ${index} logprobs`);
  }
  const plain = await runner.generate(prompts[0], { maxNewTokens: 12, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: reference.eosTokenIds });
  assert.notDeepEqual(plain.tokenIds, expected[0].tokenIds, 'the penalty changes this answer (the fixture repeats tokens)');
});

test('sampling is reproducible with a seed and differs across seeds', async () => {
  const prompt = reference.cases[1].inputIds;
  const settings = (seed: number) => ({ maxNewTokens: 12, decoding: { temperature: 1, topP: 0.95, topK: 50, seed }, repetitionPenalty: 1.05, eosTokenIds: reference.eosTokenIds });
  const first = await runner.generate(prompt, settings(7));
  const again = await runner.generate(prompt, settings(7));
  assert.deepEqual(again, first);
  const others = await Promise.all([8, 9, 10].map((seed) => runner.generate(prompt, settings(seed))));
  assert.ok(others.some((other) => other.tokenIds.join() !== first.tokenIds.join()), 'three other seeds all gave the same sample');
  for (const logprob of first.logprobs) assert.ok(logprob <= 0 && Number.isFinite(logprob));
});

test('onToken sees every generated token in order and changes nothing', async () => {
  const prompt = reference.cases[0].inputIds;
  const greedy = { maxNewTokens: reference.maxNewTokens, decoding: 'greedy' as const, repetitionPenalty: 1.05, eosTokenIds: reference.eosTokenIds };
  const sampled = { ...greedy, maxNewTokens: 12, decoding: { temperature: 1, topP: 0.95, topK: 50, seed: 3 } };
  for (const options of [greedy, sampled]) {
    const without = await runner.generate(prompt, options);
    const seen: { id: number; logprob: number; soFar: number }[] = [];
    const withCallback = await runner.generate(prompt, { ...options, onToken: (id, logprob) => seen.push({ id, logprob, soFar: seen.length }) });
    assert.deepEqual(withCallback, without);
    assert.deepEqual(seen.map(({ id }) => id), without.tokenIds, 'one call per token, the EOS included, in order');
    assert.deepEqual(seen.map(({ logprob }) => logprob), without.logprobs, 'each with the log-probability the result records');
    assert.ok(seen.every(({ soFar }, index) => soFar === index));
  }
  // Stopping on EOS: the callback also saw the token that ended generation.
  const eosCase = reference.cases.find((item) => item.greedy.stoppedOnEos);
  if (eosCase !== undefined) {
    const ids: number[] = [];
    const result = await runner.generate(eosCase.inputIds, { maxNewTokens: reference.maxNewTokens, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: reference.eosTokenIds, onToken: (id) => ids.push(id) });
    assert.equal(result.finishReason, 'eos');
    assert.deepEqual(ids, result.tokenIds);
  }
});

test('a throwing onToken ends generation with its error', async () => {
  let calls = 0;
  const onToken = (): void => {
    if (++calls === 2) throw new Error('listener failed');
  };
  await assert.rejects(runner.generate(reference.cases[0].inputIds, { maxNewTokens: 10, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: [], onToken }), /listener failed/);
  assert.equal(calls, 2, 'no step after the failing callback');
});

test('abort stops generation before the next step', async () => {
  const controller = new AbortController();
  controller.abort();
  const none = await runner.generate(reference.cases[0].inputIds, { maxNewTokens: 10, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: [], signal: controller.signal });
  assert.deepEqual(none, { tokenIds: [], logprobs: [], finishReason: 'aborted' });
  let checks = 0;
  const afterThree = { get aborted() { return ++checks > 3; } } as AbortSignal;
  const partial = await runner.generate(reference.cases[0].inputIds, { maxNewTokens: 10, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: [], signal: afterThree });
  assert.equal(partial.finishReason, 'aborted');
  assert.deepEqual(partial.tokenIds, reference.cases[0].greedy.tokenIds.slice(0, 3));
});

test('dispose while the runner is in use: running steps finish, later ones fail cleanly, nothing crashes', async () => {
  // A generation whose listener closes the runner after the second token (as the model service
  // closes a model a long command still holds): the loop's next step must not touch the session.
  const own = new OnnxModelRunner(runnerOptions());
  await own.load();
  let disposing: Promise<void> | undefined;
  const generating = own.generate(reference.cases[0].inputIds, {
    maxNewTokens: 10,
    decoding: 'greedy',
    repetitionPenalty: 1,
    eosTokenIds: [],
    onToken: (_id) => {
      disposing ??= own.dispose();
    },
  });
  await assert.rejects(generating, /the model runner was disposed/);
  await disposing;
  await assert.rejects(own.forwardLastToken([reference.cases[0].inputIds]), /disposed/);

  // Many forward passes in flight when dispose() is called: each either completes with the right
  // hidden state or fails with the disposed error, and dispose() returns once none is running.
  const busy = new OnnxModelRunner(runnerOptions());
  await busy.load();
  const item = reference.cases[0];
  const calls = Array.from({ length: 24 }, () => busy.forwardLastToken([item.inputIds]));
  await new Promise((resolve) => setImmediate(resolve));
  await busy.dispose();
  const outcomes = await Promise.allSettled(calls);
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') assertClose(outcome.value.hiddenStates, item.lastHiddenState, 1e-4, 'a pass that ran');
    else assert.match(String(outcome.reason), /disposed/);
  }
});

test("provider 'cuda' fails clearly here and 'auto' falls back to the CPU with the reason", async (t) => {
  const cuda = new OnnxModelRunner(runnerOptions({ provider: 'cuda' }));
  try {
    await cuda.load();
    t.skip('this machine has a working CUDA provider');
    return;
  } catch (error) {
    assert.ok(error instanceof ExecutionProviderError, String(error));
    assert.match(error.message, /CUDA execution provider could not be loaded .*--provider cpu/s);
  } finally {
    await cuda.dispose();
  }
  const logged: string[] = [];
  const auto = new OnnxModelRunner(runnerOptions({ provider: 'auto', log: (message) => logged.push(message) }));
  try {
    const out = await auto.forwardLastToken([reference.cases[0].inputIds]);
    assert.equal(auto.runtime, 'cpu');
    assert.match(auto.providerFallbackReason ?? '', /CUDA execution provider could not be loaded/);
    assert.equal(logged.length, 1);
    assert.match(logged[0], /running backbone\.onnx on the CPU/);
    assertClose(out.hiddenStates, reference.cases[0].lastHiddenState, 1e-4, 'auto result');
  } finally {
    await auto.dispose();
  }
});

test('bad rows are refused with the reason', async () => {
  await assert.rejects(runner.forwardLastToken([]), /at least one row/);
  await assert.rejects(runner.forwardLastToken([[1], []]), /row 1 has no tokens/);
  await assert.rejects(runner.forwardLastToken([[1, 999]]), /token id 999, outside the vocabulary \(size 320\)/);
  await assert.rejects(runner.generate([], { maxNewTokens: 1, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: [] }), /non-empty prompt/);
  assert.ok(new ModelPackageError('file-missing', 'x', 'y').message === 'x: y');
});
