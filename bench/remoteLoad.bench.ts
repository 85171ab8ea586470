/**
 * Load test of the remote endpoint on loopback: `elical serve`'s InferenceServer runs in a child
 * process (so its memory and CPU are its own), and C concurrent clients (RemoteModelRunner, one
 * connection pool each) send R single-question requests each, first with dynamic batching, then
 * without, against a fresh server each time. Every response is checked against the hidden state
 * computed locally for the same prompt. Reports throughput, p50/p99 latency, failures and the
 * server's RSS before and after each phase. Bounded: stops by itself (hard deadline per phase).
 *
 * Run: npx tsx bench/remoteLoad.bench.ts [--model DIR] [--clients 64] [--requests 100]
 *        [--max-batch 32] [--max-delay-ms 2] [--threads 1] [--rounds 4]
 * Each number must be a whole number in the range COUNTS gives; anything else stops the run
 * before it starts, naming the option (exit 2). Exit 1: a request failed or came back wrong.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { buildPrompt } from '../extension/core/prompts/promptWrapper';
import { loadModelPackage } from '../extension/node/modelPackage';
import { OnnxModelRunner } from '../extension/node/onnxModelRunner';
import { InferenceClient } from '../extension/node/remote/inferenceClient';
import { InferenceServer } from '../extension/node/remote/inferenceServer';
import { RemoteModelRunner } from '../extension/node/remote/remoteModelRunner';

const DEFAULT_MODEL = join(__dirname, '..', 'test', 'fixtures', 'tiny-llama', 'package');
const PHASE_DEADLINE_MS = 5 * 60_000;
const QUESTIONS = [
  'What is the capital of France?', 'Who wrote the play Hamlet?', 'Which river flows through Cairo?', 'What is the chemical symbol of gold?',
  'What is the capital of Peru?', 'Which currency does Japan use?', 'What is the largest planet?', 'Who painted the Mona Lisa?',
];

function option(args: string[], name: string, fallback: string): string {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] !== undefined ? args[index + 1] : fallback;
}

class UsageError extends Error {}

/** The numeric options: default and inclusive range. */
const COUNTS = {
  clients: { fallback: 64, min: 1, max: 1024 },
  requests: { fallback: 100, min: 1, max: 1_000_000 },
  'max-batch': { fallback: 32, min: 1, max: 1024 },
  'max-delay-ms': { fallback: 2, min: 0, max: 1000 },
  // 0 lets onnxruntime pick (one per core), as elical serve does by default.
  threads: { fallback: 1, min: 0, max: 256 },
  // At least 2: the first round is timed, and the later ones show whether memory keeps growing.
  rounds: { fallback: 4, min: 2, max: 1000 },
} as const;

/**
 * A numeric option, checked as extensionHost.bench.ts checks its own: Number() alone would let
 * NaN, 2.5 or a missing value through (and NaN rounds or clients silently run nothing).
 */
function count(args: string[], name: keyof typeof COUNTS): number {
  const { fallback, min, max } = COUNTS[name];
  const index = args.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const text = args[index + 1];
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${text === undefined ? 'nothing' : JSON.stringify(text)}`);
  }
  return value;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

/** The child: serve the package until told to stop; answer RSS queries over IPC. */
async function child(args: string[]): Promise<void> {
  const pkg = await loadModelPackage(option(args, 'model', DEFAULT_MODEL));
  const { manifest } = pkg;
  const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: manifest.architecture, backbone: manifest.backbone, padTokenId: manifest.generation.padTokenId, provider: 'cpu', intraOpNumThreads: count(args, 'threads') });
  await runner.load();
  const server = new InferenceServer({
    runner,
    model: { name: manifest.name, vocabSize: manifest.architecture.vocabSize, maxPositions: manifest.architecture.maxPositionEmbeddings, hiddenSize: manifest.architecture.hiddenSize, inputIds: manifest.backbone.inputs.inputIds, attentionMask: manifest.backbone.inputs.attentionMask, hiddenStates: manifest.backbone.outputs.hiddenStates },
    port: 0,
    batching: option(args, 'batching', 'on') === 'on',
    maxBatch: count(args, 'max-batch'),
    maxDelayMs: count(args, 'max-delay-ms'),
  });
  const { url } = await server.start();
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'rss') {
      // After a full collection the JS heap shows what is still referenced; RSS also holds ONNX
      // Runtime's arena, which grows once per new batch shape and is then reused.
      (globalThis as { gc?: () => void }).gc?.();
      const usage = process.memoryUsage();
      process.send?.({ type: 'rss', rss: usage.rss, heap: usage.heapUsed, stats: server.stats });
    }
    if (message.type === 'stop') {
      await server.stop();
      await runner.dispose();
      process.send?.({ type: 'stopped' }, () => process.exit(0));
    }
  });
  process.send?.({ type: 'ready', url });
}

function ask<T>(worker: ChildProcess, type: string, reply: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (message: { type: string } & T): void => {
      if (message.type !== reply) return;
      worker.off('message', listener);
      resolve(message);
    };
    worker.on('message', listener);
    worker.send({ type });
  });
}

interface PhaseResult {
  batching: boolean;
  requests: number;
  failed: number;
  wrong: number;
  max_abs_diff: number;
  seconds: number;
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  model_runs: number;
  rss_before_mib: number;
  rss_after_rounds_mib: number[];
  heap_before_mib: number;
  heap_after_rounds_mib: number[];
}

async function phase(args: string[], batching: boolean, rows: number[][], expected: Float32Array[]): Promise<PhaseResult> {
  const clients = count(args, 'clients');
  const perClient = count(args, 'requests');
  const rounds = count(args, 'rounds');
  const worker = fork(__filename, ['--child', ...args, '--batching', batching ? 'on' : 'off'], { execArgv: [...process.execArgv, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const deadline = setTimeout(() => {
    console.error(`phase (batching ${batching}) passed its ${PHASE_DEADLINE_MS / 1000} s deadline; stopping`);
    worker.kill('SIGKILL');
    process.exit(1);
  }, PHASE_DEADLINE_MS);
  try {
    const { url } = await ask<{ url: string }>(worker, 'none', 'ready');
    const pkg = await loadModelPackage(option(args, 'model', DEFAULT_MODEL));
    const runners = Array.from({ length: clients }, () => new RemoteModelRunner({
      client: new InferenceClient({ url, timeoutMs: 30_000, retries: 0 }),
      modelName: pkg.manifest.name, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: pkg.manifest.generation.padTokenId,
    }));
    // Warm-up: connections open, metadata checked, the server's first batches run.
    await Promise.all(runners.map(async (runner, index) => {
      await runner.connect();
      for (let i = 0; i < 3; i++) await runner.forwardLastToken([rows[(index + i) % rows.length]]);
    }));
    const before = await ask<{ rss: number; heap: number; stats: { runs: number } }>(worker, 'rss', 'rss');
    const latencies: number[] = [];
    let failed = 0;
    let seconds = 0;
    const afterRuns: number[] = [];
    const heapAfterRuns: number[] = [];
    let wrong = 0;
    let worst = 0;
    let runsInRound = 0;
    // Identical rounds: the first is timed; RSS and the collected heap after each show whether
    // memory keeps growing (a leak) or levels off once heap, pools and arena reach working size.
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      const record = round === 0;
      await Promise.all(runners.map(async (runner, index) => {
      for (let i = 0; i < perClient; i++) {
        const which = (index * perClient + i) % rows.length;
        const sent = performance.now();
        try {
          const { hiddenStates } = await runner.forwardLastToken([rows[which]]);
          if (record) latencies.push(performance.now() - sent);
          let diff = 0;
          for (let j = 0; j < hiddenStates.length; j++) diff = Math.max(diff, Math.abs(hiddenStates[j] - expected[which][j]));
          worst = Math.max(worst, diff);
          if (diff > 1e-4 || (!batching && diff !== 0)) wrong++;
        } catch (error) {
          failed++;
          if (failed <= 3) console.error(`request failed: ${(error as Error).message}`);
        }
      }
    }));
      if (record) seconds = (performance.now() - started) / 1000;
      const sample = await ask<{ rss: number; heap: number; stats: { runs: number } }>(worker, 'rss', 'rss');
      afterRuns.push(sample.rss);
      heapAfterRuns.push(sample.heap);
      if (record) runsInRound = sample.stats.runs - before.stats.runs;
    }
    await Promise.all(runners.map((runner) => runner.dispose()));
    await ask(worker, 'stop', 'stopped');
    latencies.sort((a, b) => a - b);
    const total = clients * perClient;
    const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
    return {
      batching,
      requests: rounds * total,
      failed,
      wrong,
      max_abs_diff: worst,
      seconds: Math.round(seconds * 100) / 100,
      requests_per_s: Math.round(total / seconds),
      p50_ms: Math.round(percentile(latencies, 0.5) * 100) / 100,
      p99_ms: Math.round(percentile(latencies, 0.99) * 100) / 100,
      model_runs: runsInRound,
      rss_before_mib: mib(before.rss),
      rss_after_rounds_mib: afterRuns.map(mib),
      heap_before_mib: mib(before.heap),
      heap_after_rounds_mib: heapAfterRuns.map(mib),
    };
  } finally {
    clearTimeout(deadline);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args.slice(1));
  // Every number checked before the model loads, so a typo fails at once rather than mid-run.
  for (const name of Object.keys(COUNTS) as (keyof typeof COUNTS)[]) count(args, name);
  const model = option(args, 'model', DEFAULT_MODEL);
  const pkg = await loadModelPackage(model);
  const { manifest } = pkg;
  const rows = QUESTIONS.map((question) => buildPrompt(question, manifest.prompt, pkg.tokenizer).tokenIds);
  const local = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: manifest.architecture, backbone: manifest.backbone, padTokenId: manifest.generation.padTokenId, provider: 'cpu', intraOpNumThreads: 1 });
  const expected: Float32Array[] = [];
  for (const row of rows) expected.push((await local.forwardLastToken([row])).hiddenStates);
  await local.dispose();
  const results = [await phase(args, true, rows, expected), await phase(args, false, rows, expected)];
  console.log(JSON.stringify({ model: manifest.name, clients: count(args, 'clients'), requests_per_client: count(args, 'requests'), max_batch: count(args, 'max-batch'), max_delay_ms: count(args, 'max-delay-ms'), prompt_tokens: rows.map((row) => row.length).join(' '), results }, null, 1));
  const lost = results.some((result) => result.failed > 0 || result.wrong > 0);
  process.exitCode = lost ? 1 : 0;
}

main().catch((error: unknown) => {
  // Anything but a bad option is a bug or a broken setup: let it crash with its stack, as before.
  if (!(error instanceof UsageError)) throw error;
  console.error(`remoteLoad.bench: ${error.message}`);
  process.exitCode = 2;
});
