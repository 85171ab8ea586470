/**
 * Head-training benchmark (issue 2): trains a linear head on random 1k x 4096 and 100k x 4096
 * features for 50 epochs with the product's trainer, runs the PyTorch peer
 * (bench/train_linear_head_torch.py, Debian torch on OpenBLAS) on the same shapes in the same run,
 * and prints a Markdown table for docs/benchmarks.md ("Head training").
 *
 * Run: npx tsx bench/trainLinearHead.bench.ts [--sizes 1000,100000] [--epochs 50] [--threads 2]
 * Not part of the unit tests (it takes minutes and most of the machine).
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { LinearHead } from '../extension/core/heads/linearHead';
import { createSeededRandom } from '../extension/core/math/seededRandom';
import { splitValidation } from '../extension/core/training/budgets';
import { createFreshHead } from '../extension/core/training/freshHead';
import { trainHead } from '../extension/core/training/trainHead';
import { TrainingData } from '../extension/core/training/trainingData';

const H = 4096;

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

/** Uniform [-1, 1) features and [0, 1) targets, filled row block by row block from one seeded stream. */
function randomData(n: number, seed: number): TrainingData {
  const random = createSeededRandom(seed);
  const features = new Float32Array(n * H);
  for (let i = 0; i < features.length; i++) features[i] = 2 * random() - 1;
  const targets = Float32Array.from({ length: n }, () => random());
  return { features, hiddenSize: H, targets };
}

async function timeTs(data: TrainingData, n: number, epochs: number, start: LinearHead | null, validationShare: number): Promise<{ seconds: number; epochsRun: number }> {
  const rows = Array.from({ length: n }, (_, i) => i);
  const split = validationShare > 0 ? splitValidation(rows, validationShare, 42) : { train: rows, validation: [] };
  const begin = performance.now();
  const result = await trainHead({
    data, trainRows: split.train, validationRows: split.validation,
    start: start ? { from: 'head', head: start } : { from: 'fresh', kind: 'linear' },
    seed: 42, learningRate: 1e-3, batchSize: 512, maxEpochs: epochs, patience: validationShare > 0 ? 4 : Infinity,
  });
  return { seconds: (performance.now() - begin) / 1000, epochsRun: result.summary.epochsRun };
}

function timeTorch(n: number, epochs: number, threads: number): { trainSeconds: number; threads: number; blas: string } {
  const run = spawnSync('/usr/bin/python3', ['bench/train_linear_head_torch.py', String(n), String(H), String(epochs), String(threads)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`PyTorch peer failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

async function main(): Promise<void> {
  const sizes = argument('sizes', '1000,100000').split(',').map(Number);
  const epochs = Number(argument('epochs', '50'));
  const threads = Number(argument('threads', '2'));
  const lines = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; linear head, H = ${H}, ${epochs} epochs, batch 512, AdamW + warm-up/decay + clipping.`,
    '',
    '| case | TypeScript (s) | PyTorch (s) | TS / PyTorch |',
    '|---|---:|---:|---:|',
  ];
  let torchInfo = '';
  for (const n of sizes) {
    const genStart = performance.now();
    const data = randomData(n, 7);
    const genSeconds = (performance.now() - genStart) / 1000;
    const fresh = await timeTs(data, n, epochs, null, 0);
    const stage1 = createFreshHead('linear', H, 1) as LinearHead;
    const elical = await timeTs(data, n, epochs, stage1, 0);
    const peer = timeTorch(n, epochs, threads);
    torchInfo = `PyTorch ${peer.threads} threads, BLAS ${peer.blas}`;
    lines.push(`| ${n} x ${H}, Cal-Only (fresh head), all ${epochs} epochs | ${fresh.seconds.toFixed(2)} | ${peer.trainSeconds.toFixed(2)} | ${(fresh.seconds / peer.trainSeconds).toFixed(2)} |`);
    lines.push(`| ${n} x ${H}, EliCal retrain (from a head), all ${epochs} epochs | ${elical.seconds.toFixed(2)} | | |`);
    if (n <= 10_000) {
      const realistic = await timeTs(data, n, epochs, stage1, 0.1);
      lines.push(`| ${n} x ${H}, EliCal retrain, 10 % validation + early stopping (${realistic.epochsRun} epochs run) | ${realistic.seconds.toFixed(2)} | | |`);
    }
    process.stderr.write(`n=${n}: features generated in ${genSeconds.toFixed(2)} s\n`);
  }
  lines.push('', torchInfo);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
