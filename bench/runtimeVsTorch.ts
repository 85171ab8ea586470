/**
 * The model runtime against PyTorch on the same weights, same machine, same run (issue 3's
 * benchmark acceptance): scoring latency p50/p95 of one question, throughput of a batch of 32,
 * the split of a score into tokenise+wrap / forward / heads, the cost of extra heads, and greedy
 * generation tokens/s with a KV cache.
 *
 * Models: the committed tiny fixture (test/fixtures/tiny-llama) and a seeded Llama-shaped random
 * model (8 layers, hidden 512, 8 heads / 2 kv heads, SwiGLU 1408, word vocabulary 4096) that
 * bench/runtime_torch_peer.py makes into .tmp/bench-models/ and exports with
 * tools/export_onnx.py, with nine heads (five linear, four MLP).
 *
 * Fairness: the PyTorch side is a long-lived peer process (bench/runtime_torch_peer.py) running
 * tools/elical_tools/llama.py under torch.no_grad() on the checkpoint the package was exported
 * from. The two sides run in turns (ONNX block, PyTorch block, ONNX block, ...), so load from
 * other jobs on the shared machine falls on both; each side runs with the same intra-op thread
 * count (onnxruntime intraOpNumThreads / torch.set_num_threads + openblas_set_num_threads) and
 * one inter-op thread. The ONNX figure is the whole product path (ConfidenceScorer.score:
 * chat template + tokenizer, forward, heads); the PyTorch figure is forward + heads only, on ids
 * the ONNX side tokenised, so the comparison is, if anything, unfavourable to ONNX.
 *
 * Idle worker threads sleep on both sides (OnnxModelRunner's default, allowSpinning false; for
 * PyTorch OMP_WAIT_POLICY=PASSIVE and a minimal OpenBLAS thread timeout); --spinning runs both
 * with their libraries' busy-waiting defaults instead.
 *
 * Run: npx tsx bench/runtimeVsTorch.ts [--rounds N] [--threads 2,1] [--models tiny,bench] [--spinning] [--json FILE]
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfidenceScorer } from '../extension/core/scoring/confidenceScorer';
import { loadModelPackage, type ModelPackage } from '../extension/node/modelPackage';
import { OnnxModelRunner } from '../extension/node/onnxModelRunner';

const ROOT = resolve(__dirname, '..');
const PYTHON = '/usr/bin/python3';
const PEER = join(ROOT, 'bench', 'runtime_torch_peer.py');
const BENCH_MODEL_DIR = join(ROOT, '.tmp', 'bench-models', 'llama-8x512');
const NEW_TOKENS = 64;
const BATCH = 32;

interface ModelSpec {
  key: string;
  packageDir: string;
  hfDir: string;
  loraDir: string | null;
}

const MODELS: Record<string, ModelSpec> = {
  tiny: {
    key: 'tiny',
    packageDir: join(ROOT, 'test', 'fixtures', 'tiny-llama', 'package'),
    hfDir: join(ROOT, 'test', 'fixtures', 'tiny-llama', 'hf'),
    // The fixture's package has this adapter merged; the peer merges it the same way.
    loraDir: join(ROOT, 'test', 'fixtures', 'tiny-llama', 'lora'),
  },
  bench: { key: 'bench', packageDir: join(BENCH_MODEL_DIR, 'package'), hfDir: join(BENCH_MODEL_DIR, 'hf'), loraDir: null },
};

/** The PyTorch peer: one JSON command per line in, one JSON reply per line out. */
class TorchPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly replies: ((line: string) => void)[] = [];
  private stderr = '';

  /**
   * spinning = false (the default of OnnxModelRunner) gives PyTorch the same treatment: libgomp
   * and OpenBLAS workers sleep when idle instead of busy-waiting (OMP_WAIT_POLICY=PASSIVE,
   * OPENBLAS_THREAD_TIMEOUT=4, the shortest). spinning = true leaves both libraries' defaults.
   */
  constructor(spinning: boolean) {
    const env = spinning ? process.env : { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_THREAD_TIMEOUT: '4' };
    this.child = spawn(PYTHON, [PEER, 'serve'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.replies.shift()?.(line));
    this.child.on('exit', (code) => {
      for (const reply of this.replies.splice(0)) reply(JSON.stringify({ ok: false, error: `peer exited (${code}): ${this.stderr}` }));
    });
  }

  request<T>(command: Record<string, unknown>): Promise<T> {
    return new Promise((resolveReply, reject) => {
      this.replies.push((line) => {
        const reply = JSON.parse(line) as { ok: boolean; result?: T; error?: string };
        if (reply.ok) resolveReply(reply.result as T);
        else reject(new Error(`PyTorch peer: ${reply.error}`));
      });
      this.child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  }

  close(): void {
    this.child.stdin.end(`${JSON.stringify({ op: 'quit' })}\n`);
  }
}

function runChecked(command: string, args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolveRun() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/** Nearest-rank percentile of an ascending array. */
function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

const median = (values: readonly number[]): number => percentile(values, 0.5);

/** Load average (1 min) seen during the run: min and max of the samples. */
const loadSamples: number[] = [];
const sampleLoad = (): void => {
  loadSamples.push(loadavg()[0]);
};

interface Section {
  model: string;
  threads: number;
  [metric: string]: number | string | boolean;
}

async function benchModel(spec: ModelSpec, threads: number, rounds: number, spinning: boolean, peer: TorchPeer, questions: string[]): Promise<Section> {
  const pkg: ModelPackage = await loadModelPackage(spec.packageDir);
  const runner = new OnnxModelRunner({
    modelFile: pkg.backbonePath,
    architecture: pkg.manifest.architecture,
    backbone: pkg.manifest.backbone,
    padTokenId: pkg.manifest.generation.padTokenId,
    provider: 'cpu',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    allowSpinning: spinning,
  });
  await runner.load();
  const heads = pkg.heads.map(({ entry, head }) => ({ id: entry.id, head }));
  const scorer = new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, heads, () => performance.now(), BATCH);
  const oneHead = [heads[0].id];
  await peer.request({ op: 'threads', n: threads });
  await peer.request({ op: 'load', hf: spec.hfDir, lora: spec.loraDir, heads: pkg.heads.map(({ entry }) => ({ file: join(pkg.dir, entry.file), kind: entry.kind })) });

  const prompts = questions.map((question) => scorer.buildPrompt(question).tokenIds);
  const promptTokens = prompts.map((ids) => ids.length);

  // Same weights: every head's confidence on both sides (the peer reads the HF checkpoint).
  const onnxScores = await scorer.scoreBatch(questions);
  const torchScores = (await peer.request<{ confidences: number[][] }>({ op: 'check', rows: prompts })).confidences;
  let maxDiff = 0;
  onnxScores.forEach((score, row) => heads.forEach(({ id }, h) => (maxDiff = Math.max(maxDiff, Math.abs(score.heads[id] - torchScores[row][h])))));
  if (maxDiff > 1e-3) throw new Error(`${spec.key}: ONNX and PyTorch confidences differ by ${maxDiff}; not the same weights`);

  // Warm-up of both sides (allocators, thread pools, first-call graph work).
  for (let i = 0; i < 5; i++) await scorer.score(questions[i % questions.length], { headIds: oneHead });
  await peer.request({ op: 'score', batches: prompts.slice(0, 5).map((ids) => [ids]), heads: 1 });

  const perRound = Math.max(4, questions.length);
  const onnx1: number[] = [];
  const onnxAll: number[] = [];
  const torch1: number[] = [];
  const torchAll: number[] = [];
  const torchForward: number[] = [];
  const roundRatios: number[] = [];
  const roundHeadRatios: number[] = [];
  const timeOnnx = async (headIds: string[] | undefined, sink: number[]): Promise<number[]> => {
    const local: number[] = [];
    for (let i = 0; i < perRound; i++) {
      const started = performance.now();
      await scorer.score(questions[i % questions.length], headIds ? { headIds } : {});
      local.push(performance.now() - started);
    }
    sink.push(...local);
    return local;
  };
  const timeTorch = async (headCount: number, sink: number[]): Promise<number[]> => {
    const reply = await peer.request<{ forwardMs: number[]; headsMs: number[] }>({ op: 'score', batches: Array.from({ length: perRound }, (_, i) => [prompts[i % prompts.length]]), heads: headCount });
    const local = reply.forwardMs.map((forward, i) => forward + reply.headsMs[i]);
    if (headCount === 1) torchForward.push(...reply.forwardMs);
    sink.push(...local);
    return local;
  };
  for (let round = 0; round < rounds; round++) {
    sampleLoad();
    const a = await timeOnnx(oneHead, onnx1);
    const b = await timeTorch(1, torch1);
    const c = await timeOnnx(undefined, onnxAll);
    await timeTorch(heads.length, torchAll);
    roundRatios.push(median(a) / median(b));
    roundHeadRatios.push(median(c) / median(a));
  }

  // The split of one ONNX score, measured inside the same iteration so the ratios do not depend
  // on how the load changed between iterations.
  const tokenise: number[] = [];
  const forward: number[] = [];
  const firstHead: number[] = [];
  const allHeads: number[] = [];
  for (let i = 0; i < rounds * perRound; i++) {
    const t0 = performance.now();
    const built = scorer.buildPrompt(questions[i % questions.length]);
    const t1 = performance.now();
    const { hiddenStates } = await runner.forwardLastToken([built.tokenIds]);
    const t2 = performance.now();
    heads[0].head.predict(hiddenStates, 1);
    const t3 = performance.now();
    for (const { head } of heads) head.predict(hiddenStates, 1);
    const t4 = performance.now();
    tokenise.push(t1 - t0);
    forward.push(t2 - t1);
    firstHead.push(t3 - t2);
    allHeads.push(t4 - t3);
  }

  // Throughput: one batch of 32 questions per turn (one forward pass each side). The ONNX side
  // is timed twice per turn: the product path (scoreBatch: prompts built and tokenised) and the
  // PyTorch peer's work only (forward + head on the same ids).
  const batchQuestions = Array.from({ length: BATCH }, (_, i) => questions[i % questions.length]);
  const batchRows = batchQuestions.map((_, i) => prompts[i % prompts.length]);
  const onnxBatch: number[] = [];
  const onnxBatchForward: number[] = [];
  const torchBatch: number[] = [];
  const batchRounds = Math.max(3, rounds);
  for (let round = 0; round < batchRounds; round++) {
    sampleLoad();
    const started = performance.now();
    await scorer.scoreBatch(batchQuestions, { headIds: oneHead });
    onnxBatch.push(performance.now() - started);
    const forwardStarted = performance.now();
    heads[0].head.predict((await runner.forwardLastToken(batchRows)).hiddenStates, BATCH);
    onnxBatchForward.push(performance.now() - forwardStarted);
    const reply = await peer.request<{ forwardMs: number[]; headsMs: number[] }>({ op: 'score', batches: [batchRows], heads: 1 });
    torchBatch.push(reply.forwardMs[0] + reply.headsMs[0]);
  }

  // Generation: greedy, 64 new tokens, no EOS stop (both sides produce exactly 64 tokens).
  const genPrompt = prompts[0];
  const onnxGen: number[] = [];
  const torchGen: number[] = [];
  let sameTokens = true;
  const genRounds = Math.max(3, rounds);
  await runner.generate(genPrompt, { maxNewTokens: 4, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: [] });
  await peer.request({ op: 'generate', prompt: genPrompt, newTokens: 4, repeat: 1 });
  for (let round = 0; round < genRounds; round++) {
    sampleLoad();
    const started = performance.now();
    const result = await runner.generate(genPrompt, { maxNewTokens: NEW_TOKENS, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: [] });
    onnxGen.push(performance.now() - started);
    const reply = await peer.request<{ ms: number[]; tokenIds: number[] }>({ op: 'generate', prompt: genPrompt, newTokens: NEW_TOKENS, repeat: 1 });
    torchGen.push(reply.ms[0]);
    sameTokens &&= result.tokenIds.length === NEW_TOKENS && result.tokenIds.every((id, i) => id === reply.tokenIds[i]);
  }
  sampleLoad();
  await runner.dispose();

  const fwd = median(forward);
  const round3 = (value: number): number => +value.toFixed(3);
  return {
    model: spec.key,
    threads,
    heads: heads.length,
    promptTokensMin: Math.min(...promptTokens),
    promptTokensMax: Math.max(...promptTokens),
    maxConfidenceDiff: maxDiff,
    samplesPerSide: onnx1.length,
    onnxP50Ms: round3(median(onnx1)),
    onnxP95Ms: round3(percentile(onnx1, 0.95)),
    torchP50Ms: round3(median(torch1)),
    torchP95Ms: round3(percentile(torch1, 0.95)),
    torchForwardP50Ms: round3(median(torchForward)),
    latencyRatioP50: round3(median(onnx1) / median(torch1)),
    latencyRatioP95: round3(percentile(onnx1, 0.95) / percentile(torch1, 0.95)),
    latencyRatioPairedMedian: round3(median(roundRatios)),
    onnxAllHeadsP50Ms: round3(median(onnxAll)),
    torchAllHeadsP50Ms: round3(median(torchAll)),
    splitTokeniseMs: round3(median(tokenise)),
    splitForwardMs: round3(fwd),
    splitFirstHeadMs: round3(median(firstHead)),
    splitAllHeadsMs: round3(median(allHeads)),
    tokenisePlusHeadShareOfForward: round3((median(tokenise) + median(firstHead)) / fwd),
    tokenisePlusAllHeadsShareOfForward: round3((median(tokenise) + median(allHeads)) / fwd),
    extraHeadShareOfForward: heads.length > 1 ? round3((median(allHeads) - median(firstHead)) / (heads.length - 1) / fwd) : 0,
    // Paired per round (all heads vs one head, measured back to back), then the median round.
    extraHeadShareEndToEnd: heads.length > 1 ? round3((median(roundHeadRatios) - 1) / (heads.length - 1)) : 0,
    batchRounds,
    onnxBatchQps: +((BATCH / median(onnxBatch)) * 1000).toFixed(1),
    onnxBatchForwardQps: +((BATCH / median(onnxBatchForward)) * 1000).toFixed(1),
    torchBatchQps: +((BATCH / median(torchBatch)) * 1000).toFixed(1),
    throughputRatio: round3(median(torchBatch) / median(onnxBatch)),
    throughputRatioSameWork: round3(median(torchBatch) / median(onnxBatchForward)),
    genRounds,
    onnxTokensPerS: +((NEW_TOKENS / median(onnxGen)) * 1000).toFixed(1),
    torchTokensPerS: +((NEW_TOKENS / median(torchGen)) * 1000).toFixed(1),
    generationRatio: round3(median(torchGen) / median(onnxGen)),
    generationSameTokens: sameTokens,
  };
}

function table(sections: Section[]): string {
  const lines = [
    '| model | threads | ONNX p50 / p95 ms | PyTorch p50 / p95 ms | ONNX/PyTorch p50 (paired) | batch 32 q/s ONNX / ONNX same work / PyTorch | gen tok/s ONNX / PyTorch |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const s of sections) {
    lines.push(
      `| ${s.model} | ${s.threads} | ${s.onnxP50Ms} / ${s.onnxP95Ms} | ${s.torchP50Ms} / ${s.torchP95Ms} | ${s.latencyRatioP50} (${s.latencyRatioPairedMedian}) | ${s.onnxBatchQps} / ${s.onnxBatchForwardQps} / ${s.torchBatchQps} (x${s.throughputRatio}, x${s.throughputRatioSameWork}) | ${s.onnxTokensPerS} / ${s.torchTokensPerS} (x${s.generationRatio}) |`,
    );
  }
  lines.push('', '| model | threads | tokenise+wrap ms | forward ms | 1 head ms | all heads ms | (tokenise + 1 head) / forward | per extra head / forward | per extra head, end to end |', '|---|---|---|---|---|---|---|---|---|');
  for (const s of sections) {
    lines.push(
      `| ${s.model} | ${s.threads} | ${s.splitTokeniseMs} | ${s.splitForwardMs} | ${s.splitFirstHeadMs} | ${s.splitAllHeadsMs} (${s.heads}) | ${s.tokenisePlusHeadShareOfForward} | ${s.extraHeadShareOfForward} | ${s.extraHeadShareEndToEnd} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const rounds = Number(option('rounds') ?? 6);
  const threadCounts = (option('threads') ?? '2,1').split(',').map(Number);
  const modelKeys = (option('models') ?? 'tiny,bench').split(',');
  const spinning = args.includes('--spinning');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${option('rounds')}`);
  for (const key of modelKeys) if (!MODELS[key]) throw new Error(`--models: unknown model ${key}; use tiny and/or bench`);
  for (const n of threadCounts) if (!Number.isInteger(n) || n < 1) throw new Error(`--threads: ${n} is not a positive integer`);

  if (modelKeys.includes('bench')) await runChecked(PYTHON, [PEER, 'make', '--out', BENCH_MODEL_DIR]);
  const peer = new TorchPeer(spinning);
  const sections: Section[] = [];
  const started = new Date();
  sampleLoad();
  try {
    const { questions } = await peer.request<{ questions: string[] }>({ op: 'questions' });
    for (const key of modelKeys) {
      for (const threads of threadCounts) {
        const section = await benchModel(MODELS[key], threads, rounds, spinning, peer, questions);
        console.log(JSON.stringify(section));
        sections.push(section);
      }
    }
  } finally {
    peer.close();
  }
  const summary = {
    schemaVersion: 1,
    started: started.toISOString(),
    command: `npx tsx bench/runtimeVsTorch.ts ${args.join(' ')}`.trim(),
    node: process.version,
    rounds,
    spinning,
    loadAverage1m: { min: Math.min(...loadSamples), max: Math.max(...loadSamples), mean: loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length },
    sections,
  };
  const out = option('json') ?? join(ROOT, '.tmp', 'bench-results', `runtimeVsTorch-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nload average (1 min) during the run: ${summary.loadAverage1m.min.toFixed(1)} to ${summary.loadAverage1m.max.toFixed(1)}`);
  console.log(table(sections));
  console.log(`\nresults: ${out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
