/**
 * Escapes an answer for the chat while it streams in pieces, so that the concatenated output is
 * exactly escapeMarkdown(wholeAnswer.trim()): the same Markdown the reader would get had the
 * answer been written at once.
 *
 * escapeMarkdown works character by character except for "\r\n" (one space, where a lone "\r"
 * stays and "\n" becomes a space), so a piece must never be escaped up to a "\r" whose "\n" may
 * still come. Holding back trailing whitespace covers that, and also gives trim(): leading
 * whitespace is dropped, trailing whitespace is released only once more text follows it.
 */
import { escapeMarkdown } from './chatFlow';

export class StreamingAnswerEscaper {
  private started = false;
  private heldWhitespace = '';
  private shown = '';

  /**
   * Adds a piece of the answer; returns the Markdown to write now ('' when all of it is held).
   * Example: push(' Paris\r') -> 'Paris', then push('\nis.') -> ' is\\.', which together are
   * escapeMarkdown('Paris\r\nis.') === 'Paris is\\.'.
   */
  push(piece: string): string {
    let text = this.heldWhitespace + piece;
    if (!this.started) text = text.replace(/^\s+/, '');
    const trailing = /\s+$/.exec(text);
    this.heldWhitespace = trailing === null ? '' : trailing[0];
    const ready = text.slice(0, text.length - this.heldWhitespace.length);
    if (ready === '') return '';
    this.started = true;
    this.shown += ready;
    return escapeMarkdown(ready);
  }

  /** The answer text written so far, unescaped: the trimmed answer once the stream has ended. */
  get text(): string {
    return this.shown;
  }

  /** True until some non-whitespace text has been written. */
  get empty(): boolean {
    return !this.started;
  }
}
