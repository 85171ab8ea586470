import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearHead } from '../../../../extension/core/heads/linearHead';
import { ConfidenceScorer } from '../../../../extension/core/scoring/confidenceScorer';
import type { ModelRunner } from '../../../../extension/core/scoring/modelRunner';
import type { TextTokenizer } from '../../../../extension/core/scoring/textTokenizer';

/** Characters are tokens (code points); the "model" feature of a row is [length, last id]. */
const tokenizer: TextTokenizer = {
  specialTokenIds: { bos: undefined, eos: undefined, pad: 0, unk: undefined },
  hasChatTemplate: false,
  encode: (text) => Array.from(text, (char) => char.codePointAt(0) as number),
  decode: (ids) => String.fromCodePoint(...ids),
  idsToTokens: (ids) => ids.map((id) => String.fromCodePoint(id)),
  tokenToId: (token) => token.codePointAt(0),
  applyChatTemplate: () => {
    throw new Error('no template');
  },
};

function fakeRunner(calls: number[][][]): ModelRunner {
  return {
    hiddenSize: 2,
    vocabSize: 200,
    runtime: 'fake',
    forwardLastToken: async (rows) => {
      calls.push(rows.map((row) => [...row]));
      return { hiddenStates: Float32Array.from(rows.flatMap((row) => [row.length, row[row.length - 1]])), logits: undefined };
    },
    generate: async () => ({ tokenIds: [], logprobs: [], finishReason: 'length' }),
    dispose: async () => undefined,
  };
}

test('every head reads the one forward pass; batches are chunked; ms comes from the clock', async () => {
  const calls: number[][][] = [];
  let clock = 0;
  const scorer = new ConfidenceScorer(
    fakeRunner(calls),
    tokenizer,
    { wrapper: '{question}?', chatTemplate: false, maxPromptTokens: 100 },
    [
      { id: 'length', head: new LinearHead(Float32Array.of(1, 0), 0) },
      { id: 'last', head: new LinearHead(Float32Array.of(0, 0.01), -0.63) },
    ],
    () => (clock += 10),
    2,
  );
  const scores = await scorer.scoreBatch(['a', 'bb', 'ccc']);
  assert.deepEqual(calls.map((rows) => rows.length), [2, 1], 'two forward passes for three questions at maxBatch 2');
  // "bb?" has 3 tokens: sigmoid(3); last token "?" = 63: sigmoid(0.63 - 0.63) = 0.5.
  assert.ok(Math.abs(scores[1].heads.length - 1 / (1 + Math.exp(-3))) < 1e-6);
  assert.ok(Math.abs(scores[1].heads.last - 0.5) < 1e-6);
  assert.equal(scores[2].promptTokens, 4);
  assert.equal(scores[0].ms, 5, 'a 10 ms batch of two is 5 ms each');
  assert.equal(scores[2].ms, 10);
});

test('raw scoring skips the wrapper; unknown heads and mismatched sizes are refused', async () => {
  const calls: number[][][] = [];
  const runner = fakeRunner(calls);
  const scorer = new ConfidenceScorer(runner, tokenizer, { wrapper: 'Q: {question}', chatTemplate: false, maxPromptTokens: 100 }, [{ id: 'h', head: new LinearHead(Float32Array.of(1, 0), 0) }]);
  await scorer.score('xy', { raw: true });
  assert.deepEqual(calls[0], [[120, 121]]);
  await assert.rejects(scorer.score('x', { headIds: ['z'] }), /unknown head "z"; this model has h/);
  assert.throws(() => new ConfidenceScorer(runner, tokenizer, { wrapper: '{question}', chatTemplate: false, maxPromptTokens: 5 }, [{ id: 'h', head: new LinearHead(Float32Array.of(1, 0, 0), 0) }]), /head h reads hidden size 3, but the model's is 2/);
});
