import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nProb } from '../../../../extension/core/elicitation/nProb';
import { consSem } from '../../../../extension/core/elicitation/consSem';

test('nProb: the spec worked example 0.819', () => {
  assert.equal(nProb(-0.1 + -0.2 + -0.3, 3), Math.exp((-0.1 + -0.2 + -0.3) / 3));
  assert.equal(nProb(-0.6, 3).toFixed(3), '0.819');
  assert.equal(nProb(0, 4), 1);
  assert.equal(nProb(1e-12, 1), 1);
});

test('nProb: bad input is refused with the reason', () => {
  assert.throws(() => nProb(-1, 0), /positive token count, got 0/);
  assert.throws(() => nProb(-1, 1.5), /positive token count/);
  assert.throws(() => nProb(0.5, 2), /<= 0, got 0.5/);
  assert.throws(() => nProb(Number.NaN, 2), /got NaN/);
});

test('consSem: mean of the judgements', () => {
  assert.equal(consSem([1, 0, 1, 1]), 0.75);
  assert.equal(consSem(new Array(20).fill(1)), 1);
  assert.throws(() => consSem([]), /at least one/);
  assert.throws(() => consSem([1, 2]), /index 1 is 2/);
});
