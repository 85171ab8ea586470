/**
 * The extension's "Retrain Calibration" on 1,000 labels, timed in its two parts exactly as the
 * command runs them: question features from the model (questionFeatures over the real ONNX
 * runner, batches of 16) and retrainCalibration (EliCal from the package's Eli-Only head plus
 * Cal-Only, 5-fold cross-validation, final heads, metrics with 1,000 bootstrap resamples).
 *
 * Run: npx tsx bench/retrain.bench.ts [--model DIR] [--labels 1000] [--data HONESTYBENCH.jsonl]
 * Default model: the committed tiny fixture (hidden 64). With --data, the first N records' questions
 * and greedy_correctness are the labelled questions (e.g. the demo's own test file, real labels);
 * without it, labels are synthetic (seeded coin flips weighted by the Eli-Only confidence).
 */
import { readFileSync } from 'node:fs';
import { createSeededRandom } from '../extension/core/math/seededRandom';
import { questionFeatures } from '../extension/core/scoring/questionFeatures';
import { retrainCalibration } from '../extension/core/retrain/retrainCalibration';
import { ConfidenceScorer } from '../extension/core/scoring/confidenceScorer';
import { loadModelPackage } from '../extension/node/modelPackage';
import { OnnxModelRunner } from '../extension/node/onnxModelRunner';

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

async function main(): Promise<void> {
  const pkg = await loadModelPackage(argument('model', 'test/fixtures/tiny-llama/package'));
  const n = Number(argument('labels', '1000'));
  const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: pkg.manifest.generation.padTokenId, provider: 'cpu' });
  await runner.load();
  const eliOnly = pkg.heads.find(({ entry }) => entry.family === 'eli-only');
  if (eliOnly === undefined) throw new Error(`${pkg.manifest.name} has no Eli-Only head`);
  const scorer = new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, [{ id: eliOnly.entry.id, head: eliOnly.head }]);
  const subjects = ['France', 'Peru', 'Kenya', 'Norway', 'Chile', 'Japan', 'Egypt', 'Canada', 'Ghana', 'Spain'];
  const dataFile = process.argv.includes('--data') ? argument('data', '') : null;
  const records = dataFile === null ? null : readFileSync(dataFile, 'utf8').trim().split('\n').slice(0, n).map((line) => JSON.parse(line) as { question: string; greedy_correctness: 0 | 1 });
  if (records !== null && records.length < n) throw new Error(`${dataFile} has ${records.length} records, fewer than --labels ${n}`);
  const questions = records?.map((record) => record.question) ?? Array.from({ length: n }, (_, i) => `Question ${i}: what is the capital of ${subjects[i % subjects.length]}?`);
  let started = performance.now();
  const features = await questionFeatures(runner, questions, { promptIds: (question) => scorer.buildPrompt(question).tokenIds });
  const featureSeconds = (performance.now() - started) / 1000;
  const random = createSeededRandom(1);
  const confidence = eliOnly.head.predict(features, n);
  const labels = records?.map((record) => record.greedy_correctness) ?? Array.from(confidence, (c) => (random() < c ? 1 : 0));
  started = performance.now();
  const result = await retrainCalibration({ features, hiddenSize: runner.hiddenSize, labels, elicitationHead: eliOnly.head, existingHeads: [{ id: eliOnly.entry.id, head: eliOnly.head }] });
  const trainSeconds = (performance.now() - started) / 1000;
  await runner.dispose();
  console.log(`| model | labels | features (s) | retrain + 5-fold CV + metrics (s) | EliCal CV AUROC | Cal-Only CV AUROC | epochs (final heads) |`);
  console.log(`|---|---|---|---|---|---|---|`);
  const auroc = (i: number): string => result.families[i].crossValidated.auroc?.value.toFixed(1) ?? 'n/a';
  console.log(`| ${pkg.manifest.name} (H=${runner.hiddenSize}) | ${n} | ${featureSeconds.toFixed(2)} | ${trainSeconds.toFixed(2)} | ${auroc(0)} | ${auroc(1)} | ${result.families.map((f) => f.summary.epochsRun).join(", ")} |`);
}

void main();
