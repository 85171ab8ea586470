import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer, TokenizerLoadError } from '../../../extension/node/tokenizerLoader';
import { requirePython, runPython } from '../../support/python';

const ROOT = join(__dirname, '..', '..', '..');
const PACKAGE = join(ROOT, 'test', 'fixtures', 'tiny-llama', 'package');
const load = () => loadTokenizer(join(PACKAGE, 'tokenizer.json'), join(PACKAGE, 'tokenizer_config.json'));

// The fixture's tokenizer written out in Python (tools/elical_tools/word_tokenizer.py: special
// tokens split first, then the Whitespace pre-tokenizer's regex, vocabulary lookup, unk).
const PYTHON_ENCODE = String.raw`
import json, sys
sys.path.insert(0, sys.argv[1])
from elical_tools import word_tokenizer as w
vocab = w.load_vocab(sys.argv[2])
texts = json.load(sys.stdin)
print(json.dumps({'ids': [w.encode(t, vocab) for t in texts], 'chat': w.render_chat(texts[0])}))
`;

test('encoding and the chat template match the Python statement of the same tokenizer', async (t) => {
  if (!requirePython(t, [])) return;
  const tokenizer = await load();
  const texts = ['Answer the following question.\nQuestion: What is the capital of France?\nAnswer: ', 'zzz unknown-words, and <s> inside </s>!', ''];
  const expected = JSON.parse(runPython(['-c', PYTHON_ENCODE, join(ROOT, 'tools'), PACKAGE], { input: JSON.stringify(texts) })) as { ids: number[][]; chat: string };
  texts.forEach((text, index) => assert.deepEqual(tokenizer.encode(text, { addSpecialTokens: false }), expected.ids[index], JSON.stringify(text)));
  assert.equal(tokenizer.applyChatTemplate([{ role: 'user', content: texts[0] }], { addGenerationPrompt: true }), expected.chat);
  assert.equal(tokenizer.applyChatTemplate([{ role: 'user', content: 'x' }], { addGenerationPrompt: false }).endsWith('</s> '), true);
});

test('special tokens, decoding and token strings', async () => {
  const tokenizer = await load();
  assert.deepEqual(tokenizer.specialTokenIds, { bos: 1, eos: 2, pad: 0, unk: 3 });
  assert.equal(tokenizer.hasChatTemplate, true);
  const ids = tokenizer.encode('the capital </s>', { addSpecialTokens: false });
  assert.equal(ids[ids.length - 1], 2);
  assert.deepEqual(tokenizer.idsToTokens(ids), ['the', 'capital', '</s>']);
  assert.equal(tokenizer.decode(ids, { skipSpecialTokens: true }).trim(), 'the capital');
  assert.match(tokenizer.decode(ids, { skipSpecialTokens: false }), /<\/s>$/);
  assert.equal(tokenizer.tokenToId('<|assistant|>'), 5);
  assert.throws(() => tokenizer.idsToTokens([100000]), /token id 100000 is not in the vocabulary/);
});

test('broken tokenizer files are named with the problem', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-tok-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(PACKAGE, dir, { recursive: true });
  const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  const attempt = () => loadTokenizer(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'));
  const expectError = async (message: RegExp): Promise<void> => {
    await assert.rejects(attempt(), (error: unknown) => error instanceof TokenizerLoadError && message.test(error.message));
  };

  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, bos_token: '<nope>' }));
  await expectError(/tokenizer_config\.json: bos_token "<nope>" is not in the vocabulary/);
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, chat_template: '{% for %}' }));
  await expectError(/chat_template does not parse as Jinja/);
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, chat_template: [{ name: 'default', template: '{{ bos_token }}!' }] }));
  assert.equal((await attempt()).applyChatTemplate([], { addGenerationPrompt: false }), '<s>!');
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, eos_token: { content: '</s>', special: true } }));
  assert.equal((await attempt()).specialTokenIds.eos, 2);
  writeFileSync(join(dir, 'tokenizer.json'), '[1, 2]');
  await expectError(/tokenizer\.json: must hold a JSON object/);
  rmSync(join(dir, 'tokenizer.json'));
  await expectError(/tokenizer\.json: file not found/);
});
