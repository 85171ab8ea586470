import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPrompt, buildRawPrompt } from '../../../../extension/core/prompts/promptWrapper';
import type { ChatMessage, TextTokenizer } from '../../../../extension/core/scoring/textTokenizer';

/** Whitespace tokenizer: every distinct word gets the next id; BOS is "<s>" (id 1). */
function whitespaceTokenizer(withTemplate: boolean): TextTokenizer {
  const vocab = new Map<string, number>([['<pad>', 0], ['<s>', 1], ['</s>', 2]]);
  const words: string[] = ['<pad>', '<s>', '</s>'];
  const idOf = (word: string): number => {
    if (!vocab.has(word)) {
      vocab.set(word, words.length);
      words.push(word);
    }
    return vocab.get(word) as number;
  };
  return {
    specialTokenIds: { bos: 1, eos: 2, pad: 0, unk: undefined },
    hasChatTemplate: withTemplate,
    encode: (text, options) => [...(options.addSpecialTokens ? [1] : []), ...text.split(/\s+/).filter(Boolean).map(idOf)],
    decode: (ids) => ids.map((id) => words[id]).join(' '),
    idsToTokens: (ids) => ids.map((id) => words[id]),
    tokenToId: (token) => vocab.get(token),
    applyChatTemplate: (messages: readonly ChatMessage[], options) =>
      `<s> ${messages.map((message) => `[${message.role}] ${message.content} </s>`).join(' ')}${options.addGenerationPrompt ? ' [assistant]' : ''}`,
  };
}

test('without a chat template the wrapper text is encoded with the tokenizer special tokens', () => {
  const tokenizer = whitespaceTokenizer(false);
  const prompt = buildPrompt('capital of France?', { wrapper: 'Q: {question} A:', chatTemplate: false, maxPromptTokens: 50 }, tokenizer);
  assert.equal(prompt.text, 'Q: capital of France? A:');
  assert.deepEqual(tokenizer.idsToTokens(prompt.tokenIds), ['<s>', 'Q:', 'capital', 'of', 'France?', 'A:']);
  assert.equal(prompt.truncation, null);
});

test('with a chat template the wrapped question is the user turn followed by the generation prompt, without a doubled BOS', () => {
  const tokenizer = whitespaceTokenizer(true);
  const prompt = buildPrompt('why $& ?', { wrapper: 'Answer the following question.\nQuestion: {question}\nAnswer: ', chatTemplate: true, maxPromptTokens: 50 }, tokenizer);
  assert.equal(prompt.text, '<s> [user] Answer the following question.\nQuestion: why $& ?\nAnswer:  </s> [assistant]');
  assert.equal(prompt.tokenIds.filter((id) => id === 1).length, 1);
});

test('worked example: truncation drops question tokens from the left and says so', () => {
  const tokenizer = whitespaceTokenizer(false);
  const prompt = buildPrompt('one two three four five', { wrapper: 'Q: {question} A:', chatTemplate: false, maxPromptTokens: 5 }, tokenizer);
  // 5 tokens = BOS, Q:, four, five, A:
  assert.equal(prompt.text, 'Q: four five A:');
  assert.equal(prompt.tokenIds.length, 5);
  assert.match(prompt.truncation ?? '', /first 3 of 5 tokens were dropped to fit the model's 5-token prompt limit/);
});

test('a wrapper that alone exceeds the limit and a wrapper without one placeholder are errors', () => {
  const tokenizer = whitespaceTokenizer(false);
  assert.throws(() => buildPrompt('x y', { wrapper: 'a b c {question}', chatTemplate: false, maxPromptTokens: 3 }, tokenizer), /template alone takes 4 tokens.*raise maxPromptTokens/);
  assert.throws(() => buildPrompt('x', { wrapper: 'no placeholder', chatTemplate: false, maxPromptTokens: 3 }, tokenizer), /exactly once, found 0/);
  assert.throws(() => buildPrompt('x', { wrapper: '{question}', chatTemplate: true, maxPromptTokens: 3 }, tokenizer), /has no chat_template/);
});

test('raw prompts keep the text as given and keep BOS when cut', () => {
  const tokenizer = whitespaceTokenizer(true);
  const whole = buildRawPrompt('a b c', 10, tokenizer);
  assert.deepEqual(tokenizer.idsToTokens(whole.tokenIds), ['<s>', 'a', 'b', 'c']);
  assert.equal(whole.truncation, null);
  const cut = buildRawPrompt('a b c d', 3, tokenizer);
  assert.deepEqual(tokenizer.idsToTokens(cut.tokenIds), ['<s>', 'c', 'd']);
  assert.match(cut.truncation ?? '', /first 2 of 5 tokens were dropped/);
});
