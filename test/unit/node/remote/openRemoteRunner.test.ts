import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ConfidenceScorer } from '../../../../extension/core/scoring/confidenceScorer';
import { loadModelPackage, type ModelPackage } from '../../../../extension/node/modelPackage';
import { OnnxModelRunner } from '../../../../extension/node/onnxModelRunner';
import { InferenceServer } from '../../../../extension/node/remote/inferenceServer';
import { openRemoteRunner } from '../../../../extension/node/remote/openRemoteRunner';
import { RemoteEndpointError } from '../../../../extension/node/remote/remoteEndpointError';
import { resolveRemoteEndpoint } from '../../../../extension/node/remote/remoteEndpoint';

const PACKAGE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package');
const TOKEN = 'open-remote-token-7d1e';
const QUESTIONS = ['What is the capital of Peru?', 'Who wrote Hamlet?', 'How many legs does a spider have?'];

let pkg: ModelPackage;
let local: OnnxModelRunner;
let server: InferenceServer;
let url: string;

before(async () => {
  pkg = await loadModelPackage(PACKAGE);
  local = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: pkg.manifest.generation.padTokenId, provider: 'cpu', intraOpNumThreads: 1 });
  await local.load();
  const { architecture, backbone, name } = pkg.manifest;
  server = new InferenceServer({
    runner: local,
    model: { name, vocabSize: architecture.vocabSize, maxPositions: architecture.maxPositionEmbeddings, hiddenSize: architecture.hiddenSize, inputIds: backbone.inputs.inputIds, attentionMask: backbone.inputs.attentionMask, hiddenStates: backbone.outputs.hiddenStates },
    port: 0,
    token: TOKEN,
    batching: false,
  });
  url = (await server.start()).url;
});
after(async () => {
  await server.stop(0);
  await local.dispose();
});

const heads = () => pkg.heads.map(({ entry, head }) => ({ id: entry.id, head }));

test('package heads over the remote backbone give the local scores exactly', async () => {
  const endpoint = resolveRemoteEndpoint({ url, model: '', timeoutMs: 5000 }, pkg.manifest.name);
  const runner = await openRemoteRunner({ pkg, endpoint, token: TOKEN, retries: 0 });
  try {
    const remote = await new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, heads()).scoreBatch(QUESTIONS);
    const expected = await new ConfidenceScorer(local, pkg.tokenizer, pkg.manifest.prompt, heads()).scoreBatch(QUESTIONS);
    assert.deepEqual(remote.map((score) => score.heads), expected.map((score) => score.heads));
    assert.match(runner.runtime, /^remote \(http:\/\/127\.0\.0\.1:\d+\)$/);
  } finally {
    await runner.dispose();
  }
});

test('a wrong token fails at open with code unauthorized, and the token is never in the message', async () => {
  const endpoint = resolveRemoteEndpoint({ url, model: '', timeoutMs: 5000 }, pkg.manifest.name);
  await assert.rejects(openRemoteRunner({ pkg, endpoint, token: 'wrong-token-123', retries: 0 }), (error: unknown) => {
    assert.ok(error instanceof RemoteEndpointError);
    assert.equal(error.code, 'unauthorized');
    assert.ok(!error.message.includes('wrong-token-123'));
    return true;
  });
});

test('an unknown model name fails at open with model-not-found', async () => {
  const endpoint = resolveRemoteEndpoint({ url, model: 'no-such-model', timeoutMs: 5000 }, pkg.manifest.name);
  await assert.rejects(openRemoteRunner({ pkg, endpoint, token: TOKEN, retries: 0 }), (error: unknown) => error instanceof RemoteEndpointError && error.code === 'model-not-found');
});

test('a server that is down fails at open with unreachable, promptly', async () => {
  const idle = new InferenceServer({ runner: local, model: { name: 'x', vocabSize: 1, maxPositions: 1, hiddenSize: 1, inputIds: 'a', attentionMask: 'b', hiddenStates: 'c' }, port: 0 });
  const downUrl = (await idle.start()).url;
  await idle.stop(0);
  const endpoint = resolveRemoteEndpoint({ url: downUrl, model: '', timeoutMs: 2000 }, pkg.manifest.name);
  const started = Date.now();
  await assert.rejects(openRemoteRunner({ pkg, endpoint, token: TOKEN, retries: 0 }), (error: unknown) => error instanceof RemoteEndpointError && error.code === 'unreachable');
  assert.ok(Date.now() - started < 2000);
});

test('plain http to a non-loopback host is reported through warn before connecting', async () => {
  const warnings: string[] = [];
  // 192.0.2.0/24 is TEST-NET-1: never routed, so the connection attempt times out quickly.
  const endpoint = resolveRemoteEndpoint({ url: 'http://192.0.2.1:9', model: '', timeoutMs: 200 }, pkg.manifest.name);
  await assert.rejects(openRemoteRunner({ pkg, endpoint, token: TOKEN, retries: 0, warn: (line) => warnings.push(line) }), RemoteEndpointError);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /plain http on a non-loopback host/);
  assert.ok(!warnings[0].includes(TOKEN));
});
