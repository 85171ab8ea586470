import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearHead } from '../../../../extension/core/heads/linearHead';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';
import { checkpointMetrics } from '../../../../extension/core/metrics/checkpointMetrics';
import { crossValidationFolds } from '../../../../extension/core/retrain/crossValidationFolds';
import { retrainCalibration, retrainFoldCount, type RetrainRequest } from '../../../../extension/core/retrain/retrainCalibration';
import { createFreshHead } from '../../../../extension/core/training/freshHead';
import { trainHead } from '../../../../extension/core/training/trainHead';

const H = 8;
const noYield = (): Promise<void> => Promise.resolve();

/** n questions whose label follows a known direction w (P(right) = sigmoid(3 x.w)), and an Eli-Only head along w. */
function synthetic(n: number, seed = 5): { features: Float32Array; labels: number[]; eliOnly: LinearHead } {
  const random = createSeededRandom(seed);
  const w = Float32Array.from({ length: H }, (_, j) => (j % 2 === 0 ? 0.8 : -0.4));
  const features = new Float32Array(n * H);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < H; j++) {
      const value = Math.fround(2 * random() - 1);
      features[i * H + j] = value;
      dot += value * w[j];
    }
    labels.push(random() < 1 / (1 + Math.exp(-3 * dot)) ? 1 : 0);
  }
  return { features, labels, eliOnly: new LinearHead(Float32Array.from(w, (x) => 2 * x), 0) };
}

function request(n: number, overrides: Partial<RetrainRequest> = {}): RetrainRequest {
  const { features, labels, eliOnly } = synthetic(n);
  return { features, hiddenSize: H, labels, elicitationHead: eliOnly, bootstrapResamples: 50, learningRate: 0.05, maxEpochs: 20, yieldToEventLoop: noYield, ...overrides };
}

test('fold count examples: 10 -> 2, 24 -> 4, 25 -> 5, 1000 -> 5; fewer than 10 labels refused', () => {
  assert.deepEqual([10, 24, 25, 1000].map(retrainFoldCount), [2, 4, 5, 5]);
  assert.throws(() => retrainFoldCount(9), /at least 10 labelled questions, got 9/);
});

test('EliCal and Cal-Only train on identical rows; each out-of-fold confidence comes from the head of its fold, which never saw that row', async () => {
  const req = request(60);
  const result = await retrainCalibration(req);
  assert.deepEqual(result.folds, crossValidationFolds(60, 5, 42));
  assert.equal(result.rows.length, 6);
  result.folds.forEach((fold, f) => {
    const used = [...result.rows[f].train, ...result.rows[f].validation].sort((a, b) => a - b);
    assert.deepEqual(used, Array.from({ length: 60 }, (_, i) => i).filter((row) => !fold.includes(row)), `fold ${f}: the training pool is exactly the other folds`);
    assert.ok(result.rows[f].validation.length > 0);
  });
  assert.deepEqual([...result.rows[5].train, ...result.rows[5].validation].sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i));
  assert.deepEqual(result.families.map((family) => family.family), ['elical', 'cal-only']);
  // Independently retrain fold 2 of each family with the trainer on the rows the result reports.
  const data = { features: req.features, hiddenSize: H, targets: Float32Array.from(req.labels) };
  for (const family of result.families) {
    const { head } = await trainHead({
      data, trainRows: result.rows[2].train, validationRows: result.rows[2].validation, seed: 42, learningRate: 0.05, maxEpochs: 20, yieldToEventLoop: noYield,
      start: family.family === 'elical' ? { from: 'head', head: req.elicitationHead as LinearHead } : { from: 'fresh', kind: 'linear' },
    });
    const fold = result.folds[2];
    const rows = new Float32Array(fold.length * H);
    fold.forEach((row, i) => rows.set(req.features.subarray(row * H, (row + 1) * H), i * H));
    assert.deepEqual(Array.from(head.predict(rows, fold.length)), fold.map((row) => family.outOfFold[row]), family.family);
    assert.deepEqual(family.crossValidated, checkpointMetrics(family.outOfFold, req.labels, { resamples: 50, seed: 42 }));
  }
});

test('EliCal starts from the given Eli-Only head, Cal-Only from a fresh one; the given head is not modified', async () => {
  const req = request(30, { learningRate: 1e-12, maxEpochs: 2 });
  const before = Array.from((req.elicitationHead as LinearHead).weight);
  const result = await retrainCalibration(req);
  const [elical, calOnly] = result.families;
  const weights = (head: { parameters: readonly { data: Float32Array }[] }): number[] => head.parameters.flatMap((p) => Array.from(p.data));
  const near = (a: number[], b: number[]): void => a.forEach((value, i) => assert.ok(Math.abs(value - b[i]) < 1e-6, `${i}: ${value} vs ${b[i]}`));
  near(weights(elical.head), weights(req.elicitationHead as LinearHead));
  near(weights(calOnly.head), weights(createFreshHead('linear', H, 42)));
  assert.deepEqual(Array.from((req.elicitationHead as LinearHead).weight), before);
  assert.notEqual(elical.head, req.elicitationHead);
});

test('deterministic: the same request gives the same folds, heads and metrics', async () => {
  const a = await retrainCalibration(request(40));
  const b = await retrainCalibration(request(40));
  assert.deepEqual(a.folds, b.folds);
  assert.deepEqual(a.rows, b.rows);
  assert.deepEqual(a.families.map((f) => Array.from(f.outOfFold)), b.families.map((f) => Array.from(f.outOfFold)));
  assert.deepEqual(a.families.map((f) => f.crossValidated), b.families.map((f) => f.crossValidated));
});

test('the labels carry signal: cross-validated AUROC is well above chance, and the existing heads are reported on all labels', async () => {
  const req = request(200);
  const result = await retrainCalibration({ ...req, existingHeads: [{ id: 'eli', head: req.elicitationHead as LinearHead }] });
  for (const family of result.families) assert.ok((family.crossValidated.auroc?.value ?? 0) > 75, `${family.family} AUROC ${family.crossValidated.auroc?.value}`);
  assert.equal(result.labelCount, 200);
  assert.deepEqual(result.existing, [{ id: 'eli', metrics: checkpointMetrics((req.elicitationHead as LinearHead).predict(req.features, 200), req.labels, { resamples: 50, seed: 42 }) }]);
});

test('without an Eli-Only head only Cal-Only trains; progress counts every head', async () => {
  const progress: string[] = [];
  const result = await retrainCalibration(request(20, { elicitationHead: null, onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.family} ${p.fold}`) }));
  assert.deepEqual(result.families.map((f) => f.family), ['cal-only']);
  assert.deepEqual(progress, ['1/5 cal-only 0', '2/5 cal-only 1', '3/5 cal-only 2', '4/5 cal-only 3', '5/5 cal-only null']);
});

test('bad requests are refused with the reason; a cancelled retrain rejects', async () => {
  await assert.rejects(retrainCalibration(request(9)), /at least 10 labelled questions, got 9/);
  const req = request(20);
  const labels = Array.from(req.labels);
  await assert.rejects(retrainCalibration({ ...req, labels: labels.map(() => 1) }), /all 20 labels are right/);
  await assert.rejects(retrainCalibration({ ...req, labels: labels.map((l, i) => (i === 3 ? 2 : l)) }), /label 3 is 2/);
  await assert.rejects(retrainCalibration({ ...req, hiddenSize: 4 }), /features hold 160 values/);
  await assert.rejects(retrainCalibration({ ...req, elicitationHead: new LinearHead(new Float32Array(3), 0) }), /hidden size 3/);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(retrainCalibration({ ...req, signal: controller.signal }), { name: 'AbortError' });
});
