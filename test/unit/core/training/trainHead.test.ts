import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearHead } from '../../../../extension/core/heads/linearHead';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';
import { BatchGradientFactory, TrainableHead } from '../../../../extension/core/training/batchGradient';
import { createEpochOrders } from '../../../../extension/core/training/epochOrders';
import { createFreshHead } from '../../../../extension/core/training/freshHead';
import { defaultBatchGradient, TrainHeadOptions, trainHead } from '../../../../extension/core/training/trainHead';
import { TrainingData } from '../../../../extension/core/training/trainingData';
import { validationLoss } from '../../../../extension/core/training/validationLoss';
import { requirePython, runPython } from '../../../support/python';

const REFERENCE = 'test/fixtures/training/torch_reference.py';

/** Features uniform in [-1, 1]; targets σ(x·w*) for a hidden w* (soft, realisable) or 0/1 noisy labels. */
function problem(n: number, h: number, seed: number, labels: 'soft' | 'binary'): { data: TrainingData; optimum: Float64Array } {
  const random = createSeededRandom(seed);
  const optimum = Float64Array.from({ length: h }, () => 2 * random() - 1);
  const features = new Float32Array(n * h);
  const targets = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < h; j++) {
      features[i * h + j] = 2 * random() - 1;
      z += optimum[j] * features[i * h + j];
    }
    const p = 1 / (1 + Math.exp(-z));
    targets[i] = labels === 'soft' ? p : random() < p ? 1 : 0;
  }
  return { data: { features, hiddenSize: h, targets }, optimum };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

interface TorchResult {
  weights: Record<string, number[]>;
  history: Array<{ trainLoss: number; validationLoss: number }>;
  bestEpoch: number;
  predictions: number[];
}

function torchTrain(options: TrainHeadOptions, init: TrainableHead, dtype: 'float32' | 'float64'): TorchResult {
  const maxEpochs = options.maxEpochs ?? 50;
  const next = createEpochOrders(options.trainRows, options.seed + 1);
  const orders = range(0, maxEpochs).map(() => Array.from(next()));
  const job = {
    kind: init.kind,
    hidden: options.data.hiddenSize,
    dtype,
    features: Array.from(options.data.features),
    targets: Array.from(options.data.targets),
    trainRows: Array.from(options.trainRows),
    validationRows: Array.from(options.validationRows),
    orders,
    init: Object.fromEntries(init.parameters.map((p) => [p.name, Array.from(p.data)])),
    lr: options.learningRate,
    weightDecay: options.weightDecay ?? 0.1,
    betas: [0.9, 0.999],
    eps: 1e-8,
    batchSize: options.batchSize,
    maxEpochs,
    patience: options.patience === Infinity ? null : options.patience ?? 4,
    warmupRatio: 0.1,
    maxGradNorm: options.maxGradNorm ?? 1.0,
  };
  return JSON.parse(runPython([REFERENCE], { input: JSON.stringify(job) })) as TorchResult;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

for (const kind of ['linear', 'mlp'] as const) {
  test(`trainHead (${kind}): matches PyTorch AdamW + schedule + clipping + early stopping on identical batches`, async (t) => {
    if (!requirePython(t, ['torch'])) return;
    const h = kind === 'linear' ? 24 : 12;
    // Binary labels so the clip (norm 1.0) and early stopping are actually exercised.
    const { data } = problem(400, h, 11, 'binary');
    const options: TrainHeadOptions = {
      data, trainRows: range(0, 340), validationRows: range(340, 400), start: { from: 'fresh', kind },
      seed: 5, learningRate: 0.05, batchSize: 32, maxEpochs: 12, patience: 3, maxGradNorm: 0.05,
    };
    const init = createFreshHead(kind, h, options.seed);
    const ours = await trainHead(options);
    const reference = torchTrain(options, init, 'float64');
    const reference32 = torchTrain(options, init, 'float32');
    t.diagnostic(`max |w - torch64| ${Math.max(...ours.head.parameters.map((p) => maxAbsDiff(p.data, reference.weights[p.name])))}, max |w - torch32| ${Math.max(...ours.head.parameters.map((p) => maxAbsDiff(p.data, reference32.weights[p.name])))}, epochs ${ours.summary.epochsRun}, best ${ours.summary.bestEpoch}`);
    // Tolerance (measured max 2e-7 / 5e-7): our parameters are float32 (rounded after each AdamW step) with float64
    // arithmetic; the float64 torch run differs only by that rounding, accumulated over the steps.
    assert.equal(ours.summary.epochsRun, reference.history.length, 'same epoch count (early stopping agrees)');
    assert.equal(ours.summary.bestEpoch, reference.bestEpoch);
    for (const p of ours.head.parameters) {
      assert.ok(maxAbsDiff(p.data, reference.weights[p.name]) < 2e-6, `${p.name} vs torch float64: ${maxAbsDiff(p.data, reference.weights[p.name])}`);
      // float32 torch also rounds activations and sums: a looser but still tight bound.
      assert.ok(maxAbsDiff(p.data, reference32.weights[p.name]) < 1e-5, `${p.name} vs torch float32: ${maxAbsDiff(p.data, reference32.weights[p.name])}`);
    }
    ours.history.forEach((epoch, i) => {
      assert.ok(Math.abs(epoch.trainLoss - reference.history[i].trainLoss) < 1e-6, `train loss epoch ${i + 1}`);
      assert.ok(Math.abs(epoch.validationLoss - reference.history[i].validationLoss) < 1e-6, `validation loss epoch ${i + 1}`);
    });
    const predictions = ours.head.predict(data.features, 400);
    assert.ok(maxAbsDiff(predictions, reference.predictions) < 1e-5, `predictions: ${maxAbsDiff(predictions, reference.predictions)}`);
  });
}

test('trainHead: EliCal continues from an exact copy of the given head, matching PyTorch started from it', async (t) => {
  const { data } = problem(300, 16, 21, 'binary');
  const stage1 = createFreshHead('linear', 16, 99) as LinearHead;
  stage1.weight.forEach((_, i) => (stage1.weight[i] += 0.5 * Math.sin(i)));
  const before = stage1.weight.slice();
  let firstWeights: Float32Array | null = null;
  const spy: BatchGradientFactory = (head, d) => {
    const inner = defaultBatchGradient(head, d);
    return {
      compute(rows, start, count, gradients) {
        firstWeights ??= (head as LinearHead).weight.slice();
        return inner.compute(rows, start, count, gradients);
      },
    };
  };
  const options: TrainHeadOptions = {
    data, trainRows: range(0, 250), validationRows: range(250, 300), start: { from: 'head', head: stage1 },
    seed: 8, learningRate: 0.02, batchSize: 50, maxEpochs: 6, patience: Infinity, gradient: spy,
  };
  const ours = await trainHead(options);
  assert.deepEqual(firstWeights, before, 'the first gradient sees exactly the given weights');
  assert.deepEqual(stage1.weight, before, 'the given head is not modified');
  assert.notEqual(ours.head, stage1);
  if (!requirePython(t, ['torch'])) return;
  const reference = torchTrain(options, stage1, 'float64');
  for (const p of ours.head.parameters) assert.ok(maxAbsDiff(p.data, reference.weights[p.name]) < 2e-6, p.name);
});

test('trainHead: recovers the known optimum of a realisable problem (soft targets σ(x·w*))', async () => {
  const { data, optimum } = problem(3000, 20, 3, 'soft');
  const result = await trainHead({
    data, trainRows: range(0, 2700), validationRows: range(2700, 3000), start: { from: 'fresh', kind: 'linear' },
    seed: 1, learningRate: 0.05, batchSize: 64, maxEpochs: 40, weightDecay: 0, patience: 8,
  });
  const head = result.head as LinearHead;
  // The MSE optimum is w* with zero loss; float32 features bound how close we can get.
  assert.ok(maxAbsDiff(head.weight, optimum) < 2e-3, `weights vs w*: ${maxAbsDiff(head.weight, optimum)}`);
  assert.ok(Math.abs(head.bias[0]) < 2e-3);
  assert.ok((result.summary.validationLoss ?? 1) < 1e-7);
});

test('trainHead: same seed gives identical weights; another seed differs', async () => {
  const { data } = problem(200, 8, 4, 'binary');
  const options: TrainHeadOptions = {
    data, trainRows: range(0, 160), validationRows: range(160, 200), start: { from: 'fresh', kind: 'mlp' },
    seed: 12, learningRate: 0.01, batchSize: 16, maxEpochs: 5,
  };
  const a = await trainHead(options);
  const b = await trainHead(options);
  const c = await trainHead({ ...options, seed: 13 });
  a.head.parameters.forEach((p, i) => assert.deepEqual(p.data, b.head.parameters[i].data));
  assert.notDeepEqual(a.head.parameters[0].data, c.head.parameters[0].data);
  assert.deepEqual(a.history, b.history);
});

test('trainHead: early stopping stops after patience and keeps the best epoch, not the last', async () => {
  // Validation rows carry the opposite labels of near-identical training rows, so fitting the
  // training rows makes validation loss rise after the start.
  const { data } = problem(400, 6, 9, 'binary');
  for (let i = 300; i < 400; i++) {
    data.features.set(data.features.subarray((i - 300) * 6, (i - 299) * 6), i * 6);
    data.targets[i] = 1 - data.targets[i - 300];
  }
  const result = await trainHead({
    data, trainRows: range(0, 300), validationRows: range(300, 400), start: { from: 'fresh', kind: 'linear' },
    seed: 2, learningRate: 0.1, batchSize: 30, maxEpochs: 40, patience: 3,
  });
  const { bestEpoch, epochsRun, validationLoss: best } = result.summary;
  assert.ok(epochsRun < 40, 'stopped early');
  assert.equal(epochsRun, bestEpoch + 3, 'stopped exactly after 3 epochs without improvement');
  const losses = result.history.map((h) => h.validationLoss);
  assert.equal(best, Math.min(...losses));
  assert.ok(losses[epochsRun - 1] > best, 'the last epoch was worse');
  // The returned weights are the best epoch's: their validation loss is that epoch's, exactly.
  assert.equal(validationLoss(result.head, data, range(300, 400)), best);
  assert.equal(result.history.filter((h) => h.improved).at(-1)?.epoch, bestEpoch);
});

test('trainHead: abort rejects with the signal reason, before any work or at the next batch', async () => {
  const { data } = problem(2000, 8, 5, 'binary');
  const base: TrainHeadOptions = {
    data, trainRows: range(0, 1800), validationRows: range(1800, 2000), start: { from: 'fresh', kind: 'linear' },
    seed: 1, batchSize: 10, maxEpochs: 50, patience: Infinity,
  };
  const early = new AbortController();
  early.abort();
  await assert.rejects(trainHead({ ...base, signal: early.signal }), { name: 'AbortError' });

  const controller = new AbortController();
  let epochs = 0;
  await assert.rejects(
    trainHead({ ...base, signal: controller.signal, onProgress: () => { epochs += 1; controller.abort(new Error('user cancelled')); } }),
    /user cancelled/,
  );
  assert.equal(epochs, 1);

  // Mid-epoch, from another task: a timer fires while training yields to the event loop.
  const timed = new AbortController();
  let batches = 0;
  const counting: BatchGradientFactory = (head, d) => {
    const inner = defaultBatchGradient(head, d);
    return { compute: (rows, start, count, g) => { batches += 1; return inner.compute(rows, start, count, g); } };
  };
  setTimeout(() => timed.abort(), 5);
  await assert.rejects(trainHead({ ...base, signal: timed.signal, gradient: counting, yieldEveryMs: 1 }), { name: 'AbortError' });
  assert.ok(batches < 50 * 180, `stopped early (${batches} batches)`);
});

test('trainHead: bad input is refused with a clear message before any work', async () => {
  const { data } = problem(20, 4, 1, 'soft');
  const base: TrainHeadOptions = { data, trainRows: range(0, 15), validationRows: range(15, 20), start: { from: 'fresh', kind: 'linear' }, seed: 1 };
  await assert.rejects(trainHead({ ...base, trainRows: [] }), /trainRows is empty/);
  await assert.rejects(trainHead({ ...base, validationRows: [14, 15] }), /row 14 appears twice/);
  await assert.rejects(trainHead({ ...base, trainRows: [0, 20] }), /trainRows row 20 is not an index into the 20 rows/);
  await assert.rejects(trainHead({ ...base, learningRate: -1 }), /learningRate must be a finite number > 0/);
  await assert.rejects(trainHead({ ...base, start: { from: 'head', head: new LinearHead(new Float32Array(5), 0) } }), /hidden size 5 but the features have 4/);
  const bad = { ...data, targets: data.targets.slice() };
  bad.targets[3] = 1.5;
  await assert.rejects(trainHead({ ...base, data: bad }), /target of row 3 is 1.5/);
  const narrow: TrainingData = { features: new Float32Array(20 * 3), hiddenSize: 3, targets: new Float32Array(20) };
  await assert.rejects(trainHead({ ...base, data: narrow, start: { from: 'fresh', kind: 'mlp' } }), /MLP head needs an integer hidden size >= 4, got 3/);
});
