import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost, plainHttpWarning } from '../../../../extension/node/remote/isLoopbackHost';

test('isLoopbackHost: the doc examples, IPv6 and mapped forms, and look-alikes that are not loopback', () => {
  for (const host of ['127.0.0.2', '127.0.0.1', 'localhost', 'LOCALHOST', 'app.localhost', '::1', '[::1]', '::ffff:127.0.0.1', '127.255.255.255']) assert.equal(isLoopbackHost(host), true, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '127.0.0.256', '128.0.0.1', 'localhost.example.com', '127.0.0', 'example.com', '']) assert.equal(isLoopbackHost(host), false, host);
  assert.equal(plainHttpWarning(new URL('http://[::1]:8000')), null);
  assert.equal(plainHttpWarning(new URL('https://10.0.0.1')), null);
  assert.match(plainHttpWarning(new URL('http://10.0.0.1:9000/kserve')) ?? '', /^the remote endpoint http:\/\/10\.0\.0\.1:9000 uses plain http/);
});
