import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confidenceBin, CONFIDENCE_BIN_COUNT } from '../../../../extension/core/metrics/confidenceBin';

test('confidenceBin: worked example of the doc comment', () => {
  assert.deepEqual([0, 0.05, 0.3, 0.29, 0.85, 0.8999999999999999, 0.9, 1.0].map(confidenceBin), [0, 0, 3, 2, 8, 8, 9, 9]);
  assert.equal(CONFIDENCE_BIN_COUNT, 10);
});

test('confidenceBin: every decimal edge k/10 opens bin k, and the double just below it stays in bin k-1', () => {
  for (let k = 1; k <= 9; k++) {
    const edge = Number(`0.${k}`);
    assert.equal(confidenceBin(edge), k, `edge ${edge}`);
    // Largest double below the edge: step down one unit in the last place.
    const below = new Float64Array([edge]);
    new BigInt64Array(below.buffer)[0] -= 1n;
    assert.equal(confidenceBin(below[0]), k - 1, `below ${edge}: ${below[0]}`);
  }
});

test('confidenceBin: agrees with counting edges for 100k random confidences and every multiple of 1/1000', () => {
  const edges = Array.from({ length: 9 }, (_, i) => (i + 1) / 10);
  const byEdges = (c: number): number => edges.filter((edge) => c >= edge).length;
  let state = 12345;
  for (let i = 0; i < 100_000; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const c = state / 2147483648;
    assert.equal(confidenceBin(c), byEdges(c), `c = ${c}`);
  }
  for (let k = 0; k <= 1000; k++) assert.equal(confidenceBin(k / 1000), byEdges(k / 1000), `c = ${k / 1000}`);
});
