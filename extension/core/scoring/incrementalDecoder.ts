/**
 * Turns generated token ids into text while they arrive, for streaming an answer. Decoding one
 * token at a time goes wrong in two ways, both handled here:
 * - A character can span several tokens (byte-fallback or byte-level tokenizers emit a UTF-8
 *   sequence byte by byte); until its last byte arrives the decoder shows U+FFFD, which must
 *   not reach the reader. Text ending in U+FFFD is therefore held back until a later token
 *   completes it, or until finish(), which releases it as the decoder leaves it.
 * - A token's text depends on its neighbours (a SentencePiece word marker becomes a space
 *   except at the start; word-level tokenizers join with spaces), so a token decoded alone is
 *   not its share of the whole. Each push decodes the whole sequence so far and emits what was
 *   added since the last emitted text.
 *
 * Decoding the whole prefix costs O(n) per token, O(n^2) per answer: a few hundred tokens of an
 * answer make that negligible next to a forward pass.
 */

/** Text of token ids; for an answer, decode with the tokenizer's special tokens skipped. */
export type DecodeTokens = (ids: readonly number[]) => string;

const REPLACEMENT_CHARACTER = '\uFFFD';

export class IncrementalDecoder {
  private readonly ids: number[] = [];
  private emittedText = '';

  constructor(private readonly decode: DecodeTokens) {}

  /** Everything emitted so far: the concatenation of every push() and finish() result. */
  get emitted(): string {
    return this.emittedText;
  }

  /**
   * Adds one token and returns the text that became stable with it ('' when none did).
   * Example (word-level tokenizer joining words with spaces): push(Paris) -> 'Paris',
   * push(is) -> ' is'. Byte-fallback tokens <0xC3> <0xA9> give '' and then 'é'.
   */
  push(tokenId: number): string {
    this.ids.push(tokenId);
    let stable = this.decode(this.ids);
    let end = stable.length;
    while (end > 0 && stable[end - 1] === REPLACEMENT_CHARACTER) end--;
    stable = stable.slice(0, end);
    return this.extendTo(stable);
  }

  /**
   * The rest of the text after the last token, held-back U+FFFD included (a sequence that
   * ended mid-character stays visibly broken rather than silently shortened).
   */
  finish(): string {
    return this.extendTo(this.decode(this.ids));
  }

  /**
   * Emits the part of `text` beyond what was emitted. Should a tokenizer's decode of a longer
   * prefix ever rewrite text already shown, nothing more is emitted until the decode extends
   * the shown text again: shown text cannot be taken back. The chat journals what was shown, so
   * such a rewrite would leave the rest of that answer out of both; none of the tokenizers the
   * project ships (word-level, byte-level, SentencePiece with byte fallback) rewrites a prefix.
   */
  private extendTo(text: string): string {
    if (!text.startsWith(this.emittedText)) return '';
    const added = text.slice(this.emittedText.length);
    this.emittedText = text;
    return added;
  }
}
