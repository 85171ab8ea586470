import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeMarkdown } from '../../../../extension/core/chatFlow';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';
import { IncrementalDecoder } from '../../../../extension/core/scoring/incrementalDecoder';
import type { TextTokenizer } from '../../../../extension/core/scoring/textTokenizer';
import { StreamingAnswerEscaper } from '../../../../extension/core/streamingAnswerEscaper';
import { loadTokenizer } from '../../../../extension/node/tokenizerLoader';

const FIXTURE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama');

/** Streams `ids` through a decoder: the chunks, in order, the last one from finish(). */
function stream(tokenizer: TextTokenizer, ids: readonly number[]): string[] {
  const decoder = new IncrementalDecoder((prefix) => tokenizer.decode(prefix, { skipSpecialTokens: true }));
  const chunks = ids.map((id) => decoder.push(id));
  chunks.push(decoder.finish());
  assert.equal(decoder.emitted, chunks.join(''));
  return chunks;
}

/**
 * A Llama-style SentencePiece tokenizer in tokenizer.json form: "▁" marks a word start, the
 * decoder strips the first token's leading space, and characters outside the vocabulary fall
 * back to one <0xNN> token per UTF-8 byte. The tiny fixture is word-level, so this is the one
 * that exercises characters split across tokens.
 */
function byteFallbackTokenizerJson(): { json: unknown; vocab: Record<string, number> } {
  const specials = ['<unk>', '<s>', '</s>'];
  const vocab: Record<string, number> = {};
  for (const [id, content] of specials.entries()) vocab[content] = id;
  for (let byte = 0; byte < 256; byte++) vocab[`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`] = specials.length + byte;
  for (const piece of ['▁', '▁Paris', '▁is', '▁caf', '▁the', '▁capital', '.', 'é']) vocab[piece] = Object.keys(vocab).length;
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
    pre_tokenizer: null,
    post_processor: null,
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }],
    },
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, vocab, merges: [] },
  };
  return { json, vocab };
}

let fixture: TextTokenizer;
let byteFallback: TextTokenizer;
let vocab: Record<string, number>;
let dir: string;

before(async () => {
  fixture = await loadTokenizer(join(FIXTURE, 'package', 'tokenizer.json'), join(FIXTURE, 'package', 'tokenizer_config.json'));
  dir = mkdtempSync(join(tmpdir(), 'elical-incremental-'));
  const made = byteFallbackTokenizerJson();
  vocab = made.vocab;
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(made.json));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>' }));
  byteFallback = await loadTokenizer(join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('worked example on the fixture tokenizer: each word after the first brings its space', () => {
  const ids = fixture.encode('Paris is the capital', { addSpecialTokens: false });
  assert.deepEqual(stream(fixture, ids), ['Paris', ' is', ' the', ' capital', '']);
});

test('fixture tokenizer: the chunks of every reference answer and of random sequences concatenate to the full decode', () => {
  const reference = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as { cases: { greedy: { tokenIds: number[] } }[] };
  const random = createSeededRandom(11);
  const sequences = [
    ...reference.cases.map((item) => item.greedy.tokenIds),
    // Special tokens (skipped in the text) at the start, middle and end, and the unknown token.
    [2, 40, 14, 2, 3, 10, 2],
    ...Array.from({ length: 50 }, () => Array.from({ length: 1 + Math.floor(random() * 20) }, () => Math.floor(random() * 320))),
  ];
  for (const ids of sequences) {
    const full = fixture.decode(ids, { skipSpecialTokens: true });
    const chunks = stream(fixture, ids);
    assert.equal(chunks.join(''), full, JSON.stringify(ids));
    // Every prefix's chunks are that prefix's decode: the reader never sees text that changes later.
    let shown = '';
    for (const [index, chunk] of chunks.slice(0, -1).entries()) {
      shown += chunk;
      assert.equal(shown, fixture.decode(ids.slice(0, index + 1), { skipSpecialTokens: true }));
    }
  }
});

test('byte fallback: a character split over byte tokens appears whole, never as U+FFFD', () => {
  const bytes = (text: string): number[] => [...new TextEncoder().encode(text)].map((byte) => vocab[`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`]);
  const ids = [vocab['▁Paris'], vocab['▁is'], vocab['▁caf'], ...bytes('é'), vocab['▁'], ...bytes('😀'), vocab['▁'], ...bytes('日本'), vocab['.']];
  const full = byteFallback.decode(ids, { skipSpecialTokens: true });
  assert.equal(full, 'Paris is café 😀 日本.');
  const chunks = stream(byteFallback, ids);
  assert.equal(chunks.join(''), full);
  assert.ok(chunks.every((chunk) => !chunk.includes('\uFFFD')), JSON.stringify(chunks));
  // "▁Paris" alone decodes without its space; the 4 bytes of the emoji give nothing until the last.
  assert.deepEqual(chunks.slice(0, 6), ['Paris', ' is', ' caf', '', 'é', ' ']);
  assert.deepEqual(chunks.slice(6, 10), ['', '', '', '😀']);
  // Characters the encoder itself split into bytes round-trip the same way.
  const encoded = byteFallback.encode('Paris is the café 😀 日本', { addSpecialTokens: false });
  assert.equal(stream(byteFallback, encoded).join(''), byteFallback.decode(encoded, { skipSpecialTokens: true }));
});

test('an answer cut off inside a character ends with the replacement character, from finish()', () => {
  const ids = [vocab['▁caf'], vocab['<0xC3>']];
  const chunks = stream(byteFallback, ids);
  assert.deepEqual(chunks, ['caf', '', '\uFFFD']);
});

test('a decode that rewrites shown text emits nothing until it extends the shown text again', () => {
  // Rewrites "a b" to "a-b", as a clean-up rule could; then text resumes after it.
  const texts = ['a', 'a b', 'a-b', 'a-b c'];
  const decoder = new IncrementalDecoder((ids) => texts[ids.length - 1]);
  assert.deepEqual([decoder.push(0), decoder.push(0), decoder.push(0), decoder.push(0), decoder.finish()], ['a', ' b', '', '', '']);
  assert.equal(decoder.emitted, 'a b');
});

test('decoded chunks escaped one by one give the escaped whole answer', () => {
  const answers = [
    [vocab['▁Paris'], vocab['.'], vocab['▁is'], vocab['▁caf'], vocab['<0xC3>'], vocab['<0xA9>']],
    [vocab['▁'], vocab['<0x0D>'], vocab['<0x0A>'], vocab['▁the'], vocab['<0x0D>'], vocab['<0x0A>'], vocab['<0x2A>'], vocab['▁'], vocab['▁']],
  ];
  for (const ids of answers) {
    const decoder = new IncrementalDecoder((prefix) => byteFallback.decode(prefix, { skipSpecialTokens: true }));
    const escaper = new StreamingAnswerEscaper();
    let markdown = ids.map((id) => escaper.push(decoder.push(id))).join('');
    markdown += escaper.push(decoder.finish());
    const full = byteFallback.decode(ids, { skipSpecialTokens: true });
    assert.equal(markdown, escapeMarkdown(full.trim()));
    assert.equal(escaper.text, full.trim());
  }
});
