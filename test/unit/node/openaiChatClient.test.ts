import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamChatCompletion, type OpenaiChatOptions } from '../../../extension/node/openaiChatClient';
import { OpenaiChatError, type OpenaiChatErrorCode } from '../../../extension/node/openaiChatError';

const KEY = 'sk-test-4d1f9a';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, received: Received) => void | Promise<void>;

/** A server on 127.0.0.1 answering with `handler`; records every request it got. */
async function withServer(handler: Handler, body: (baseUrl: string, requests: Received[]) => Promise<void>): Promise<void> {
  const requests: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      void handler(request, response, received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await body(`http://127.0.0.1:${port}/v1/chat/completions`, requests);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function chunk(content: string | null, finishReason: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finishReason }] })}\n\n`;
}

function sse(response: http.ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
}

const DELTAS = ['Paris', ' is', ' the capital', ' — café 😀', '.'];
const STREAM = [`data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] })}\n\n`, ...DELTAS.map((text) => chunk(text)), chunk(null, 'stop'), 'data: [DONE]\n\n'].join('');

async function collect(options: OpenaiChatOptions, question = 'What is the capital of France?'): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of streamChatCompletion(question, options)) pieces.push(piece);
  return pieces;
}

async function rejectsWith(promise: Promise<unknown>, code: OpenaiChatErrorCode, message: RegExp): Promise<OpenaiChatError> {
  let caught: unknown;
  await promise.catch((error: unknown) => {
    caught = error;
  });
  assert.ok(caught instanceof OpenaiChatError, `expected OpenaiChatError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.match(caught.message, message);
  assert.ok(!caught.message.includes(KEY), 'the API key is never in a message');
  return caught;
}

test('streams the deltas in order until [DONE], posting one user message with stream: true', async () => {
  await withServer(
    (_request, response) => {
      sse(response);
      response.end(STREAM);
    },
    async (url, requests) => {
      const pieces = await collect({ completionsUrl: url, model: 'tiny' });
      assert.deepEqual(pieces, DELTAS);
      assert.equal(requests.length, 1);
      const [request] = requests;
      assert.equal(request.method, 'POST');
      assert.equal(request.url, '/v1/chat/completions');
      assert.match(String(request.headers['content-type']), /application\/json/);
      assert.deepEqual(JSON.parse(request.body), { model: 'tiny', messages: [{ role: 'user', content: 'What is the capital of France?' }], stream: true });
    },
  );
});

test('events split anywhere across TCP writes (mid-line, mid-"\\r\\n", mid-character) give the same deltas', async () => {
  const crlf = STREAM.replace(/\n/g, '\r\n');
  for (const body of [STREAM, crlf]) {
    const bytes = Buffer.from(body, 'utf8');
    await withServer(
      async (_request, response) => {
        sse(response);
        response.flushHeaders();
        // Pieces of 1 to 7 bytes, each its own write with a pause so they arrive as separate reads.
        for (let start = 0, size = 1; start < bytes.length; start += size, size = (size % 7) + 1) {
          response.write(bytes.subarray(start, start + size));
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        response.end();
      },
      async (url) => assert.deepEqual((await collect({ completionsUrl: url, model: 'tiny' })).join(''), DELTAS.join('')),
    );
  }
});

test('the bearer header is sent exactly when an API key is given', async () => {
  await withServer(
    (_request, response) => {
      sse(response);
      response.end(STREAM);
    },
    async (url, requests) => {
      await collect({ completionsUrl: url, model: 'tiny' });
      await collect({ completionsUrl: url, model: 'tiny', apiKey: KEY });
      assert.equal(requests[0].headers.authorization, undefined);
      assert.equal(requests[1].headers.authorization, `Bearer ${KEY}`);
    },
  );
  await assert.rejects(collect({ completionsUrl: 'http://127.0.0.1:1/v1/chat/completions', model: 'tiny', apiKey: 'two words' }), RangeError);
});

test('401 with an OpenAI error body: unauthorized, with the server\'s message, the key redacted', async () => {
  await withServer(
    (request, response) => {
      // Like some servers, it echoes the key it was given.
      const given = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${given}.`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
    },
    async (url) => {
      const error = await rejectsWith(collect({ completionsUrl: url, model: 'tiny', apiKey: KEY }), 'unauthorized', /HTTP 401.*Incorrect API key provided: \[redacted\]\..*Check the API key/);
      assert.equal(error.status, 401);
      await rejectsWith(collect({ completionsUrl: url, model: 'tiny' }), 'unauthorized', /needs an API key/);
    },
  );
});

test('statuses: 500, 404, 429 and a redirect each give their code and the server\'s message, truncated', async () => {
  const cases: { status: number; headers?: Record<string, string>; body: string; code: OpenaiChatErrorCode; message: RegExp }[] = [
    { status: 500, body: 'upstream model crashed\n\tout of memory', code: 'server-error', message: /failed \(HTTP 500\): upstream model crashed out of memory$/ },
    { status: 503, body: JSON.stringify({ detail: 'x'.repeat(1000) }), code: 'server-error', message: /HTTP 503\): x{300}…$/ },
    { status: 404, body: JSON.stringify({ error: 'model "nope" not found' }), code: 'not-found', message: /HTTP 404\): model "nope" not found\. Check that the URL is the API's base URL \(usually ending in \/v1\)/ },
    { status: 429, headers: { 'retry-after': '20' }, body: JSON.stringify({ error: { message: 'Rate limit reached' } }), code: 'rate-limited', message: /HTTP 429\) \(it asks to wait 20 s\): Rate limit reached/ },
    { status: 400, body: JSON.stringify({ message: 'messages must not be empty' }), code: 'bad-request', message: /HTTP 400\): messages must not be empty/ },
    { status: 302, headers: { location: 'http://elsewhere.example/v1/chat/completions' }, body: '', code: 'http-error', message: /redirects \(HTTP 302\) to http:\/\/elsewhere\.example/ },
  ];
  for (const item of cases) {
    await withServer(
      (_request, response) => {
        response.writeHead(item.status, item.headers);
        response.end(item.body);
      },
      async (url, requests) => {
        const error = await rejectsWith(collect({ completionsUrl: url, model: 'tiny', apiKey: KEY }), item.code, item.message);
        assert.equal(error.status, item.status);
        assert.equal(requests.length, 1, 'no retry, no redirect followed');
      },
    );
  }
});

test('garbage bodies are malformed responses, not empty answers', async () => {
  const bodies: { contentType: string; body: string; message: RegExp }[] = [
    { contentType: 'text/html', body: '<html><body>Welcome to nginx!</body></html>', message: /not a stream of chat completion events \(it starts with "<html><body>Welcome/ },
    { contentType: 'text/event-stream', body: 'data: {"choices": [\n\n', message: /event 1 of the stream is not JSON/ },
    { contentType: 'text/event-stream', body: 'data: {"object": "chat.completion.chunk"}\n\n', message: /has no "choices" list/ },
    { contentType: 'text/event-stream', body: 'data: {"choices": [{"delta": {"content": 5}}]}\n\n', message: /"delta\.content" that is not text/ },
    { contentType: 'application/json', body: '{"choices": [', message: /the response is not JSON/ },
  ];
  for (const item of bodies) {
    await withServer(
      (_request, response) => {
        response.writeHead(200, { 'content-type': item.contentType });
        response.end(item.body);
      },
      (url) => rejectsWith(collect({ completionsUrl: url, model: 'tiny' }), 'malformed-response', item.message).then(() => undefined),
    );
  }
});

test('an error event inside the stream is a server error; a stream cut before its end is reported', async () => {
  await withServer(
    (_request, response) => {
      sse(response);
      response.end(`${chunk('Par')}data: ${JSON.stringify({ error: { message: 'the GPU fell over' } })}\n\n`);
    },
    (url) => rejectsWith(collect({ completionsUrl: url, model: 'tiny' }), 'server-error', /during the answer: the GPU fell over/).then(() => undefined),
  );
  await withServer(
    (_request, response) => {
      sse(response);
      response.end(chunk('Par'));
    },
    (url) => rejectsWith(collect({ completionsUrl: url, model: 'tiny' }), 'connection-closed', /ended before the answer was complete/).then(() => undefined),
  );
  await withServer(
    (_request, response) => {
      sse(response);
      response.write(chunk('Par'));
      setTimeout(() => response.socket?.destroy(), 20);
    },
    (url) => rejectsWith(collect({ completionsUrl: url, model: 'tiny' }), 'connection-closed', /closed in the middle of the answer/).then(() => undefined),
  );
});

test('a finish_reason without [DONE], and a plain JSON completion, are complete answers', async () => {
  await withServer(
    (_request, response) => {
      sse(response);
      response.end(`: keep-alive comment\n\n${chunk('Lima')}${chunk(null, 'stop')}`);
    },
    async (url) => assert.deepEqual(await collect({ completionsUrl: url, model: 'tiny' }), ['Lima']),
  );
  await withServer(
    (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'Lima' }, finish_reason: 'stop' }] }));
    },
    async (url) => assert.deepEqual(await collect({ completionsUrl: url, model: 'tiny' }), ['Lima']),
  );
});

test('a server that stalls fails with a timeout instead of hanging, before and during the answer', async () => {
  let closed = 0;
  await withServer(
    (request, response) => {
      response.on('close', () => closed++);
      if (request.url === '/silent/chat/completions') return; // never answers
      sse(response);
      response.write(chunk('Par')); // then nothing more
    },
    async (url) => {
      const started = performance.now();
      await rejectsWith(collect({ completionsUrl: url, model: 'tiny', idleTimeoutMs: 200 }), 'timeout', /sent nothing for 200 ms in the middle of the answer/);
      await rejectsWith(collect({ completionsUrl: url.replace('/v1/', '/silent/'), model: 'tiny', connectTimeoutMs: 200 }), 'timeout', /no response within 200 ms/);
      assert.ok(performance.now() - started < 5_000, 'both timeouts fired promptly');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(closed, 2, 'the client closed both connections');
    },
  );
});

test('abort mid-stream stops reading and closes the connection; an aborted signal sends nothing', async () => {
  let closed = false;
  await withServer(
    (_request, response) => {
      response.on('close', () => {
        closed = true;
      });
      sse(response);
      response.write(chunk('Par'));
      response.write(chunk('is'));
    },
    async (url, requests) => {
      const controller = new AbortController();
      const pieces: string[] = [];
      const run = (async () => {
        for await (const piece of streamChatCompletion('q', { completionsUrl: url, model: 'tiny', signal: controller.signal })) {
          pieces.push(piece);
          if (pieces.length === 2) controller.abort();
        }
      })();
      await rejectsWith(run, 'aborted', /cancelled/);
      assert.deepEqual(pieces, ['Par', 'is']);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(closed, true);
      await rejectsWith(collect({ completionsUrl: url, model: 'tiny', signal: controller.signal }), 'aborted', /cancelled before it was sent/);
      assert.equal(requests.length, 1);
    },
  );
});

test('breaking out of the loop early closes the connection', async () => {
  let closed = false;
  await withServer(
    (_request, response) => {
      response.on('close', () => {
        closed = true;
      });
      sse(response);
      response.write(chunk('Par'));
    },
    async (url) => {
      for await (const piece of streamChatCompletion('q', { completionsUrl: url, model: 'tiny' })) {
        assert.equal(piece, 'Par');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(closed, true);
    },
  );
});

test('nothing listening: unreachable, with the URL and what to check', async () => {
  const spare = http.createServer();
  await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
  const { port } = spare.address() as AddressInfo;
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  await rejectsWith(collect({ completionsUrl: `http://127.0.0.1:${port}/v1/chat/completions`, model: 'tiny', apiKey: KEY }), 'unreachable', new RegExp(`POST http://127\\.0\\.0\\.1:${port}/v1/chat/completions: cannot reach the server \\(ECONNREFUSED\\)`));
});
