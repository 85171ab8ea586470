import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ModelManifest } from '../../../../extension/core/scoring/modelManifest';
import { loadModelPackage } from '../../../../extension/node/modelPackage';
import { InferenceClient } from '../../../../extension/node/remote/inferenceClient';
import { RemoteEndpointError } from '../../../../extension/node/remote/remoteEndpointError';
import { RemoteModelRunner } from '../../../../extension/node/remote/remoteModelRunner';

const PACKAGE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package');
const TOKEN = 's3cret-token-value-42';
const HIDDEN = 64;

type Mode = 'ok' | 'status-500' | 'status-503-once' | 'garbage' | 'wrong-shape' | 'nan' | 'close-mid' | 'slow' | 'triton';

/**
 * A scripted OIP v2 server: correct by default, and each mode breaks one thing. The "model"
 * answers hidden[b][j] = sum(row b's real tokens) + j, so expected values are computed here
 * independently of the client.
 */
class FakeServer {
  mode: Mode = 'ok';
  metadata: Record<string, unknown> = {};
  requests: { method: string; url: string; authorization: string | undefined; body: string }[] = [];
  private readonly server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => this.answer(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: http.IncomingMessage, body: string, response: http.ServerResponse): void {
    this.requests.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body });
    const json = (status: number, value: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (request.url === '/v2/health/ready') return json(200, { ready: true });
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(401, { error: `bad token; you sent ${request.headers.authorization}` });
    if (request.url === '/v2/models/tiny-llama-fixture') return json(200, this.metadata);
    if (request.url !== '/v2/models/tiny-llama-fixture/infer') return json(404, { error: 'no such model' });
    const parsed = JSON.parse(body) as { inputs: { name: string; shape: number[]; data: number[] }[] };
    const ids = parsed.inputs.find((input) => input.name === 'input_ids');
    const mask = parsed.inputs.find((input) => input.name === 'attention_mask');
    assert.ok(ids && mask);
    const [batch, width] = ids.shape;
    const rowSums = Array.from({ length: batch }, (_, b) => ids.data.slice(b * width, (b + 1) * width).reduce((sum, id, t) => sum + id * mask.data[b * width + t], 0));
    const lastToken = rowSums.flatMap((sum) => Array.from({ length: HIDDEN }, (_, j) => sum + j));
    switch (this.mode) {
      case 'ok':
        return json(200, { model_name: 'tiny-llama-fixture', outputs: [{ name: 'last_hidden_state', datatype: 'FP32', shape: [batch, HIDDEN], data: lastToken }] });
      case 'triton': {
        // Full graph output [batch, seq, hidden]: only the last position holds the answer.
        const data: number[] = [];
        for (let b = 0; b < batch; b++) for (let t = 0; t < width; t++) for (let j = 0; j < HIDDEN; j++) data.push(t === width - 1 ? lastToken[b * HIDDEN + j] : -999);
        return json(200, { model_name: 'tiny-llama-fixture', outputs: [{ name: 'last_hidden_state', datatype: 'FP32', shape: [batch, width, HIDDEN], data }] });
      }
      case 'status-500':
        return json(500, { error: 'the GPU caught fire' });
      case 'status-503-once':
        this.mode = 'ok';
        return json(503, { error: 'overloaded' });
      case 'garbage':
        response.writeHead(200, { 'content-type': 'text/html' });
        return void response.end('<html>gateway says hello</html>');
      case 'wrong-shape':
        return json(200, { model_name: 'tiny-llama-fixture', outputs: [{ name: 'last_hidden_state', datatype: 'FP32', shape: [batch, HIDDEN - 1], data: lastToken.slice(0, batch * (HIDDEN - 1)) }] });
      case 'nan':
        return json(200, { model_name: 'tiny-llama-fixture', outputs: [{ name: 'last_hidden_state', datatype: 'FP32', shape: [batch, HIDDEN], data: lastToken.map((v, i) => (i === 3 ? 'NaN' : v)) }] });
      case 'close-mid': {
        const text = JSON.stringify({ model_name: 'tiny-llama-fixture', outputs: [{ name: 'last_hidden_state', datatype: 'FP32', shape: [batch, HIDDEN], data: lastToken }] });
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
        response.write(text.slice(0, 40));
        return void setTimeout(() => response.socket?.destroy(), 20);
      }
      case 'slow':
        return; // never answers
    }
  }
}

const ELICAL_METADATA = {
  name: 'tiny-llama-fixture',
  versions: ['1'],
  platform: 'elical_onnxruntime',
  inputs: [
    { name: 'input_ids', datatype: 'INT64', shape: [-1, -1] },
    { name: 'attention_mask', datatype: 'INT64', shape: [-1, -1] },
  ],
  outputs: [{ name: 'last_hidden_state', datatype: 'FP32', shape: [-1, HIDDEN] }],
};

let fake: FakeServer;
let manifest: ModelManifest;

before(async () => {
  manifest = (await loadModelPackage(PACKAGE)).manifest;
  fake = new FakeServer();
  await fake.start();
});
after(() => fake.stop());

function runnerFor(url: string, overrides: { token?: string; timeoutMs?: number; retries?: number } = {}): RemoteModelRunner {
  const client = new InferenceClient({ url, token: 'token' in overrides ? overrides.token : TOKEN, timeoutMs: overrides.timeoutMs ?? 2000, retries: overrides.retries ?? 0, retryBaseDelayMs: 5 });
  return new RemoteModelRunner({ client, modelName: 'tiny-llama-fixture', architecture: manifest.architecture, backbone: manifest.backbone, padTokenId: 0 });
}

const ROWS = [[5, 6, 7], [9]];
function expected(rows: number[][]): number[] {
  return rows.flatMap((row) => Array.from({ length: HIDDEN }, (_, j) => row.reduce((a, b) => a + b, 0) + j));
}

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<RemoteEndpointError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RemoteEndpointError, `expected a RemoteEndpointError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    assert.ok(!error.message.includes(TOKEN), 'the token must never appear in a message');
    return error;
  }
  assert.fail(`expected ${code}`);
}

test('left-pads rows, checks metadata and reads [batch, hidden]; every fault gets its own code and the runner recovers after each', async () => {
  fake.metadata = ELICAL_METADATA;
  fake.mode = 'ok';
  const runner = runnerFor(`http://127.0.0.1:${fake.port}`);
  try {
    const ok = async (): Promise<void> => {
      fake.mode = 'ok';
      const { hiddenStates } = await runner.forwardLastToken(ROWS);
      assert.deepEqual([...hiddenStates], expected(ROWS));
    };
    await ok();
    const sent = JSON.parse(fake.requests.at(-1)?.body ?? '{}');
    assert.deepEqual(sent.inputs, [
      { name: 'input_ids', shape: [2, 3], datatype: 'INT64', data: [5, 6, 7, 0, 0, 9] },
      { name: 'attention_mask', shape: [2, 3], datatype: 'INT64', data: [1, 1, 1, 0, 0, 1] },
    ]);
    assert.deepEqual(sent.outputs, [{ name: 'last_hidden_state' }]);
    const faults: [Mode, string, RegExp][] = [
      ['status-500', 'server-error', /HTTP 500.*GPU caught fire/],
      ['garbage', 'malformed-response', /not JSON.*<html>/],
      ['wrong-shape', 'shape-mismatch', /shape \[2, 63\].*expected \[2, 64\]/],
      ['nan', 'shape-mismatch', /element 3 is "NaN"/],
      ['close-mid', 'connection-closed', /closed in the middle of the response/],
    ];
    for (const [mode, code, message] of faults) {
      fake.mode = mode;
      const before = fake.requests.length;
      await rejectsWith(runner.forwardLastToken(ROWS), code, message);
      assert.equal(fake.requests.length, before + 1, `${mode}: exactly one request (no retry with retries = 0)`);
      await ok();
    }
  } finally {
    await runner.dispose();
  }
});

test('timeout fires without hanging, and a slow server does not poison later calls', async () => {
  fake.metadata = ELICAL_METADATA;
  const runner = runnerFor(`http://127.0.0.1:${fake.port}`, { timeoutMs: 150 });
  try {
    fake.mode = 'ok';
    await runner.connect();
    fake.mode = 'slow';
    const started = performance.now();
    await rejectsWith(runner.forwardLastToken(ROWS), 'timeout', /no complete response within 150 ms/);
    assert.ok(performance.now() - started < 1000, 'the timeout fired promptly');
    fake.mode = 'ok';
    assert.deepEqual([...(await runner.forwardLastToken(ROWS)).hiddenStates], expected(ROWS));
  } finally {
    await runner.dispose();
  }
});

test('retries 503 with backoff for idempotent calls, but never a 500', async () => {
  fake.metadata = ELICAL_METADATA;
  const runner = runnerFor(`http://127.0.0.1:${fake.port}`, { retries: 2 });
  try {
    fake.mode = 'ok';
    await runner.connect();
    fake.mode = 'status-503-once';
    let before = fake.requests.length;
    assert.deepEqual([...(await runner.forwardLastToken(ROWS)).hiddenStates], expected(ROWS));
    assert.equal(fake.requests.length, before + 2, 'one 503, then one success');
    fake.mode = 'status-500';
    before = fake.requests.length;
    await rejectsWith(runner.forwardLastToken(ROWS), 'server-error', /HTTP 500/);
    assert.equal(fake.requests.length, before + 1);
  } finally {
    await runner.dispose();
  }
});

test('wrong or missing token: unauthorized, and the token never appears in the message even when the server echoes it', async () => {
  fake.metadata = ELICAL_METADATA;
  fake.mode = 'ok';
  const wrong = new InferenceClient({ url: `http://127.0.0.1:${fake.port}`, token: `${TOKEN}-old`, retries: 0 });
  try {
    const error = await rejectsWith(wrong.modelMetadata('tiny-llama-fixture'), 'unauthorized', /HTTP 401.*Check the bearer token/);
    assert.equal(error.status, 401);
    assert.match(error.message, /\[redacted\]/, 'the echoed token was replaced');
  } finally {
    wrong.close();
  }
  const none = runnerFor(`http://127.0.0.1:${fake.port}`, { token: undefined });
  try {
    await rejectsWith(none.connect(), 'unauthorized', /needs a bearer token/);
  } finally {
    await none.dispose();
  }
});

test('metadata that does not fit the package is a model-mismatch naming the problem', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...ELICAL_METADATA, outputs: [{ name: 'last_hidden_state', datatype: 'FP32', shape: [-1, 128] }] }, /expected \[batch, 64\].*hidden size 64/],
    [{ ...ELICAL_METADATA, inputs: [{ name: 'input_ids', datatype: 'INT32', shape: [-1, -1] }, ELICAL_METADATA.inputs[1]] }, /input_ids has datatype INT32, expected INT64/],
    [{ ...ELICAL_METADATA, inputs: [...ELICAL_METADATA.inputs, { name: 'lora.0.q_proj.A', datatype: 'FP32', shape: [8, 64] }] }, /cannot feed.*LoRA/],
    [{ ...ELICAL_METADATA, outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 320] }] }, /no output last_hidden_state \(its outputs: logits\)/],
    [{ ...ELICAL_METADATA, name: 'other' }, /named "other"/],
  ];
  for (const [metadata, message] of cases) {
    fake.metadata = metadata;
    const runner = runnerFor(`http://127.0.0.1:${fake.port}`);
    const before = fake.requests.filter((request) => request.url.endsWith('/infer')).length;
    await rejectsWith(runner.forwardLastToken(ROWS), 'model-mismatch', message);
    assert.equal(fake.requests.filter((request) => request.url.endsWith('/infer')).length, before, 'nothing was inferred');
    await runner.dispose();
  }
  fake.metadata = { name: 'tiny-llama-fixture', inputs: 'none' };
  const runner = runnerFor(`http://127.0.0.1:${fake.port}`);
  await rejectsWith(runner.connect(), 'malformed-response', /no "inputs" array/);
  await runner.dispose();
});

test('a Triton-style full graph: sends position_ids and an empty KV cache, takes the last position of [batch, seq, hidden]', async () => {
  const arch = manifest.architecture;
  const past = Array.from({ length: arch.numLayers }, (_, layer) => ['key', 'value'].map((kind) => ({ name: `past_key_values.${layer}.${kind}`, datatype: 'FP32', shape: [-1, arch.numKeyValueHeads, -1, arch.headDim] }))).flat();
  fake.metadata = {
    name: 'tiny-llama-fixture',
    versions: ['1'],
    platform: 'onnxruntime_onnx',
    inputs: [...['input_ids', 'attention_mask', 'position_ids'].map((name) => ({ name, datatype: 'INT64', shape: [-1, -1] })), ...past],
    outputs: [{ name: 'last_hidden_state', datatype: 'FP32', shape: [-1, -1, HIDDEN] }, { name: 'logits', datatype: 'FP32', shape: [-1, -1, arch.vocabSize] }],
  };
  fake.mode = 'triton';
  const runner = runnerFor(`http://127.0.0.1:${fake.port}`);
  try {
    assert.deepEqual([...(await runner.forwardLastToken(ROWS)).hiddenStates], expected(ROWS));
    const sent = JSON.parse(fake.requests.at(-1)?.body ?? '{}') as { inputs: { name: string; shape: number[]; data: number[] }[] };
    assert.deepEqual(sent.inputs.find((input) => input.name === 'position_ids')?.data, [0, 1, 2, 0, 0, 0]);
    const cache = sent.inputs.filter((input) => input.name.startsWith('past_key_values.'));
    assert.equal(cache.length, 2 * arch.numLayers);
    for (const input of cache) assert.deepEqual([input.shape, input.data], [[2, arch.numKeyValueHeads, 0, arch.headDim], []]);
  } finally {
    await runner.dispose();
  }
});

test('server down, TLS against a plain port, cancellation, unsupported operations, local row checks', async () => {
  const spare = http.createServer();
  await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
  const downPort = (spare.address() as AddressInfo).port;
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  const down = runnerFor(`http://127.0.0.1:${downPort}`, { retries: 1 });
  await rejectsWith(down.forwardLastToken(ROWS), 'unreachable', /cannot reach the server \(ECONNREFUSED\)/);
  await down.dispose();

  fake.metadata = ELICAL_METADATA;
  fake.mode = 'ok';
  const tls = runnerFor(`https://127.0.0.1:${fake.port}`);
  await rejectsWith(tls.connect(), 'tls', /TLS connection failed/);
  await tls.dispose();

  const runner = runnerFor(`http://127.0.0.1:${fake.port}`, { timeoutMs: 5000 });
  try {
    await runner.connect();
    fake.mode = 'slow';
    const controller = new AbortController();
    const pending = runner.forwardLastToken(ROWS, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await rejectsWith(pending, 'aborted', /cancelled/);
    fake.mode = 'ok';
    await rejectsWith(runner.generate([1, 2], { maxNewTokens: 1, decoding: 'greedy', repetitionPenalty: 1, eosTokenIds: [2] }), 'not-supported', /does not generate answers \(HTTP 404\)/);
    await rejectsWith(runner.forwardLastToken(ROWS, { withLogits: true }), 'not-supported', /logits/);
    await rejectsWith(runner.forwardLastToken(ROWS, { adapter: 'a' }), 'not-supported', /LoRA checkpoint "a"/);
    const sent = fake.requests.length;
    await assert.rejects(runner.forwardLastToken([[1, 320]]), /token id 320, outside the vocabulary \(size 320\)/);
    await assert.rejects(runner.forwardLastToken([[]]), /row 0 has no tokens/);
    await assert.rejects(runner.forwardLastToken([new Array(257).fill(1)]), /257 tokens, more than the model's 256/);
    assert.equal(fake.requests.length, sent, 'bad rows are refused before anything is sent');
    assert.deepEqual([...(await runner.forwardLastToken(ROWS)).hiddenStates], expected(ROWS));
  } finally {
    await runner.dispose();
  }
});

test('the client refuses bad URLs and warns about plain http to a non-loopback host', () => {
  const warnings: string[] = [];
  new InferenceClient({ url: 'http://10.1.2.3:8000', warn: (message) => warnings.push(message) }).close();
  new InferenceClient({ url: 'http://127.0.0.1:8000', warn: (message) => warnings.push(message) }).close();
  new InferenceClient({ url: 'https://models.example.com', warn: (message) => warnings.push(message) }).close();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /http:\/\/10\.1\.2\.3:8000 uses plain http.*bearer token travel unencrypted/);
  assert.throws(() => new InferenceClient({ url: 'ftp://x' }), /must start with http:\/\/ or https:\/\//);
  assert.throws(() => new InferenceClient({ url: 'not a url' }), /not a valid URL/);
  assert.throws(() => new InferenceClient({ url: 'http://user:pw@host' }), /must not carry credentials/);
  assert.throws(() => new InferenceClient({ url: 'http://host', token: 'a\nb' }), /one line/);
});
