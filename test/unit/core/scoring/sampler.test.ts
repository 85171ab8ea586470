import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseNextToken } from '../../../../extension/core/scoring/sampler';

const plain = { temperature: 1, topP: 1, topK: 0, seed: 0 };
const fixed = (u: number) => (): number => u;

test('worked example: inverse-CDF draw over probabilities 0.25 / 0.75', () => {
  const logits = Float32Array.from([0, Math.log(3)]);
  assert.equal(chooseNextToken(logits, [], plain, 1, fixed(0.2)).tokenId, 0);
  const second = chooseNextToken(logits, [], plain, 1, fixed(0.3));
  assert.equal(second.tokenId, 1);
  assert.ok(Math.abs(second.logprob - Math.log(0.75)) < 1e-6);
  assert.equal(chooseNextToken(logits, [], 'greedy', 1, fixed(0)).tokenId, 1);
});

test('greedy breaks ties toward the lowest id and applies the repetition penalty first', () => {
  assert.equal(chooseNextToken(Float32Array.from([1, 3, 3]), [], 'greedy', 1, fixed(0)).tokenId, 1);
  // 3 / 2 = 1.5 < 2: the seen token loses.
  const chosen = chooseNextToken(Float32Array.from([2, 3, 0]), [1], 'greedy', 2, fixed(0));
  assert.equal(chosen.tokenId, 0);
  const z = Math.log(Math.exp(2) + Math.exp(1.5) + 1);
  assert.ok(Math.abs(chosen.logprob - (2 - z)) < 1e-6, 'logprob is under the penalised distribution');
});

test('the logprob is the model probability before temperature and filtering', () => {
  const logits = Float32Array.from([Math.log(0.6), Math.log(0.3), Math.log(0.1)]);
  // top-k 1 leaves only token 0; temperature 0.1 sharpens; neither changes the reported logprob.
  const chosen = chooseNextToken(logits, [], { temperature: 0.1, topP: 1, topK: 1, seed: 0 }, 1, fixed(0.99));
  assert.equal(chosen.tokenId, 0);
  assert.ok(Math.abs(chosen.logprob - Math.log(0.6)) < 1e-6);
});

test('draws follow the filtered distribution (frequencies over a uniform grid of u)', () => {
  const logits = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
  const counts = [0, 0, 0, 0];
  const n = 1000;
  for (let i = 0; i < n; i++) counts[chooseNextToken(logits, [], { temperature: 1, topP: 0.75, topK: 0, seed: 0 }, 1, fixed((i + 0.5) / n)).tokenId]++;
  // Top-p 0.75 keeps tokens 0 and 1, renormalised to 0.625 / 0.375.
  assert.deepEqual(counts, [625, 375, 0, 0]);
});

test('random() outside [0, 1) is an error', () => {
  assert.throws(() => chooseNextToken(Float32Array.from([0, 0]), [], plain, 1, fixed(1)), /random\(\) must return a number in \[0, 1\)/);
});
