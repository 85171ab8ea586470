import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { ModelDownloadError } from '../../../../extension/node/download/modelDownloadError';
import { checkPackageFileName, packageFilePath, packageFileUrl } from '../../../../extension/node/download/packageFileLocation';
import { parseDownloadUrl, plainHttpDownloadWarning } from '../../../../extension/node/download/parseDownloadUrl';
import { backoffDelayMs, isTransient, retryTransient } from '../../../../extension/node/download/retryTransient';

function rejected(run: () => unknown, code: string, message: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof ModelDownloadError && error.code === code && message.test(error.message));
}

test('package file names: plain relative segments only', () => {
  for (const name of ['backbone.onnx', 'heads/a.safetensors', 'data/test_in.jsonl', 'odd name #1?.txt']) checkPackageFileName(name);
  const cases: [string, RegExp][] = [
    ['../x', /leaves the package folder/],
    ['a/../../x', /leaves the package folder/],
    ['/etc/passwd', /absolute path/],
    ['C:/Windows/x', /absolute path/],
    ['a\\..\\x', /backslash/],
    ['a//b', /empty or "\." path segment/],
    ['./a', /empty or "\." path segment/],
    ['a/', /empty or "\." path segment/],
    ['a\u0000b', /control character/],
    ['manifest.json', /replace the manifest/],
    ['backbone.onnx.elical-part', /\.elical-part/],
  ];
  for (const [name, message] of cases) rejected(() => checkPackageFileName(name), 'unsafe-path', message);
});

test('a file URL percent-encodes each segment and stays beside the manifest; a path stays inside the folder', () => {
  const base = new URL('https://example.com/models/demo/');
  assert.equal(packageFileUrl(base, 'heads/odd name #1?.txt').href, 'https://example.com/models/demo/heads/odd%20name%20%231%3F.txt');
  assert.equal(packageFilePath('/tmp/pkg', 'heads/a.safetensors'), join(resolve('/tmp/pkg'), 'heads', 'a.safetensors'));
  rejected(() => packageFilePath('/tmp/pkg', '../pkg2/x'), 'unsafe-path', /leaves the package folder/);
});

test('download URLs: http(s) only, no credentials, a folder URL gets manifest.json', () => {
  assert.equal(parseDownloadUrl(' https://example.com/m/manifest.json#x ').href, 'https://example.com/m/manifest.json');
  assert.equal(parseDownloadUrl('https://example.com/m/').href, 'https://example.com/m/manifest.json');
  rejected(() => parseDownloadUrl('example.com/manifest.json'), 'invalid-url', /is not a URL/);
  rejected(() => parseDownloadUrl('file:///tmp/manifest.json'), 'invalid-url', /got file:/);
  rejected(() => parseDownloadUrl('https://me:pw@example.com/manifest.json'), 'invalid-url', /user name or password/);
  assert.match(plainHttpDownloadWarning(new URL('http://models.example.com/manifest.json')) ?? '', /plain http/);
  assert.equal(plainHttpDownloadWarning(new URL('http://127.0.0.1:8000/manifest.json')), null);
  assert.equal(plainHttpDownloadWarning(new URL('https://models.example.com/manifest.json')), null);
});

test('retries: transient failures only, bounded, reset by progress', async () => {
  assert.deepEqual([0, 1, 2, 3, 10].map((retry) => backoffDelayMs(retry, 500)), [500, 1000, 2000, 4000, 10_000]);
  assert.equal(isTransient(new ModelDownloadError('timeout', 't')), true);
  assert.equal(isTransient(new ModelDownloadError('server-error', 's', undefined, 503)), true);
  assert.equal(isTransient(new ModelDownloadError('server-error', 's', undefined, 500)), false);
  assert.equal(isTransient(new ModelDownloadError('not-found', 'n', undefined, 404)), false);
  assert.equal(isTransient(new Error('other')), false);

  const policy = { retries: 2, retryBaseDelayMs: 0 };
  let calls = 0;
  await assert.rejects(
    retryTransient(async () => {
      calls += 1;
      throw new ModelDownloadError('unreachable', 'down');
    }, policy),
    /down/,
  );
  assert.equal(calls, 3, 'the first try and two retries');

  calls = 0;
  await assert.rejects(
    retryTransient(async () => {
      calls += 1;
      throw new ModelDownloadError('sha256-mismatch', 'bad');
    }, policy),
    /bad/,
  );
  assert.equal(calls, 1, 'a lasting failure is not retried');

  calls = 0;
  const value = await retryTransient(
    async () => {
      calls += 1;
      if (calls < 6) throw new ModelDownloadError('connection-closed', 'cut');
      return 'done';
    },
    policy,
    () => true,
  );
  assert.deepEqual([value, calls], ['done', 6], 'tries that gain ground do not use up the retries');

  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    retryTransient(async () => {
      throw new ModelDownloadError('timeout', 'slow');
    }, { ...policy, signal: controller.signal }),
    /slow/,
  );
});
