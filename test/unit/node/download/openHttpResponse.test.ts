import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayUrl } from '../../../../extension/node/download/displayUrl';
import { PackageHttpServer } from '../../../support/packageHttpServer';
import { runNodeChild } from './runNodeChild';

test('displayUrl: origin and path, never the query, the fragment or credentials', () => {
  assert.equal(displayUrl(new URL('https://cdn.example.com/m/a%20b.onnx?X-Amz-Signature=secret123&X-Amz-Expires=60#part')), 'https://cdn.example.com/m/a%20b.onnx');
  assert.equal(displayUrl(new URL('http://user:pass@127.0.0.1:8080/pkg/manifest.json?token=secret')), 'http://127.0.0.1:8080/pkg/manifest.json');
  assert.equal(displayUrl(new URL('https://example.com')), 'https://example.com/');
});

test('a response its consumer dropped without discard() does not keep the process alive', async (t) => {
  // More than the reader queues before it pauses the socket (8 MiB): the body stays half read.
  const server = await PackageHttpServer.start(new Map([['big.bin', Buffer.alloc(32 * 1024 * 1024, 7)]]));
  t.after(() => server.close());
  // A short stall limit: a stall timer that kept refreshing would hold the process the whole time.
  const script = `
const { openHttpResponse } = require('./extension/node/download/openHttpResponse');
openHttpResponse(new URL(process.argv[1]), { method: 'GET', timeoutMs: 500 }).then((response) => console.log('status ' + response.status));
`;
  const run = await runNodeChild(script, [`${server.origin}/pkg/big.bin`], 15_000);
  assert.equal(run.hung, false, `the process did not exit (output: ${run.stdout}${run.stderr})`);
  assert.equal(run.stdout.trim(), 'status 200');
  assert.equal(run.code, 0, run.stderr);
});
