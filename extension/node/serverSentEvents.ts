/**
 * Splits a text/event-stream body into events as its pieces arrive (the WHATWG "server-sent
 * events" parsing rules, reduced to what a client of a streaming API needs): lines end in
 * "\r\n", "\n" or "\r"; "data:" lines of one event are joined with "\n"; a blank line ends the
 * event; comment lines (":" first) and the other fields (event, id, retry) are skipped. A piece
 * may end anywhere, even between the "\r" and "\n" of one line ending.
 */
export class ServerSentEventParser {
  private buffer = '';
  private data: string[] = [];
  /** A line ended in "\r" at the end of the last piece: a "\n" starting the next one belongs to it. */
  private pendingCarriageReturn = false;

  /**
   * Feeds decoded text; returns the data of every event completed by it, in order.
   * Example: push('data: {"a"') -> [], push(':1}\n\ndata: [DONE]\n\n') -> ['{"a":1}', '[DONE]'].
   */
  push(text: string): string[] {
    let input = text;
    if (this.pendingCarriageReturn && input.startsWith('\n')) input = input.slice(1);
    this.pendingCarriageReturn = false;
    this.buffer += input;
    const events: string[] = [];
    const lineEnd = /\r\n|\n|\r/g;
    let start = 0;
    for (let match = lineEnd.exec(this.buffer); match !== null; match = lineEnd.exec(this.buffer)) {
      // A "\r" last in the buffer may be half of "\r\n": the line is complete either way.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) this.pendingCarriageReturn = true;
      const event = this.line(this.buffer.slice(start, match.index));
      if (event !== null) events.push(event);
      start = match.index + match[0].length;
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** Text received after the last line ending (an unterminated line), for error messages. */
  get unterminated(): string {
    return this.buffer;
  }

  /** True when data lines were read whose event has not been ended by a blank line. */
  get hasPartialEvent(): boolean {
    return this.data.length > 0 || this.buffer !== '';
  }

  private line(line: string): string | null {
    if (line === '') {
      if (this.data.length === 0) return null;
      const event = this.data.join('\n');
      this.data = [];
      return event;
    }
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    return null;
  }
}
