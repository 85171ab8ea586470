import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { join } from 'node:path';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';
import { ConfidenceScorer } from '../../../../extension/core/scoring/confidenceScorer';
import type { ModelRunner } from '../../../../extension/core/scoring/modelRunner';
import { loadModelPackage, type ModelPackage } from '../../../../extension/node/modelPackage';
import { OnnxModelRunner } from '../../../../extension/node/onnxModelRunner';
import { InferenceClient } from '../../../../extension/node/remote/inferenceClient';
import { InferenceServer, type InferenceServerOptions, type ServedModel } from '../../../../extension/node/remote/inferenceServer';
import { RemoteEndpointError } from '../../../../extension/node/remote/remoteEndpointError';
import { RemoteModelRunner } from '../../../../extension/node/remote/remoteModelRunner';

const PACKAGE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package');
const TOKEN = 'server-side-token-9f2c';
const QUESTIONS = ['What is the capital of France?', 'Who wrote Hamlet?', 'Which river flows through Cairo?', 'What is the chemical symbol of gold?', 'How many legs does a spider have?'];

let pkg: ModelPackage;
let local: OnnxModelRunner;
let served: ServedModel;

before(async () => {
  pkg = await loadModelPackage(PACKAGE);
  local = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: pkg.manifest.generation.padTokenId, provider: 'cpu', intraOpNumThreads: 1 });
  await local.load();
  const { architecture, backbone, name } = pkg.manifest;
  served = { name, vocabSize: architecture.vocabSize, maxPositions: architecture.maxPositionEmbeddings, hiddenSize: architecture.hiddenSize, inputIds: backbone.inputs.inputIds, attentionMask: backbone.inputs.attentionMask, hiddenStates: backbone.outputs.hiddenStates };
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

function remote(url: string, token: string | null = TOKEN, modelName = served.name): RemoteModelRunner {
  const client = new InferenceClient({ url, token: token ?? undefined, retries: 0, timeoutMs: 5000 });
  return new RemoteModelRunner({ client, modelName, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: pkg.manifest.generation.padTokenId });
}

function heads(): { id: string; head: ModelPackage['heads'][number]['head'] }[] {
  return pkg.heads.map(({ entry, head }) => ({ id: entry.id, head }));
}

/** Raw HTTP, so tests can send what the client never would. */
function raw(url: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, agent?: http.Agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, url), { method, agent, headers: { authorization: `Bearer ${TOKEN}`, ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

test('scores through the server equal local scores exactly (same package, batching on and off)', async () => {
  const localScorer = new ConfidenceScorer(local, pkg.tokenizer, pkg.manifest.prompt, heads());
  const expected = await localScorer.scoreBatch(QUESTIONS);
  const expectedSingle = await localScorer.score(QUESTIONS[2]);
  for (const batching of [true, false]) {
    await withServer({ token: TOKEN, batching }, async (url) => {
      const runner = remote(url);
      try {
        const scorer = new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, heads());
        const got = await scorer.scoreBatch(QUESTIONS);
        assert.deepEqual(got.map((score) => score.heads), expected.map((score) => score.heads), `batching ${batching}: bit-identical confidences`);
        assert.deepEqual((await scorer.score(QUESTIONS[2])).heads, expectedSingle.heads);
        assert.match(runner.runtime, /^remote \(http:\/\/127\.0\.0\.1:\d+\)$/);
      } finally {
        await runner.dispose();
      }
    });
  }
});

test('dynamic batching combines concurrent requests; each row stays its own (within float rounding of a padded batch)', async () => {
  const rows = QUESTIONS.map((question) => pkg.tokenizer.encode(question, { addSpecialTokens: true }));
  const alone = await Promise.all(rows.map(async (row) => (await local.forwardLastToken([row])).hiddenStates));
  await withServer({ token: TOKEN, maxDelayMs: 50, maxBatch: 8 }, async (url, server) => {
    const runner = remote(url);
    try {
      await runner.connect();
      const results = await Promise.all(rows.map((row) => runner.forwardLastToken([row])));
      assert.ok(server.stats.largestRunRequests >= 2, `requests were combined (largest run: ${server.stats.largestRunRequests})`);
      assert.ok(server.stats.runs < rows.length);
      results.forEach(({ hiddenStates }, index) => {
        let worst = 0;
        for (let j = 0; j < hiddenStates.length; j++) worst = Math.max(worst, Math.abs(hiddenStates[j] - alone[index][j]));
        // Local batched scoring differs from single rows by the same rounding (padding changes reduction lengths).
        assert.ok(worst < 1e-4, `row ${index}: max |difference| ${worst}`);
      });
    } finally {
      await runner.dispose();
    }
  });
  await withServer({ token: TOKEN, batching: false }, async (url, server) => {
    const runner = remote(url);
    try {
      const results = await Promise.all(rows.map((row) => runner.forwardLastToken([row])));
      assert.equal(server.stats.largestRunRequests, 1);
      results.forEach(({ hiddenStates }, index) => assert.deepEqual([...hiddenStates], [...alone[index]]));
    } finally {
      await runner.dispose();
    }
  });
});

test('health, server and model metadata; wrong token and unknown model are refused with their own errors', async () => {
  await withServer({ token: TOKEN }, async (url) => {
    assert.deepEqual(await raw(url, 'GET', '/v2/health/live', undefined, { authorization: '' }), { status: 200, text: '{"live":true}' });
    assert.equal((await raw(url, 'GET', '/v2/health/ready', undefined, { authorization: '' })).status, 200);
    assert.deepEqual(JSON.parse((await raw(url, 'GET', '/v2')).text), { name: 'elical', version: '1', extensions: ['generate'] });
    const metadata = JSON.parse((await raw(url, 'GET', `/v2/models/${served.name}`)).text);
    assert.deepEqual(metadata.inputs, [{ name: 'input_ids', datatype: 'INT64', shape: [-1, -1] }, { name: 'attention_mask', datatype: 'INT64', shape: [-1, -1] }]);
    assert.deepEqual(metadata.outputs, [{ name: 'last_hidden_state', datatype: 'FP32', shape: [-1, 64] }]);
    assert.deepEqual(JSON.parse((await raw(url, 'GET', `/v2/models/${served.name}/versions/1/ready`)).text), { name: served.name, ready: true });
    assert.equal((await raw(url, 'GET', '/v2', undefined, { authorization: 'Bearer nope' })).status, 401);
    assert.equal((await raw(url, 'POST', '/v2/health/live')).status, 405);
    assert.equal((await raw(url, 'GET', '/v3/anything')).status, 404);

    for (const token of ['wrong-token', null]) {
      const runner = remote(url, token);
      await assert.rejects(runner.connect(), (error: unknown) => error instanceof RemoteEndpointError && error.code === 'unauthorized' && !error.message.includes(TOKEN));
      await runner.dispose();
    }
    const other = remote(url, TOKEN, 'no-such-model');
    await assert.rejects(other.connect(), (error: unknown) => error instanceof RemoteEndpointError && error.code === 'model-not-found' && /does not serve a model named "no-such-model".*this server serves "tiny-llama-fixture"/.test(error.message));
    await other.dispose();
  });
});

test('invalid requests get 400 {"error"} naming the problem, oversized bodies 413; the server keeps answering correctly', async () => {
  const infer = `/v2/models/${served.name}/infer`;
  const tensor = (name: string, shape: unknown, data: unknown, datatype = 'INT64'): unknown => ({ name, shape, datatype, data });
  const good = (ids: unknown = [5, 6], mask: unknown = [1, 1], shape: unknown = [1, 2]): unknown => ({ inputs: [tensor('input_ids', shape, ids), tensor('attention_mask', shape, mask)] });
  const cases: [unknown, RegExp][] = [
    [[], /must be a JSON object/],
    [{ inputs: [] }, /non-empty array/],
    [good([5, 320]), /input_ids\[0\]\[1\] is 320; token ids are integers in \[0, 320\)/],
    [good([5, -1]), /input_ids\[0\]\[1\] is -1/],
    [good([5, 6.5]), /is 6\.5/],
    [good([5, 6], [1, 2]), /attention_mask\[0\]\[1\] is 2/],
    [good([5, 6], [1, 0]), /pad after a token; rows must be left-padded/],
    [good([5, 6], [0, 0]), /row 0 has no tokens/],
    [good([5, 6, 7]), /data has 3 elements, but shape \[1, 2\] needs 2/],
    [good([[5], [6]]), /data\[0\] has 1 elements, but dimension 0 .* is 1|has 2 elements/],
    [good([5, 6], [1, 1], [1, 2, 1]), /shape \[batch, seq\]/],
    [good(new Array(257).fill(1), new Array(257).fill(1), [1, 257]), /257 tokens per row; the model takes 1 to 256/],
    [good(new Array(33).fill(1), new Array(33).fill(1), [33, 1]), /batch size 33; this server takes 1 to 32/],
    [{ inputs: [tensor('input_ids', [1, 2], [5, 6], 'FP32'), tensor('attention_mask', [1, 2], [1, 1])] }, /datatype "FP32", expected "INT64"/],
    [{ inputs: [tensor('input_ids', [1, 2], [5, 6])] }, /attention_mask is missing/],
    [{ inputs: [tensor('input_ids', [1, 2], [5, 6]), tensor('attention_mask', [1, 1], [1])] }, /they must match/],
    [{ inputs: [tensor('tokens', [1, 2], [5, 6])] }, /"tokens"; this model takes input_ids and attention_mask/],
    [{ ...(good() as object), outputs: [{ name: 'logits' }] }, /one output, last_hidden_state/],
    [{ ...(good() as object), parameters: { binary_data_output: true } }, /binary tensor data is not supported/],
  ];
  await withServer({ token: TOKEN, maxBodyBytes: 4096 }, async (url) => {
    const expected = (await local.forwardLastToken([[5, 6]])).hiddenStates;
    for (const [body, message] of cases) {
      const response = await raw(url, 'POST', infer, JSON.stringify(body), { 'content-type': 'application/json' });
      assert.equal(response.status, 400, `${JSON.stringify(body).slice(0, 80)} -> ${response.text}`);
      assert.match(JSON.parse(response.text).error, message);
    }
    const notJson = await raw(url, 'POST', infer, '{"inputs": [', { 'content-type': 'application/json' });
    assert.equal(notJson.status, 400);
    assert.match(JSON.parse(notJson.text).error, /not valid JSON/);
    const big = await raw(url, 'POST', infer, Buffer.alloc(5000, 32));
    assert.equal(big.status, 413);
    assert.match(JSON.parse(big.text).error, /5000 bytes; the limit is 4096/);
    // Still healthy, and the same request still gives the same answer (no state changed).
    const ok = await raw(url, 'POST', infer, JSON.stringify({ id: 'r1', inputs: [tensor('input_ids', [1, 3], [0, 5, 6]), tensor('attention_mask', [1, 3], [0, 1, 1])] }));
    assert.equal(ok.status, 200, ok.text);
    const parsed = JSON.parse(ok.text);
    assert.equal(parsed.id, 'r1');
    assert.equal(parsed.model_name, served.name);
    assert.deepEqual(parsed.outputs[0].shape, [1, 64]);
    assert.deepEqual(parsed.outputs[0].data, [...expected], 'left padding sent by the client does not change the result');
  });
});

/** Seeded random and malformed bodies: valid requests broken one way each, and byte noise. */
function fuzzBodies(count: number, seed: number): (string | Buffer)[] {
  const random = createSeededRandom(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const values: unknown[] = [null, true, 0, -1, 1e308, 2 ** 63, 'INT64', '', [], {}, [[]], NaN, 'x'.repeat(100), [1, [2, [3]]], { name: 'input_ids' }];
  const bodies: (string | Buffer)[] = [];
  for (let i = 0; i < count; i++) {
    const batch = 1 + Math.floor(random() * 3);
    const seq = 1 + Math.floor(random() * 6);
    const ids = Array.from({ length: batch * seq }, () => Math.floor(random() * 330) - 5);
    const mask = Array.from({ length: batch * seq }, () => (random() < 0.8 ? 1 : 0));
    const request: Record<string, unknown> = { inputs: [{ name: 'input_ids', shape: [batch, seq], datatype: 'INT64', data: ids }, { name: 'attention_mask', shape: [batch, seq], datatype: 'INT64', data: mask }] };
    const kind = i % 6;
    if (kind === 0) {
      const target = pick(request.inputs as Record<string, unknown>[]);
      target[pick(['name', 'shape', 'datatype', 'data', 'parameters'])] = pick(values);
    } else if (kind === 1) {
      request[pick(['inputs', 'outputs', 'id', 'parameters'])] = pick(values);
    } else if (kind === 2) {
      const text = JSON.stringify(request);
      bodies.push(text.slice(0, Math.floor(random() * text.length)));
      continue;
    } else if (kind === 3) {
      bodies.push(Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256))));
      continue;
    } else if (kind === 4) {
      const nest = Math.floor(random() * 5000);
      bodies.push(`${'['.repeat(nest)}${']'.repeat(Math.floor(random() * nest))}`);
      continue;
    }
    bodies.push(JSON.stringify(request));
  }
  return bodies;
}

test('1,000 seeded random and malformed bodies never crash the server; it keeps answering health checks and valid requests', async () => {
  await withServer({ token: TOKEN }, async (url) => {
    const infer = `/v2/models/${served.name}/infer`;
    const bodies = fuzzBodies(1000, 20261127);
    const statuses = new Map<number, number>();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const response = await raw(url, 'POST', infer, body, {}, agent);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        assert.ok(response.status === 200 || response.status === 400, `status ${response.status}: ${response.text.slice(0, 200)}`);
        const parsed = JSON.parse(response.text);
        if (response.status === 400) assert.equal(typeof parsed.error, 'string');
        if (next % 100 === 0) assert.equal((await raw(url, 'GET', '/v2/health/live')).status, 200);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    agent.destroy();
    assert.ok((statuses.get(400) ?? 0) > 800, `mostly rejected: ${JSON.stringify([...statuses])}`);
    assert.equal((await raw(url, 'GET', '/v2/health/ready')).status, 200);
    const runner = remote(url);
    try {
      const row = pkg.tokenizer.encode(QUESTIONS[0], { addSpecialTokens: true });
      assert.deepEqual([...(await runner.forwardLastToken([row])).hiddenStates], [...(await local.forwardLastToken([row])).hiddenStates]);
    } finally {
      await runner.dispose();
    }
  });
});

test('graceful stop: in-flight requests finish, new connections are refused, then stop() resolves', async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow: ModelRunner = {
    hiddenSize: local.hiddenSize,
    vocabSize: local.vocabSize,
    runtime: 'cpu',
    forwardLastToken: async (rows, options) => {
      await gate;
      return local.forwardLastToken(rows, options);
    },
    generate: (ids, options) => local.generate(ids, options),
    dispose: async () => undefined,
  };
  const server = new InferenceServer({ runner: slow, model: served, port: 0, batching: false });
  const { url } = await server.start();
  const runner = remote(url, null);
  await runner.connect();
  const inFlight = runner.forwardLastToken([[5, 6, 7]]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  let stopped = false;
  const stopping = server.stop().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(stopped, false, 'stop waits for the in-flight request');
  const fresh = new InferenceClient({ url, retries: 0, timeoutMs: 2000 });
  await assert.rejects(fresh.ready(), (error: unknown) => error instanceof RemoteEndpointError && error.code === 'unreachable');
  fresh.close();
  release();
  const { hiddenStates } = await inFlight;
  assert.deepEqual([...hiddenStates], [...(await local.forwardLastToken([[5, 6, 7]])).hiddenStates]);
  await stopping;
  assert.equal(stopped, true);
  await runner.dispose();
});

test('a non-loopback bind without a token is refused unless explicitly allowed, and warns', async () => {
  const refused = new InferenceServer({ runner: local, model: served, host: '0.0.0.0', port: 0 });
  await assert.rejects(refused.start(), /refusing to serve on 0\.0\.0\.0 .* without a token: pass --token-file, or --allow-unauthenticated/);
  await refused.stop(0);
  const logs: string[] = [];
  const allowed = new InferenceServer({ runner: local, model: served, host: '0.0.0.0', port: 0, token: TOKEN, log: (message) => logs.push(message) });
  await allowed.start();
  await allowed.stop(0);
  assert.equal(logs.length, 1);
  assert.match(logs[0], /reachable from other machines over plain http/);
  assert.ok(!logs[0].includes(TOKEN));
});
