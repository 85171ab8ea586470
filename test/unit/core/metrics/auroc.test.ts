import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auroc } from '../../../../extension/core/metrics/auroc';
import { SingleClassError } from '../../../../extension/core/metrics/singleClassError';
import { assertClose, loadMetricCases } from '../../../support/metricCases';

test('auroc: worked examples of the doc comment', () => {
  assert.equal(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(auroc([0.5, 0.5, 0.2, 0.8], [1, 0, 0, 1]), 0.875);
});

test('auroc: equals scikit-learn roc_auc_score on every fixture case (ties included) to 1e-9', () => {
  let compared = 0;
  for (const item of loadMetricCases()) {
    if (item.auroc === null) {
      assert.throws(() => auroc(item.confidences, item.correct), SingleClassError, item.name);
      continue;
    }
    assertClose(auroc(item.confidences, item.correct), item.auroc, item.name);
    compared++;
  }
  assert.ok(compared >= 20, `only ${compared} cases had both classes`);
});

test('auroc: does not depend on input order, all-equal confidences give 0.5', () => {
  const confidences = [0.3, 0.3, 0.9, 0.1, 0.3, 0.6];
  const correct = [1, 0, 1, 0, 0, 1];
  const expected = auroc(confidences, correct);
  const order = [5, 2, 0, 4, 1, 3];
  assert.equal(auroc(order.map((i) => confidences[i]), order.map((i) => correct[i])), expected);
  assert.equal(auroc([0.4, 0.4, 0.4], [1, 0, 1]), 0.5);
});

test('auroc: single class is a SingleClassError naming the class; bad input is a RangeError', () => {
  assert.throws(
    () => auroc([0.2, 0.9], [1, 1]),
    (error: unknown) =>
      error instanceof SingleClassError &&
      error.presentClass === 1 &&
      /AUROC needs both correct and incorrect items, but all 2 items have correct = 1/.test(error.message),
  );
  assert.throws(() => auroc([], []), /no items/);
  assert.throws(() => auroc([0.2, 0.3], [1]), /2 confidences but 1 correctness labels/);
  assert.throws(() => auroc([0.2, NaN], [1, 0]), /confidence at index 1 is NaN/);
  assert.throws(() => auroc([0.2, 1.01], [1, 0]), /confidence at index 1 is 1.01/);
  assert.throws(() => auroc([0.2, 0.5], [1, 2]), /correct at index 1 is 2; correctness must be 0 or 1/);
});
