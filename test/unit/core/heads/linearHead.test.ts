import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearHead } from '../../../../extension/core/heads/linearHead';

test('LinearHead: worked example of the doc comment', () => {
  const head = new LinearHead(Float32Array.of(1, 2), -1);
  const out = head.predict(Float32Array.of(1, 0.5), 1);
  assert.equal(out[0], Math.fround(0.7310585786300049));
  assert.equal(head.kind, 'linear');
  assert.equal(head.hiddenSize, 2);
});

test('LinearHead: batch rows are independent and equal to the formula', () => {
  const head = new LinearHead(Float32Array.of(0.5, -0.25, 2), Float32Array.of(0.1));
  const x = Float32Array.of(1, 2, 3, -1, 0, 0.5, 0, 0, 0);
  const out = head.predict(x, 3);
  const z = [0.5 - 0.5 + 6 + 0.1, -0.5 + 1 + 0.1, 0.1];
  z.forEach((value, i) => assert.equal(out[i], Math.fround(1 / (1 + Math.exp(-value)))));
});

test('LinearHead: parameters use PyTorch names and are live storage; clone is independent', () => {
  const head = new LinearHead(Float32Array.of(1, 2), 0);
  assert.deepEqual(head.parameters.map((p) => [p.name, p.shape]), [['weight', [1, 2]], ['bias', [1]]]);
  const copy = head.clone();
  head.parameters[0].data[0] = 5;
  assert.equal(head.weight[0], 5);
  assert.equal(copy.weight[0], 1);
});

test('LinearHead: wrong feature length names both numbers; bad parameters are refused', () => {
  const head = new LinearHead(Float32Array.of(1, 2), 0);
  assert.throws(() => head.predict(new Float32Array(5), 2), /5 values but batchSize 2 x hiddenSize 2 needs 4/);
  assert.throws(() => new LinearHead(new Float32Array(0), 0), /non-empty/);
  assert.throws(() => new LinearHead(Float32Array.of(1), Float32Array.of(1, 2)), /one value/);
  assert.equal(head.predict(new Float32Array(0), 0).length, 0);
});
