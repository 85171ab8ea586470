import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../extension/node/cli/main';
import type { CliIo } from '../../../../extension/node/cli/cliIo';
import { InferenceClient } from '../../../../extension/node/remote/inferenceClient';
import { RemoteEndpointError } from '../../../../extension/node/remote/remoteEndpointError';

const PACKAGE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package');

function memoryIo(signal: AbortSignal): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', signal, stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

test('serve listens on a free port, requires the token from --token-file, never prints it, and stops on abort', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-serve-'));
  const token = 'file-token-3e1d7a';
  writeFileSync(join(dir, 'token'), `${token}\n`);
  const controller = new AbortController();
  const io = memoryIo(controller.signal);
  try {
    const exit = main(['serve', '--model', PACKAGE, '--port', '0', '--token-file', join(dir, 'token'), '--provider', 'cpu', '--threads', '1', '--max-new-tokens', '8'], io);
    const deadline = Date.now() + 20_000;
    while (!io.out.includes('\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const started = JSON.parse(io.out.split('\n')[0]);
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual([started.model, started.batching, started.max_batch, started.auth], ['tiny-llama-fixture', true, 32, true]);
    const good = new InferenceClient({ url: started.url, token, retries: 0 });
    assert.equal((await good.modelMetadata('tiny-llama-fixture')).outputs[0].shape.at(-1), 64);
    // --max-new-tokens reaches the server: one more than it is refused with the limit named.
    const generate = await fetch(`${started.url}/v2/models/tiny-llama-fixture/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input_ids: [1, 4], parameters: { max_new_tokens: 9 } }),
    });
    assert.equal(generate.status, 400);
    assert.match(((await generate.json()) as { error: string }).error, /max_new_tokens must be an integer in \[1, 8\]/);
    good.close();
    const bad = new InferenceClient({ url: started.url, token: 'guess', retries: 0 });
    await assert.rejects(bad.modelMetadata('tiny-llama-fixture'), (error: unknown) => error instanceof RemoteEndpointError && error.code === 'unauthorized');
    bad.close();
    controller.abort();
    assert.equal(await exit, 0, io.err);
    assert.match(io.err, /stopped after 0 inference request\(s\) in 0 model run\(s\) and 0 answer\(s\)/);
    assert.ok(!io.out.includes(token) && !io.err.includes(token), 'the token is never printed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve usage errors: non-loopback without a token, bad flags, unreadable token file', async () => {
  const cases: [string[], RegExp][] = [
    [['serve', '--model', PACKAGE, '--host', '0.0.0.0', '--port', '0', '--provider', 'cpu'], /refusing to serve on 0\.0\.0\.0.*without a token/],
    [['serve'], /--model DIR is required/],
    [['serve', '--model', PACKAGE, '--port', '70000'], /--port must be at most 65535/],
    [['serve', '--model', PACKAGE, '--max-batch', '0'], /--max-batch must be an integer >= 1/],
    [['serve', '--model', PACKAGE, '--max-delay-ms', 'soon'], /--max-delay-ms must be a number >= 0/],
    [['serve', '--model', PACKAGE, '--max-new-tokens', '0'], /--max-new-tokens must be an integer >= 1/],
    [['serve', '--model', PACKAGE, '--max-generations', 'many'], /--max-generations must be an integer >= 1/],
    [['serve', '--model', PACKAGE, '--token-file', '/nonexistent/token'], /cannot read --token-file \/nonexistent\/token \(ENOENT\)/],
  ];
  for (const [args, message] of cases) {
    const io = memoryIo(new AbortController().signal);
    assert.equal(await main(args, io), 2, args.join(' '));
    assert.match(io.err, message);
  }
});
