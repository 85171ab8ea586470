import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../../extension/node/cli/main';
import type { CliIo } from '../../../../extension/node/cli/cliIo';
import { loadModelPackage } from '../../../../extension/node/modelPackage';
import { OnnxModelRunner } from '../../../../extension/node/onnxModelRunner';

const FIXTURE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama');
const PACKAGE = join(FIXTURE, 'package');
const reference = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as { cases: { question: string; inputIds: number[]; heads: Record<string, number> }[] };

function memoryIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', signal: new AbortController().signal, stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

test('score prints one JSON line whose head confidences equal the PyTorch reference', async () => {
  const item = reference.cases[3];
  const io = memoryIo();
  assert.equal(await main(['score', '--model', PACKAGE, item.question, '--provider', 'cpu'], io), 0, io.err);
  const lines = io.out.trim().split('\n');
  assert.equal(lines.length, 1);
  const result = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(result), ['question', 'prompt_tokens', 'heads', 'runtime', 'ms', 'truncation']);
  assert.equal(result.question, item.question);
  assert.equal(result.prompt_tokens, item.inputIds.length);
  assert.equal(result.runtime, 'onnxruntime-node (cpu)');
  assert.equal(result.truncation, null);
  assert.ok(result.ms > 0);
  for (const [id, expected] of Object.entries(item.heads)) assert.ok(Math.abs(result.heads[id] - expected) < 1e-5, `${id}: ${result.heads[id]} vs ${expected}`);
});

test('score --heads picks heads and --raw scores the text without wrapper or template', async () => {
  const question = reference.cases[0].question;
  const io = memoryIo();
  assert.equal(await main(['score', '--model', PACKAGE, '--heads', 'eli-only-mlp', '--raw', '--provider', 'cpu', question], io), 0, io.err);
  const result = JSON.parse(io.out);
  assert.deepEqual(Object.keys(result.heads), ['eli-only-mlp']);
  // Independent path: the tokenizer alone, one forward pass, the head.
  const pkg = await loadModelPackage(PACKAGE);
  const ids = pkg.tokenizer.encode(question, { addSpecialTokens: true });
  assert.equal(result.prompt_tokens, ids.length);
  assert.ok(ids.length < reference.cases[0].inputIds.length);
  const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: 0, provider: 'cpu' });
  try {
    const { hiddenStates } = await runner.forwardLastToken([ids]);
    const head = pkg.heads.find(({ entry }) => entry.id === 'eli-only-mlp')?.head;
    assert.ok(head);
    assert.ok(Math.abs(head.predict(hiddenStates, 1)[0] - result.heads['eli-only-mlp']) < 1e-6);
    assert.ok(Math.abs(result.heads['eli-only-mlp'] - reference.cases[0].heads['eli-only-mlp']) > 1e-4, 'raw differs from the wrapped prompt');
  } finally {
    await runner.dispose();
  }
});

test('score usage errors exit 2 with the reason', async () => {
  const cases: [string[], RegExp][] = [
    [['score', 'q'], /--model DIR is required/],
    [['score', '--model', PACKAGE], /exactly one question/],
    [['score', '--model', PACKAGE, 'q', '--heads', 'nope', '--provider', 'cpu'], /unknown head\(s\) nope; tiny-llama-fixture has elical-1000, eli-only-mlp/],
    [['score', '--model', PACKAGE, 'q', '--provider', 'gpu'], /--provider must be cpu, cuda or auto/],
    [['score', '--model', join(FIXTURE, 'hf'), 'q'], /manifest\.json: not found/],
  ];
  for (const [args, message] of cases) {
    const io = memoryIo();
    assert.equal(await main(args, io), 2, args.join(' '));
    assert.match(io.err, message);
    assert.equal(io.out, '');
  }
});
