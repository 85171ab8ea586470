import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerSentEventParser } from '../../../extension/node/serverSentEvents';

test('worked example: an event split over two pieces, then [DONE]', () => {
  const parser = new ServerSentEventParser();
  assert.deepEqual(parser.push('data: {"a"'), []);
  assert.deepEqual(parser.push(':1}\n\ndata: [DONE]\n\n'), ['{"a":1}', '[DONE]']);
  assert.equal(parser.hasPartialEvent, false);
});

test('line endings \\n, \\r\\n and \\r, split at every position, give the same events', () => {
  const events = ['{"x":"one"}', 'line 1\nline 2', '', '[DONE]'];
  const body = (end: string): string =>
    `: comment${end}event: message${end}id: 7${end}retry: 100${end}data: {"x":"one"}${end}${end}data:line 1${end}data: line 2${end}${end}data${end}${end}data: [DONE]${end}${end}`;
  for (const end of ['\n', '\r\n', '\r']) {
    const text = body(end);
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new ServerSentEventParser();
      const got = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      assert.deepEqual(got, events, `${JSON.stringify(end)} cut at ${cut}`);
    }
    const parser = new ServerSentEventParser();
    assert.deepEqual([...text].flatMap((character) => parser.push(character)), events, `${JSON.stringify(end)} one character at a time`);
  }
});

test('only the first space after "data:" is dropped; blank lines alone dispatch nothing', () => {
  const parser = new ServerSentEventParser();
  assert.deepEqual(parser.push('\n\ndata:  two spaces\n\n\n'), [' two spaces']);
});

test('an unterminated last line is kept, not dispatched', () => {
  const parser = new ServerSentEventParser();
  assert.deepEqual(parser.push('data: {"partial": tru'), []);
  assert.equal(parser.hasPartialEvent, true);
  assert.equal(parser.unterminated, 'data: {"partial": tru');
  const ended = new ServerSentEventParser();
  assert.deepEqual(ended.push('data: x\n'), []);
  assert.equal(ended.hasPartialEvent, true, 'a data line without its blank line');
});
