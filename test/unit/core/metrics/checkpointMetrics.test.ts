import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointMetrics, flattenCheckpointMetrics } from '../../../../extension/core/metrics/checkpointMetrics';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';
import { requirePython, runPython } from '../../../support/python';

const close = (actual: number, expected: number, tolerance = 1e-9): void => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected}`);

test('doc example: conf [0.1, 0.4, 0.35, 0.8], correct [0, 0, 1, 1], no resamples', () => {
  const metrics = checkpointMetrics([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], { resamples: 0 });
  assert.equal(metrics.n, 4);
  close(metrics.auroc?.value ?? NaN, 75);
  close(metrics.ece.value, 0.3375);
  close(metrics.alignment.value, 75);
  close(metrics.brier.value, 0.158125);
  assert.equal(metrics.brier.lower, metrics.brier.value);
  const flat = flattenCheckpointMetrics(metrics);
  assert.deepEqual(Object.keys(flat), ['n', 'auroc', 'aurocLower', 'aurocUpper', 'ece', 'eceLower', 'eceUpper', 'alignment', 'alignmentLower', 'alignmentUpper', 'brier', 'brierLower', 'brierUpper']);
});

test('one class only: AUROC is null (undefined), the other metrics still exist', () => {
  const metrics = checkpointMetrics([0.2, 0.9, 0.6], [1, 1, 1], { resamples: 50 });
  assert.equal(metrics.auroc, null);
  close(metrics.brier.value, (0.64 + 0.01 + 0.16) / 3);
  assert.ok(!('auroc' in flattenCheckpointMetrics(metrics)));
});

test('point values agree with scikit-learn, and each interval brackets its estimate', (t) => {
  if (!requirePython(t, ['sklearn', 'numpy'])) return;
  const random = createSeededRandom(7);
  const conf = Array.from({ length: 200 }, () => Math.fround(random()));
  const correct = conf.map((c) => (random() < c ? 1 : 0));
  const metrics = checkpointMetrics(conf, correct, { resamples: 300, seed: 3 });
  const out = runPython([
    '-c',
    'import json,sys; from sklearn.metrics import roc_auc_score, brier_score_loss; d=json.load(sys.stdin); print(json.dumps([roc_auc_score(d["y"], d["c"])*100, brier_score_loss(d["y"], d["c"])]))',
  ], { input: JSON.stringify({ c: conf, y: correct }) });
  const [auc, brierScore] = JSON.parse(out) as number[];
  close(metrics.auroc?.value ?? NaN, auc, 1e-9);
  close(metrics.brier.value, brierScore, 1e-12);
  for (const interval of [metrics.auroc, metrics.ece, metrics.alignment, metrics.brier]) {
    assert.ok(interval !== null);
    assert.ok(interval.lower <= interval.value + 1e-12 && interval.value <= interval.upper + 1e-12, JSON.stringify(interval));
    assert.ok(interval.upper > interval.lower, 'a 200-item sample has a non-degenerate interval');
  }
});

test('bad input is refused', () => {
  assert.throws(() => checkpointMetrics([], []), RangeError);
  assert.throws(() => checkpointMetrics([0.5, 1.5], [0, 1]), RangeError);
  assert.throws(() => checkpointMetrics([0.5], [0], { resamples: -1 }), /resamples/);
});
