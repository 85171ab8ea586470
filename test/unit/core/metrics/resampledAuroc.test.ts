import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auroc } from '../../../../extension/core/metrics/auroc';
import { resampledAuroc } from '../../../../extension/core/metrics/resampledAuroc';
import { SingleClassError } from '../../../../extension/core/metrics/singleClassError';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';

test('doc example: conf [0.5, 0.2, 0.8], correct [1, 0, 1]', () => {
  const ofDraw = resampledAuroc([0.5, 0.2, 0.8], [1, 0, 1]);
  assert.equal(ofDraw([0, 0, 1]), 1);
  assert.equal(ofDraw([0, 2, 0]), null);
});

/** auroc() on the items a draw picks, in draw order; null where it throws SingleClassError. */
function direct(confidences: number[], correct: number[], drawn: number[]): number | null {
  try {
    return auroc(drawn.map((i) => confidences[i]), drawn.map((i) => correct[i]));
  } catch (error) {
    if (error instanceof SingleClassError) return null;
    throw error;
  }
}

test('equals auroc() on the drawn items exactly, with heavy ties, repeats and partial draws', () => {
  const random = createSeededRandom(11);
  for (let round = 0; round < 300; round++) {
    const n = 1 + Math.floor(random() * 60);
    // A coarse grid (sometimes only 2 levels) makes many ties; 0 and 1 are on it.
    const levels = 1 + Math.floor(random() * 12);
    const confidences = Array.from({ length: n }, () => Math.floor(random() * (levels + 1)) / levels);
    const correct = confidences.map((c) => (random() < 0.3 + 0.4 * c ? 1 : 0));
    const ofDraw = resampledAuroc(confidences, correct);
    for (let r = 0; r < 5; r++) {
      const drawn = Array.from({ length: Math.max(1, Math.floor(random() * 2 * n)) }, () => Math.floor(random() * n));
      const expected = direct(confidences, correct, drawn);
      const actual = ofDraw(drawn);
      assert.equal(actual, expected, `round ${round}: ${actual} vs ${expected}`);
    }
  }
});

test('bad items are refused', () => {
  assert.throws(() => resampledAuroc([], []), RangeError);
  assert.throws(() => resampledAuroc([0.5, 2], [0, 1]), RangeError);
});
