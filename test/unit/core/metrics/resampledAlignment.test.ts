import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignment } from '../../../../extension/core/metrics/alignment';
import { resampledAlignment } from '../../../../extension/core/metrics/resampledAlignment';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';

test('doc example: conf [0.9, 0.2, 0.4], correct [1, 0, 1], draw [0, 1, 0, 2, 1] -> 3 / 4', () => {
  assert.equal(resampledAlignment([0.9, 0.2, 0.4], [1, 0, 1])([0, 1, 0, 2, 1]), 0.75);
});

test('equals alignment().accuracy on the drawn items in draw order, with confidences on the tau grid', () => {
  const random = createSeededRandom(5);
  for (let round = 0; round < 300; round++) {
    const n = 1 + Math.floor(random() * 80);
    // Half the rounds put confidences exactly on k / 100 (tau itself), the rest anywhere.
    const onGrid = round % 2 === 0;
    const confidences = Array.from({ length: n }, () => (onGrid ? Math.floor(random() * 101) / 100 : random()));
    const correct = confidences.map((c) => (random() < c ? 1 : 0));
    const ofDraw = resampledAlignment(confidences, correct);
    for (let r = 0; r < 5; r++) {
      const drawn = Array.from({ length: 1 + Math.floor(random() * 2 * n) }, () => Math.floor(random() * n));
      const expected = alignment(drawn.map((i) => confidences[i]), drawn.map((i) => correct[i])).accuracy;
      assert.equal(ofDraw(drawn), expected, `round ${round}, draw ${r}`);
    }
  }
});

test('values just below and at a grid threshold land on the same side as alignment() puts them', () => {
  // The tuning slice [0.3 right, 0.29 wrong] is split first by tau = 30 / 100, the literal 0.3; the
  // evaluation items at 0.3 are then judged right and those at the double just below it wrong.
  const confidences = [0.3, 0.29, 0.3, 0.29999999999999993, 0.31, 0.3, 0.2, 0.9, 0.29999999999999993, 0.3];
  const correct = [1, 0, 1, 0, 1, 1, 0, 1, 1, 0];
  const expected = alignment(confidences, correct);
  assert.equal(expected.threshold, 0.3);
  assert.equal(expected.accuracy, 6 / 8);
  assert.equal(resampledAlignment(confidences, correct)(confidences.map((_, i) => i)), expected.accuracy);
});

test('bad items are refused', () => {
  assert.throws(() => resampledAlignment([0.5], [2]), RangeError);
});
