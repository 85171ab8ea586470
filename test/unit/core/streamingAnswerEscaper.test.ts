import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown } from '../../../extension/core/chatFlow';
import { createSeededRandom } from '../../../extension/core/math/seededRandom';
import { StreamingAnswerEscaper } from '../../../extension/core/streamingAnswerEscaper';

function escapeInPieces(pieces: readonly string[]): { markdown: string; escaper: StreamingAnswerEscaper } {
  const escaper = new StreamingAnswerEscaper();
  return { markdown: pieces.map((piece) => escaper.push(piece)).join(''), escaper };
}

test('worked example: "\\r" held until its "\\n" is known, outer whitespace trimmed', () => {
  const escaper = new StreamingAnswerEscaper();
  assert.equal(escaper.push(' Paris\r'), 'Paris');
  assert.equal(escaper.push('\nis.'), ' is\\.');
  assert.equal(escaper.push('  \n'), '');
  assert.equal(escaper.text, 'Paris\r\nis.');
  assert.equal(escapeMarkdown('Paris\r\nis.'), 'Paris is\\.');
});

test('whitespace only: nothing is written and the answer stays empty', () => {
  const { markdown, escaper } = escapeInPieces([' ', '\r', '\n\t', '']);
  assert.equal(markdown, '');
  assert.equal(escaper.empty, true);
  assert.equal(escaper.text, '');
});

test('any split of an answer gives escapeMarkdown(answer.trim())', () => {
  const answers = [
    '  **Paris** is the [capital](http://x) of France.\r\n\r\nSee `code` <b>#1</b> | a ~ b $x$ & more!  \n',
    '\r\n\rline\r\r\nnext\n',
    'one\\two_three{four}(five)+six-seven',
    '\uFFFD é 😀 日本 \u00a0tail\u00a0',
  ];
  const random = createSeededRandom(5);
  for (const answer of answers) {
    const expected = escapeMarkdown(answer.trim());
    // Every single cut point, then random multi-cut splits (empty pieces included).
    for (let cut = 0; cut <= answer.length; cut++) {
      assert.equal(escapeInPieces([answer.slice(0, cut), answer.slice(cut)]).markdown, expected, `cut at ${cut} of ${JSON.stringify(answer)}`);
    }
    for (let trial = 0; trial < 200; trial++) {
      const pieces: string[] = [];
      let start = 0;
      while (start < answer.length) {
        const end = Math.min(answer.length, start + Math.floor(random() * 4));
        pieces.push(answer.slice(start, end));
        start = end;
      }
      const { markdown, escaper } = escapeInPieces(pieces);
      assert.equal(markdown, expected, JSON.stringify(pieces));
      assert.equal(escaper.text, answer.trim());
    }
  }
});
