import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../extension/node/cli/main';
import type { CliIo } from '../../../../extension/node/cli/cliIo';
import { readHeadFile } from '../../../../extension/core/heads/headFile';

const PACKAGE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package');

function memoryIo(signal = new AbortController().signal): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', signal, stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

function workDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'elical-elicit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const COUNTRIES = ['France', 'Peru', 'Chile', 'Spain', 'Italy', 'Japan', 'Kenya', 'Egypt', 'India', 'Nepal', 'Ghana', 'Cuba', 'Iran', 'Iraq', 'Oman', 'Laos', 'Mali', 'Chad', 'Fiji', 'Togo', 'Peru'];

function questionsFile(dir: string, count = COUNTRIES.length): string {
  const file = join(dir, 'questions.jsonl');
  // The repeated last question is answered once; gold answers are ignored by elicit.
  writeFileSync(file, COUNTRIES.slice(0, count).map((country) => JSON.stringify({ question: `What is the capital of ${country}?`, answer: 'x' })).join('\n') + '\n');
  return file;
}

test('elicit equals generate followed by train --family eli-only with the same seeds: records and head bytes', async (t) => {
  const dir = workDir(t);
  const input = questionsFile(dir);
  const common = ['--model', PACKAGE, '--samples', '3', '--max-new-tokens', '6', '--provider', 'cpu'];

  const io = memoryIo();
  const elicited = join(dir, 'elicited.safetensors');
  const records = join(dir, 'elicited.jsonl');
  assert.equal(await main(['elicit', ...common, '--in', input, '--out', elicited, '--records', records, '--seed', '42'], io), 0, io.err);
  assert.match(io.err, /20 questions x 3 samples/);

  // The peer path: the distinct questions without gold answers through generate, then train.
  const distinct = join(dir, 'distinct.jsonl');
  writeFileSync(distinct, [...new Set(COUNTRIES)].map((country) => JSON.stringify({ question: `What is the capital of ${country}?` })).join('\n') + '\n');
  const bench = join(dir, 'bench.jsonl');
  const head = join(dir, 'trained.safetensors');
  const peer = memoryIo();
  assert.equal(await main(['generate', ...common, '--in', distinct, '--out', bench, '--seed', '0'], peer), 0, peer.err);
  assert.equal(await main(['train', '--model', PACKAGE, '--train', bench, '--family', 'eli-only', '--out', head, '--seed', '42', '--cache', dir, '--provider', 'cpu'], peer), 0, peer.err);

  const parse = (file: string): Record<string, unknown>[] => readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(parse(records), parse(bench));
  assert.deepEqual(Buffer.from(readFileSync(elicited)), Buffer.from(readFileSync(head)));
  const { metadata } = readHeadFile(new Uint8Array(readFileSync(elicited)), { expectedHiddenSize: 64 });
  assert.equal(metadata.family, 'eli-only');
  assert.equal(metadata.target, 'consistency');
});

test('elicit refuses too few distinct questions or samples before opening the model, writing nothing', async (t) => {
  const dir = workDir(t);
  const out = join(dir, 'head.safetensors');
  const few = memoryIo();
  assert.equal(await main(['elicit', '--model', PACKAGE, '--in', questionsFile(dir, 19), '--out', out], few), 2);
  assert.match(few.err, /has 19 distinct questions; elicitation needs at least 20/);
  const oneSample = memoryIo();
  assert.equal(await main(['elicit', '--model', PACKAGE, '--in', questionsFile(dir), '--out', out, '--samples', '1'], oneSample), 2);
  assert.match(oneSample.err, /--samples/);
  assert.equal(existsSync(out), false);
});

test('an interrupted elicit exits 130 and writes neither the head nor the records', async (t) => {
  const dir = workDir(t);
  const controller = new AbortController();
  const io = memoryIo(controller.signal);
  const out = join(dir, 'head.safetensors');
  const records = join(dir, 'records.jsonl');
  const original = io.stderr;
  io.stderr = (text: string) => {
    original(text);
    if (text.includes('answering')) controller.abort();
  };
  const code = await main(['elicit', '--model', PACKAGE, '--in', questionsFile(dir), '--out', out, '--records', records, '--samples', '2', '--max-new-tokens', '4', '--provider', 'cpu'], io);
  assert.equal(code, 130, io.err);
  assert.match(io.err, /interrupted/);
  assert.equal(existsSync(out), false);
  assert.equal(existsSync(records), false);
});
