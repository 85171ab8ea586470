import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REMOTE_TOKEN_KEY_PREFIX, resolveRemoteEndpoint } from '../../../../extension/node/remote/remoteEndpoint';

test('doc example: loopback URL, model defaults to the package name, token keyed by origin, no warning', () => {
  const endpoint = resolveRemoteEndpoint({ url: 'http://127.0.0.1:8000', model: '', timeoutMs: 5000 }, 'tiny-llama-fixture');
  assert.deepEqual(endpoint, {
    url: 'http://127.0.0.1:8000/',
    origin: 'http://127.0.0.1:8000',
    modelName: 'tiny-llama-fixture',
    timeoutMs: 5000,
    tokenKey: 'elical.remoteToken:http://127.0.0.1:8000',
    warning: null,
  });
});

test('an explicit model name wins; a path prefix is kept; https to a remote host has no warning', () => {
  const endpoint = resolveRemoteEndpoint({ url: 'https://gpu.example.org/kserve', model: 'demo', timeoutMs: 100 }, 'pkg');
  assert.equal(endpoint.url, 'https://gpu.example.org/kserve/');
  assert.equal(endpoint.modelName, 'demo');
  assert.equal(endpoint.warning, null);
  assert.equal(endpoint.tokenKey, `${REMOTE_TOKEN_KEY_PREFIX}https://gpu.example.org`);
});

test('plain http to a non-loopback host carries the clear-text warning', () => {
  const endpoint = resolveRemoteEndpoint({ url: 'http://10.0.0.5:8000', model: '', timeoutMs: 10_000 }, 'pkg');
  assert.match(endpoint.warning ?? '', /plain http on a non-loopback host/);
});

test('tokens are per origin: another port or scheme is another secret', () => {
  const key = (url: string): string => resolveRemoteEndpoint({ url, model: '', timeoutMs: 1000 }, 'p').tokenKey;
  assert.equal(key('http://127.0.0.1:8000/a'), key('http://127.0.0.1:8000/b'));
  assert.notEqual(key('http://127.0.0.1:8000'), key('http://127.0.0.1:8001'));
  assert.notEqual(key('http://host.example'), key('https://host.example'));
});

test('bad settings are refused with the setting named', () => {
  const resolve = (url: string, timeoutMs = 1000, model = '', pkg = 'p') => () => resolveRemoteEndpoint({ url, model, timeoutMs }, pkg);
  assert.throws(resolve(''), /elical\.remoteUrl is empty.*elical\.runtime/);
  assert.throws(resolve('not a url'), /elical\.remoteUrl "not a url" is not a URL/);
  assert.throws(resolve('ftp://host'), /must start with http:\/\/ or https:\/\/, got ftp:/);
  assert.throws(resolve('http://user:pw@host:8000'), (error: Error) => /user name or password/.test(error.message) && !error.message.includes('pw'));
  assert.throws(resolve('http://host/?a=1'), /query/);
  assert.throws(resolve('http://host/#x'), /fragment/);
  assert.throws(resolve('http://host', 99), /elical\.remoteTimeoutMs must be an integer in 100\.\.600000, got 99/);
  assert.throws(resolve('http://host', 1.5), /remoteTimeoutMs/);
  assert.throws(resolve('http://host', 1000, '', ''), /elical\.remoteModel is empty/);
});
