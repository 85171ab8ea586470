import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkScoredItems } from '../../../../extension/core/metrics/checkScoredItems';

test('checkScoredItems: worked example of the doc comment', () => {
  assert.doesNotThrow(() => checkScoredItems([0.2, 1], [0, 1]));
  assert.throws(() => checkScoredItems([0.2, NaN], [0, 1]), {
    name: 'RangeError',
    message: 'confidence at index 1 is NaN; confidences must be numbers in [0, 1]',
  });
});

test('checkScoredItems: accepts the closed range and typed arrays, rejects each kind of bad input', () => {
  assert.doesNotThrow(() => checkScoredItems(Float32Array.of(0, 1, 0.5), [1, 0, 1]));
  assert.throws(() => checkScoredItems([], []), /no items: a metric needs at least one scored item/);
  assert.throws(() => checkScoredItems([0.1], [0, 1]), /1 confidences but 2 correctness labels/);
  assert.throws(() => checkScoredItems([0.1, -0.0001], [0, 1]), /confidence at index 1 is -0.0001/);
  assert.throws(() => checkScoredItems([Infinity], [0]), /confidence at index 0 is Infinity/);
  assert.throws(() => checkScoredItems(['0.5' as unknown as number], [0]), /confidence at index 0 is 0.5/);
  assert.throws(() => checkScoredItems([0.5, 0.5], [1, 0.5]), /correct at index 1 is 0.5/);
  assert.throws(() => checkScoredItems([0.5], [true as unknown as number]), /correct at index 0 is true/);
});
