import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flattenTensorData } from '../../../../extension/node/remote/flattenTensorData';

test('flattenTensorData: flat and nested forms of the doc example agree; ragged, deep and short data are errors', () => {
  assert.deepEqual(flattenTensorData([[1, 2], [3, 4]], [2, 2]), [1, 2, 3, 4]);
  assert.deepEqual(flattenTensorData([1, 2, 3, 4], [2, 2]), [1, 2, 3, 4]);
  assert.deepEqual(flattenTensorData([], [2, 0, 3]), []);
  assert.equal(flattenTensorData([1, 2, 3], [2, 2]), 'data has 3 elements, but shape [2, 2] needs 4');
  assert.equal(flattenTensorData([[1, 2], [3]], [2, 2]), 'data[1] has 1 elements, but dimension 1 of shape [2, 2] is 2');
  assert.equal(flattenTensorData([[1, [2]], [3, 4]], [2, 2]), 'data[0][1] is nested deeper than the shape\'s rank 2');
  assert.equal(flattenTensorData([[1, 2], 3], [2, 2]), 'data[1] must be an array (the shape has rank 2)');
  assert.equal(flattenTensorData('1,2', [2]), 'data must be an array');
  // A hostile, deeply nested body stops at the declared rank instead of recursing.
  let deep: unknown = [1];
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.match(flattenTensorData(deep, [1, 1]) as string, /nested deeper than the shape's rank 2/);
});
