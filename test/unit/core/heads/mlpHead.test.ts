import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MlpHead, mlpLayerSizes } from '../../../../extension/core/heads/mlpHead';

function example(): MlpHead {
  return new MlpHead(4, {
    w0: Float32Array.of(1, 0, 0, 0, 0, -1, 0, 0),
    b0: Float32Array.of(0, 0),
    w2: Float32Array.of(1, 1),
    b2: Float32Array.of(0.5),
    w4: Float32Array.of(2),
    b4: Float32Array.of(-1),
  });
}

test('MlpHead: worked example of the doc comment', () => {
  const out = example().predict(Float32Array.of(1, 2, 3, 4), 1);
  assert.equal(out[0], Math.fround(0.8807970779778823));
});

test('mlpLayerSizes: worked examples and refusal below 4', () => {
  assert.deepEqual(mlpLayerSizes(4096), [2048, 1024]);
  assert.deepEqual(mlpLayerSizes(10), [5, 2]);
  assert.throws(() => mlpLayerSizes(3), /hidden size >= 4, got 3/);
});

test('MlpHead: ReLU clips the negative pre-activations of each row separately', () => {
  const head = example();
  // Row 2: a1 = relu([-1, 1]) = [0, 1]; a2 = relu(1.5) = 1.5; same z = 2.
  // Row 3: a1 = relu([-3, -5]) = [0, 0]; a2 = 0.5; z = 0 -> 0.5.
  const out = head.predict(Float32Array.of(1, 2, 3, 4, -1, -1, 0, 0, -3, 5, 0, 0), 3);
  assert.deepEqual(Array.from(out), [Math.fround(0.8807970779778823), Math.fround(0.8807970779778823), 0.5]);
});

test('MlpHead: parameter names, clone independence, size errors', () => {
  const head = example();
  assert.deepEqual(head.parameters.map((p) => `${p.name}:${p.shape.join('x')}`), [
    '0.weight:2x4', '0.bias:2', '2.weight:1x2', '2.bias:1', '4.weight:1x1', '4.bias:1',
  ]);
  const copy = head.clone();
  head.weights.w4[0] = -2;
  assert.equal(copy.weights.w4[0], 2);
  assert.throws(
    () => new MlpHead(4, { ...example().weights, w2: Float32Array.of(1, 1, 1) }),
    /2\.weight has 3 values, expected 2/,
  );
  assert.throws(() => head.predict(new Float32Array(3), 1), /3 values but batchSize 1 x hiddenSize 4 needs 4/);
});
