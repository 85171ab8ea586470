/**
 * Answers over a remote endpoint: `elical serve`'s /generate and /generate_stream routes
 * (generateRequest.ts) and RemoteModelRunner.generate, which streams. The reference is the same package's local ONNX runner called
 * directly: a remote answer must equal it token for token and log-probability for
 * log-probability. Bad bodies, a busy server, a client that goes away, a server without the
 * route and malformed answers each have their own outcome.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';
import { ConfidenceScorer } from '../../../../extension/core/scoring/confidenceScorer';
import type { GenerateOptions, GenerationResult, ModelRunner } from '../../../../extension/core/scoring/modelRunner';
import { loadModelPackage, type ModelPackage } from '../../../../extension/node/modelPackage';
import { OnnxModelRunner } from '../../../../extension/node/onnxModelRunner';
import { InferenceClient } from '../../../../extension/node/remote/inferenceClient';
import { InferenceServer, type InferenceServerOptions, type ServedModel } from '../../../../extension/node/remote/inferenceServer';
import { RemoteEndpointError } from '../../../../extension/node/remote/remoteEndpointError';
import { RemoteModelRunner } from '../../../../extension/node/remote/remoteModelRunner';

const PACKAGE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package');
const QUESTIONS = ['What is the capital of France?', 'Who wrote Hamlet?', 'Which river flows through Cairo?'];

let pkg: ModelPackage;
let local: OnnxModelRunner;
let served: ServedModel;
let prompts: number[][];

before(async () => {
  pkg = await loadModelPackage(PACKAGE);
  local = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: pkg.manifest.generation.padTokenId, provider: 'cpu', intraOpNumThreads: 1 });
  await local.load();
  const { architecture, backbone, name } = pkg.manifest;
  served = { name, vocabSize: architecture.vocabSize, maxPositions: architecture.maxPositionEmbeddings, hiddenSize: architecture.hiddenSize, inputIds: backbone.inputs.inputIds, attentionMask: backbone.inputs.attentionMask, hiddenStates: backbone.outputs.hiddenStates };
  const scorer = new ConfidenceScorer(local, pkg.tokenizer, pkg.manifest.prompt, pkg.heads.map(({ entry, head }) => ({ id: entry.id, head })));
  prompts = QUESTIONS.map((question) => scorer.buildPrompt(question).tokenIds);
});
after(() => local.dispose());

async function withServer(options: Partial<InferenceServerOptions>, body: (url: string, server: InferenceServer) => Promise<void>): Promise<void> {
  const server = new InferenceServer({ runner: local, model: served, port: 0, ...options });
  const { url } = await server.start();
  try {
    await body(url, server);
  } finally {
    await server.stop(0);
  }
}

function remote(url: string, retries = 0): RemoteModelRunner {
  const client = new InferenceClient({ url, retries, retryBaseDelayMs: 20, timeoutMs: 5000 });
  return new RemoteModelRunner({ client, modelName: served.name, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: pkg.manifest.generation.padTokenId });
}

function post(url: string, path: string, body: string): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const GREEDY: Omit<GenerateOptions, 'signal' | 'onToken'> = { maxNewTokens: 16, decoding: 'greedy', repetitionPenalty: 1.05, eosTokenIds: [2] };

test('remote answers equal the local runner\'s: greedy, seeded sampling, cut at the length; onToken sees every id in order', async () => {
  await withServer({}, async (url, server) => {
    const runner = remote(url);
    try {
      const cases: Omit<GenerateOptions, 'signal' | 'onToken'>[] = [
        GREEDY,
        { ...GREEDY, maxNewTokens: 3 },
        ...[0, 1, 7, -3].map((seed) => ({ ...GREEDY, decoding: { temperature: 1, topP: 0.95, topK: 50, seed } })),
      ];
      for (const prompt of prompts) {
        for (const options of cases) {
          const expected = await local.generate(prompt, options);
          const streamed: number[][] = [];
          const actual = await runner.generate(prompt, { ...options, onToken: (id, logprob) => streamed.push([id, logprob]) });
          assert.deepEqual(actual, expected, `prompt of ${prompt.length} tokens, ${JSON.stringify(options.decoding)}, max ${options.maxNewTokens}`);
          assert.deepEqual(streamed, expected.tokenIds.map((id, index) => [id, expected.logprobs[index]]));
        }
      }
      assert.equal(server.answersGenerated, prompts.length * cases.length);
    } finally {
      await runner.dispose();
    }
  });
});

test('invalid generate bodies get 400 naming the field; nothing is generated for them', async () => {
  await withServer({ maxNewTokens: 64 }, async (url) => {
    const path = `/v2/models/${served.name}/generate`;
    const cases: [unknown, RegExp][] = [
      [[1, 2], /must be a JSON object/],
      [{ parameters: { max_new_tokens: 4 } }, /input_ids must be a list of token ids/],
      [{ input_ids: [], parameters: { max_new_tokens: 4 } }, /at least one token id/],
      [{ input_ids: [1, served.vocabSize], parameters: { max_new_tokens: 4 } }, /input_ids\[1\] is 320, not a token id in \[0, 320\)/],
      [{ input_ids: new Array(served.maxPositions).fill(1), parameters: { max_new_tokens: 4 } }, /at most 255 are accepted/],
      [{ input_ids: [1], parameters: {} }, /max_new_tokens must be an integer in \[1, 64\]/],
      [{ input_ids: [1], parameters: { max_new_tokens: 65 } }, /max_new_tokens must be an integer in \[1, 64\], got 65/],
      [{ input_ids: [1], parameters: { max_new_tokens: 4, top_p: 0.9 } }, /parameters.top_p is not a known field/],
      [{ input_ids: [1], parameters: { max_new_tokens: 4, decoding: 'beam' } }, /decoding must be "greedy" or/],
      [{ input_ids: [1], parameters: { max_new_tokens: 4, decoding: { temperature: 0, seed: 1 } } }, /temperature must be a number in \(0, 100\], got 0/],
      [{ input_ids: [1], parameters: { max_new_tokens: 4, decoding: { temperature: 1, seed: 1.5 } } }, /seed must be a safe integer, got 1.5/],
      [{ input_ids: [1], parameters: { max_new_tokens: 4, repetition_penalty: 0.5 } }, /repetition_penalty must be a number in \[1, 100\]/],
      [{ input_ids: [1], parameters: { max_new_tokens: 4, eos_token_ids: [-1] } }, /eos_token_ids\[0\] is -1/],
      [{ input_ids: [1], extra: true }, /extra is not a known field/],
    ];
    for (const [body, message] of cases) {
      const response = await post(url, path, JSON.stringify(body));
      assert.equal(response.status, 400, `${JSON.stringify(body).slice(0, 80)} -> ${response.text}`);
      assert.match((JSON.parse(response.text) as { error: string }).error, message);
    }
    const streamed = await post(url, `${path}_stream`, JSON.stringify({ input_ids: [1], parameters: { max_new_tokens: 0 } }));
    assert.equal(streamed.status, 400, 'generate_stream checks the body before it starts the stream');
    assert.match((JSON.parse(streamed.text) as { error: string }).error, /max_new_tokens must be an integer in \[1, 64\], got 0/);
    const ok = await post(url, path, JSON.stringify({ input_ids: prompts[0], parameters: { max_new_tokens: 2 } }));
    assert.equal(ok.status, 200, ok.text);
  });
});

/** A runner whose generations emit token 5, then wait until released, recording each one's signal. */
function gatedRunner(): { runner: ModelRunner; signals: AbortSignal[]; release: () => void } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const signals: AbortSignal[] = [];
  const runner: ModelRunner = {
    hiddenSize: served.hiddenSize,
    vocabSize: served.vocabSize,
    runtime: 'cpu',
    forwardLastToken: () => Promise.reject(new Error('not used')),
    async generate(_prompt, options): Promise<GenerationResult> {
      if (options.signal) signals.push(options.signal);
      options.onToken?.(5, -0.5);
      await Promise.race([gate, new Promise((resolve) => options.signal?.addEventListener('abort', resolve, { once: true }))]);
      if (options.signal?.aborted) return { tokenIds: [5], logprobs: [-0.5], finishReason: 'aborted' };
      options.onToken?.(2, -0.1);
      return { tokenIds: [5, 2], logprobs: [-0.5, -0.1], finishReason: 'eos' };
    },
    dispose: async () => undefined,
  };
  return { runner, signals, release: () => open() };
}

test('a busy server answers 503 with Retry-After; a client that goes away stops its generation', async () => {
  const gated = gatedRunner();
  await withServer({ runner: gated.runner, maxConcurrentGenerations: 1 }, async (url) => {
    const path = `/v2/models/${served.name}/generate`;
    const body = JSON.stringify({ input_ids: [1, 4], parameters: { max_new_tokens: 4, eos_token_ids: [2] } });
    const first = post(url, path, body);
    while (gated.signals.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const busy = await post(url, path, body);
    assert.equal(busy.status, 503);
    assert.equal(busy.headers['retry-after'], '1');
    assert.match(busy.text, /busy: 1 answers are being generated/);
    gated.release();
    assert.deepEqual(JSON.parse((await first).text), { model_name: served.name, model_version: '1', output_ids: [5, 2], logprobs: [-0.5, -0.1], finish_reason: 'eos' });
  });

  const held = gatedRunner();
  await withServer({ runner: held.runner }, async (url) => {
    const runner = remote(url);
    try {
      // Streaming: the first token reaches the caller while the server is still generating.
      const controller = new AbortController();
      const seen: number[] = [];
      const pending = runner.generate([1, 4], { ...GREEDY, signal: controller.signal, onToken: (id) => seen.push(id) });
      const deadline = Date.now() + 5000;
      while (seen.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.deepEqual(seen, [5], 'token 5 arrived before the answer was finished');
      controller.abort();
      assert.deepEqual(await pending, { tokenIds: [5], logprobs: [-0.5], finishReason: 'aborted' });
      while (!held.signals[0].aborted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.ok(held.signals[0].aborted, 'the server aborted the generation of the client that left');
    } finally {
      held.release();
      await runner.dispose();
    }
  });
});

test('1,000 seeded random and malformed bodies to /generate and /generate_stream never crash the server; a valid answer still equals the local one', async () => {
  await withServer({ maxNewTokens: 8 }, async (url) => {
    const path = `/v2/models/${served.name}/generate`;
    const random = createSeededRandom(20261202);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const odd: unknown[] = [null, true, -1, 0, 0.5, 1e308, 2 ** 63, '', 'greedy', [], {}, [[1]], 'x'.repeat(50), { temperature: 1 }];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const request: Record<string, unknown> = {
        input_ids: Array.from({ length: Math.floor(random() * 6) }, () => Math.floor(random() * 340) - 10),
        parameters: { max_new_tokens: Math.floor(random() * 12) - 1, decoding: random() < 0.5 ? 'greedy' : { temperature: random() * 2, top_p: random(), top_k: Math.floor(random() * 60), seed: Math.floor(random() * 100) }, eos_token_ids: [2] },
      };
      if (i % 3 === 0) request[pick(['input_ids', 'parameters', 'id', 'other'])] = pick(odd);
      if (i % 3 === 1) (request.parameters as Record<string, unknown>)[pick(['max_new_tokens', 'decoding', 'repetition_penalty', 'eos_token_ids', 'unknown'])] = pick(odd);
      let text = JSON.stringify(request);
      if (i % 10 === 9) text = text.slice(0, Math.floor(random() * text.length));
      const streamed = i % 2 === 1;
      const response = await post(url, streamed ? `${path}_stream` : path, text);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      assert.ok(response.status === 200 || response.status === 400, `status ${response.status} for ${text.slice(0, 120)}: ${response.text.slice(0, 200)}`);
      // A stream's last event is the whole answer, as /generate returns it.
      const last = streamed && response.status === 200 ? (response.text.trim().split('\n\n').pop() ?? '').replace(/^data: /, '') : response.text;
      assert.equal(typeof (JSON.parse(last) as Record<string, unknown>)[response.status === 200 ? 'finish_reason' : 'error'], 'string');
    }
    assert.ok((statuses.get(200) ?? 0) > 50 && (statuses.get(400) ?? 0) > 500, `both outcomes occur: ${JSON.stringify([...statuses])}`);
    const runner = remote(url);
    try {
      assert.deepEqual(await runner.generate(prompts[1], { ...GREEDY, maxNewTokens: 8 }), await local.generate(prompts[1], { ...GREEDY, maxNewTokens: 8 }));
    } finally {
      await runner.dispose();
    }
  });
});

test('a server without the route is "not-supported"; a malformed stream or answer is refused with its own error; bad arguments fail before sending', async () => {
  /** What the fake answers generate_stream with: a status and JSON body, or events of a stream. */
  let answer: { status: number; body: unknown } | { events: unknown[] } = { status: 404, body: { error: 'unknown route' } };
  let generateCalls = 0;
  const metadata = { name: served.name, versions: ['1'], platform: 'x', inputs: [{ name: 'input_ids', datatype: 'INT64', shape: [-1, -1] }, { name: 'attention_mask', datatype: 'INT64', shape: [-1, -1] }], outputs: [{ name: 'last_hidden_state', datatype: 'FP32', shape: [-1, served.hiddenSize] }] };
  const fake = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const reply = (status: number, body: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.url === '/v2/health/ready') return reply(200, { ready: true });
      if (request.url === `/v2/models/${served.name}`) return reply(200, metadata);
      generateCalls++;
      if ('status' in answer) return reply(answer.status, answer.body);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const event of answer.events) response.write(`data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`);
      response.end();
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const runner = remote(`http://127.0.0.1:${(fake.address() as AddressInfo).port}`);
  const expectError = async (code: string, message: RegExp): Promise<void> => {
    await assert.rejects(runner.generate([1, 4], GREEDY), (error: unknown) => error instanceof RemoteEndpointError && error.code === code && message.test(error.message));
  };
  const tokens = (...ids: number[]): unknown[] => ids.map((id) => ({ token_id: id, logprob: -1 }));
  const final = (ids: number[], finish = 'eos', logprobs = ids.map(() => -1)): unknown => ({ model_name: served.name, output_ids: ids, logprobs, finish_reason: finish });
  try {
    await expectError('not-supported', /does not generate answers \(HTTP 404\); Triton and KServe serve the backbone only/);
    const cases: [unknown[], string, RegExp][] = [
      [[...tokens(5, 2, 6)], 'malformed-response', /a token after the end-of-sequence token at position 1/],
      [[...tokens(5, 999)], 'malformed-response', /token id 999, outside the vocabulary/],
      [[...tokens(5, 6, 2), final([5, 6, 2], 'length')], 'malformed-response', /finish_reason "length" for an answer that ends with an end-of-sequence token/],
      [[...tokens(5, 6), final([5, 7], 'length')], 'malformed-response', /streamed tokens \[5, 6\] but its answer holds \[5, 7\]/],
      [[...tokens(5, 2), final([5, 2], 'eos', [-1])], 'malformed-response', /has 2 output_ids but 1 logprobs/],
      [[...tokens(5, 2), final([5, 2], 'stop')], 'malformed-response', /finish_reason "stop", expected "eos" or "length"/],
      [[{ token_id: 5, logprob: 'high' }], 'malformed-response', /logprob "high", not a finite number/],
      [['{not json'], 'malformed-response', /an event that is not JSON/],
      [[...tokens(5), { error: 'out of memory' }], 'server-error', /the server failed while generating: out of memory/],
      [[...tokens(5)], 'connection-closed', /ended before the answer was complete \(1 token\(s\) received\)/],
    ];
    for (const [events, code, message] of cases) {
      answer = { events };
      await expectError(code, message);
    }
    answer = { status: 200, body: final([5, 2]) };
    await expectError('malformed-response', /HTTP 200 without an event stream/);
    answer = { events: [...tokens(5, 6, 2), final([5, 6, 2])] };
    assert.deepEqual(await runner.generate([1, 4], GREEDY), { tokenIds: [5, 6, 2], logprobs: [-1, -1, -1], finishReason: 'eos' });
    const calls = generateCalls;
    await assert.rejects(runner.generate([], GREEDY), /non-empty prompt/);
    await assert.rejects(runner.generate([1, served.vocabSize], GREEDY), /token id 320, outside the vocabulary/);
    await assert.rejects(runner.generate([1], { ...GREEDY, maxNewTokens: 0 }), /maxNewTokens must be a positive integer/);
    await assert.rejects(runner.generate([1], { ...GREEDY, adapter: 'a' }), (error: unknown) => error instanceof RemoteEndpointError && error.code === 'not-supported');
    assert.equal(generateCalls, calls, 'bad arguments are refused before anything is sent');
  } finally {
    await runner.dispose();
    fake.closeAllConnections();
    await new Promise<void>((resolve) => fake.close(() => resolve()));
  }
});
