/**
 * In-process scoring latency of a model package: p50/p95 of ConfidenceScorer.score over
 * repeated single questions (after warm-up), and batch throughput. Peers in the same process,
 * interleaved with the scoring so machine load hits both alike: the greedy answer the badge
 * comes before, and Cons-Sem's cost (the greedy answer plus 20 samples), i.e. what a
 * confidence from generation would take instead of one forward pass.
 * Run: npx tsx bench/scoreLatency.ts [PACKAGE_DIR] [--iterations N] [--threads N] [--peer-rounds N]
 */
import { join } from 'node:path';
import { exactMatchJudge } from '../extension/core/elicitation/exactMatchJudge';
import { sampleAnswers } from '../extension/core/elicitation/sampleAnswers';
import { ConfidenceScorer } from '../extension/core/scoring/confidenceScorer';
import { loadModelPackage } from '../extension/node/modelPackage';
import { OnnxModelRunner } from '../extension/node/onnxModelRunner';

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number): number => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? Number(args[index + 1]) : fallback;
  };
  const dir = args.find((arg, index) => !arg.startsWith('--') && !args[index - 1]?.startsWith('--')) ?? join(__dirname, '..', 'test', 'fixtures', 'tiny-llama', 'package');
  const iterations = option('iterations', 200);
  const threads = option('threads', 1);
  const loadStart = performance.now();
  const pkg = await loadModelPackage(dir);
  const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: pkg.manifest.generation.padTokenId, provider: 'cpu', intraOpNumThreads: threads, interOpNumThreads: 1 });
  await runner.load();
  const loadMs = performance.now() - loadStart;
  const heads = pkg.heads.map(({ entry, head }) => ({ id: entry.id, head }));
  const scorer = new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, heads);
  const questions = ['What is the capital of France?', 'Who wrote the play Hamlet?', 'Which river flows through Cairo?', 'What is the chemical symbol of gold?'];
  for (let i = 0; i < 20; i++) await scorer.score(questions[i % questions.length]);
  const peerRounds = option('peer-rounds', 20);
  const answering = { runner, tokenizer: pkg.tokenizer, prompt: pkg.manifest.prompt, eosTokenIds: pkg.manifest.generation.eosTokenIds };
  const peer = (samples: number, i: number) =>
    sampleAnswers(answering, questions[i % questions.length], { samples, firstSeed: i * samples, maxNewTokens: pkg.manifest.generation.maxNewTokens, judge: exactMatchJudge });
  const times: number[] = [];
  const answerTimes: number[] = [];
  const consSemTimes: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await scorer.score(questions[i % questions.length]);
    times.push(performance.now() - start);
    // Every iterations/peerRounds-th question, the peers on the same question.
    if (i % Math.max(1, Math.floor(iterations / peerRounds)) === 0) {
      const answerStart = performance.now();
      await peer(0, i);
      answerTimes.push(performance.now() - answerStart);
      const consSemStart = performance.now();
      await peer(20, i);
      consSemTimes.push(performance.now() - consSemStart);
    }
  }
  times.sort((a, b) => a - b);
  answerTimes.sort((a, b) => a - b);
  consSemTimes.sort((a, b) => a - b);
  const batch = Array.from({ length: 64 }, (_, i) => questions[i % questions.length]);
  const batchStart = performance.now();
  await scorer.scoreBatch(batch);
  const batchMs = performance.now() - batchStart;
  console.log(JSON.stringify({
    package: pkg.manifest.name,
    heads: heads.length,
    threads,
    load_ms: Math.round(loadMs),
    iterations,
    score_p50_ms: +percentile(times, 0.5).toFixed(3),
    score_p95_ms: +percentile(times, 0.95).toFixed(3),
    greedy_answer_p50_ms: +percentile(answerTimes, 0.5).toFixed(3),
    cons_sem_21_generations_p50_ms: +percentile(consSemTimes, 0.5).toFixed(3),
    score_share_of_answer: +(percentile(times, 0.5) / percentile(answerTimes, 0.5)).toFixed(4),
    cons_sem_over_score: +(percentile(consSemTimes, 0.5) / percentile(times, 0.5)).toFixed(1),
    batch64_questions_per_s: +((batch.length / batchMs) * 1000).toFixed(1),
  }));
  await runner.dispose();
}

void main();
