/**
 * What an answer costs over `elical serve` (its generate_stream route, which the extension uses)
 * against the same answer generated locally, on one machine: the remote path adds the HTTP round
 * trip, the event stream and JSON, and must return the identical answer. The server runs in this process on its own runner (one intra-op
 * thread each, as local scoring uses), and the two paths alternate question by question (local
 * first on even questions, remote first on odd ones), so machine load hits both alike.
 *
 * Run: npx tsx bench/remoteAnswer.bench.ts [--model DIR] [--questions N]
 * Questions: the first N of the package's data/test_in.jsonl (default model: models/demo-facts).
 * Exit 1 when any remote answer differs from the local one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfidenceScorer } from '../extension/core/scoring/confidenceScorer';
import type { GenerateOptions } from '../extension/core/scoring/modelRunner';
import { loadModelPackage } from '../extension/node/modelPackage';
import { OnnxModelRunner } from '../extension/node/onnxModelRunner';
import { InferenceClient } from '../extension/node/remote/inferenceClient';
import { InferenceServer } from '../extension/node/remote/inferenceServer';
import { RemoteModelRunner } from '../extension/node/remote/remoteModelRunner';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? '') : fallback;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

async function main(): Promise<number> {
  const dir = option('model', join(__dirname, '..', 'models', 'demo-facts'));
  const count = Number(option('questions', '200'));
  if (!Number.isSafeInteger(count) || count < 10) throw new Error(`--questions must be a whole number >= 10, got ${option('questions', '')}`);
  const pkg = await loadModelPackage(dir);
  const { manifest } = pkg;
  const newRunner = async (): Promise<OnnxModelRunner> => {
    const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: manifest.architecture, backbone: manifest.backbone, padTokenId: manifest.generation.padTokenId, provider: 'cpu', intraOpNumThreads: 1, interOpNumThreads: 1 });
    await runner.load();
    return runner;
  };
  const local = await newRunner();
  const serverRunner = await newRunner();
  const server = new InferenceServer({
    runner: serverRunner,
    model: { name: manifest.name, vocabSize: manifest.architecture.vocabSize, maxPositions: manifest.architecture.maxPositionEmbeddings, hiddenSize: manifest.architecture.hiddenSize, inputIds: manifest.backbone.inputs.inputIds, attentionMask: manifest.backbone.inputs.attentionMask, hiddenStates: manifest.backbone.outputs.hiddenStates },
    port: 0,
  });
  const { url } = await server.start();
  const remote = new RemoteModelRunner({ client: new InferenceClient({ url, retries: 0 }), modelName: manifest.name, architecture: manifest.architecture, backbone: manifest.backbone, padTokenId: manifest.generation.padTokenId });
  try {
    const scorer = new ConfidenceScorer(local, pkg.tokenizer, manifest.prompt, pkg.heads.map(({ entry, head }) => ({ id: entry.id, head })));
    const questions = readFileSync(join(dir, 'data', 'test_in.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, count).map((line) => (JSON.parse(line) as { question: string }).question);
    const options: GenerateOptions = { maxNewTokens: manifest.generation.maxNewTokens, decoding: 'greedy', repetitionPenalty: 1.05, eosTokenIds: manifest.generation.eosTokenIds };
    const prompts = questions.map((question) => scorer.buildPrompt(question).tokenIds);
    // Warm-up: sessions, connection pool, JIT.
    for (const prompt of prompts.slice(0, 10)) {
      await local.generate(prompt, options);
      await remote.generate(prompt, options);
    }
    const localMs: number[] = [];
    const remoteMs: number[] = [];
    const ratios: number[] = [];
    let tokens = 0;
    let different = 0;
    for (const [index, prompt] of prompts.entries()) {
      const timed = async (runner: OnnxModelRunner | RemoteModelRunner): Promise<{ ms: number; ids: number[]; logprobs: number[] }> => {
        const started = performance.now();
        const result = await runner.generate(prompt, options);
        return { ms: performance.now() - started, ids: result.tokenIds, logprobs: result.logprobs };
      };
      let a: Awaited<ReturnType<typeof timed>>;
      let b: Awaited<ReturnType<typeof timed>>;
      if (index % 2 === 0) {
        a = await timed(local);
        b = await timed(remote);
      } else {
        b = await timed(remote);
        a = await timed(local);
      }
      localMs.push(a.ms);
      remoteMs.push(b.ms);
      ratios.push(b.ms / a.ms);
      tokens += a.ids.length;
      if (JSON.stringify([a.ids, a.logprobs]) !== JSON.stringify([b.ids, b.logprobs])) different++;
    }
    const sorted = (values: number[]): number[] => [...values].sort((x, y) => x - y);
    const [l, r, q] = [sorted(localMs), sorted(remoteMs), sorted(ratios)];
    console.log(`model ${manifest.name}, ${prompts.length} questions (${(tokens / prompts.length).toFixed(1)} answer tokens on average), one intra-op thread each side`);
    console.log(`local greedy answer:  p50 ${percentile(l, 0.5).toFixed(2)} ms, p95 ${percentile(l, 0.95).toFixed(2)} ms`);
    console.log(`remote (elical serve /generate_stream on loopback): p50 ${percentile(r, 0.5).toFixed(2)} ms, p95 ${percentile(r, 0.95).toFixed(2)} ms`);
    console.log(`remote / local, paired per question: median ${percentile(q, 0.5).toFixed(2)}x; remote - local at the median: ${(percentile(r, 0.5) - percentile(l, 0.5)).toFixed(2)} ms`);
    console.log(`answers that differ from the local ones: ${different} of ${prompts.length}`);
    return different === 0 ? 0 : 1;
  } finally {
    await remote.dispose();
    await server.stop(0);
    await Promise.all([local.dispose(), serverRunner.dispose()]);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`remoteAnswer.bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
