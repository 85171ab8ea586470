import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPENAI_KEY_PREFIX, resolveOpenaiEndpoint, resolveOpenaiUrl } from '../../../extension/node/openaiEndpoint';

test('worked example: a /v1 base URL gets /chat/completions, the key is per origin', () => {
  assert.deepEqual(resolveOpenaiEndpoint({ url: 'http://127.0.0.1:8080/v1', model: 'tiny' }), {
    completionsUrl: 'http://127.0.0.1:8080/v1/chat/completions',
    origin: 'http://127.0.0.1:8080',
    keyKey: `${OPENAI_KEY_PREFIX}http://127.0.0.1:8080`,
    warning: null,
    model: 'tiny',
  });
});

test('base URLs with or without a trailing slash, and full completion URLs, resolve to one endpoint', () => {
  const cases: [string, string][] = [
    ['https://api.openai.com/v1/', 'https://api.openai.com/v1/chat/completions'],
    ['https://api.openai.com/v1/chat/completions', 'https://api.openai.com/v1/chat/completions'],
    ['https://api.openai.com/v1/chat/completions/', 'https://api.openai.com/v1/chat/completions'],
    ['http://localhost:11434', 'http://localhost:11434/chat/completions'],
    ['http://[::1]:8000/openai/v1', 'http://[::1]:8000/openai/v1/chat/completions'],
  ];
  for (const [url, expected] of cases) assert.equal(resolveOpenaiUrl(url).completionsUrl, expected, url);
});

test('plain http to a non-loopback host is warned about; https and loopback are not', () => {
  assert.match(resolveOpenaiUrl('http://10.0.0.5:8080/v1').warning ?? '', /http:\/\/10\.0\.0\.5:8080 uses plain http on a non-loopback host: .*API key travel unencrypted; use https/);
  assert.equal(resolveOpenaiUrl('https://10.0.0.5/v1').warning, null);
  assert.equal(resolveOpenaiUrl('http://127.0.0.2:8080/v1').warning, null);
});

test('bad settings are refused with the setting\'s name and what to do', () => {
  assert.throws(() => resolveOpenaiUrl(''), /elical\.openaiUrl is empty: set it to the server's base URL, e\.g\. http:\/\/127\.0\.0\.1:8080\/v1/);
  assert.throws(() => resolveOpenaiUrl('localhost:8080/v1'), /must start with http:\/\/ or https:\/\//);
  assert.throws(() => resolveOpenaiUrl('not a url'), /is not a URL/);
  assert.throws(() => resolveOpenaiUrl('https://user:sk-secret@api.example/v1'), (error: Error) => /must not contain a user name or password/.test(error.message) && !error.message.includes('sk-secret'));
  assert.throws(() => resolveOpenaiUrl('https://api.example/v1?key=sk-secret'), (error: Error) => /must not have a query/.test(error.message) && !error.message.includes('sk-secret'));
  assert.throws(() => resolveOpenaiEndpoint({ url: 'http://127.0.0.1:8080/v1', model: '' }), /elical\.openaiModel is empty/);
});
