import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distinctQuestions, elicitEliOnlyHead, MIN_ELICIT_QUESTIONS } from '../../../../extension/core/elicitation/elicitEliOnlyHead';
import { exactMatchJudge } from '../../../../extension/core/elicitation/exactMatchJudge';
import type { ModelRunner } from '../../../../extension/core/scoring/modelRunner';
import type { TextTokenizer } from '../../../../extension/core/scoring/textTokenizer';

test('distinctQuestions trims, drops blanks and repeats, keeps first-seen order', () => {
  assert.deepEqual(distinctQuestions([' b ', 'a', '', 'b', '  ', 'c', 'a']), ['b', 'a', 'c']);
});

test('elicitation refuses too few distinct questions or samples before any model call', async () => {
  let calls = 0;
  const runner = new Proxy({}, { get: () => { calls++; throw new Error('the model must not be touched'); } }) as unknown as ModelRunner;
  const tokenizer = {} as TextTokenizer;
  const base = {
    model: { runner, tokenizer, prompt: { wrapper: '{question}', chatTemplate: false, maxPromptTokens: 64 }, eosTokenIds: [0] },
    firstSeed: 0, maxNewTokens: 4, judge: exactMatchJudge, judgeName: 'exact' as const, kind: 'linear' as const, seed: 42,
  };
  const repeated = Array.from({ length: 40 }, (_, i) => `question ${i % (MIN_ELICIT_QUESTIONS - 1)}`);
  await assert.rejects(elicitEliOnlyHead({ ...base, questions: repeated, samples: 20 }), /at least 20 distinct questions; got 19/);
  const enough = Array.from({ length: MIN_ELICIT_QUESTIONS }, (_, i) => `question ${i}`);
  await assert.rejects(elicitEliOnlyHead({ ...base, questions: enough, samples: 1 }), /at least 2 samples per question; got 1/);
  assert.equal(calls, 0);
});
