import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DownloadProgress } from '../../../../extension/core/download/downloadProgress';
import { loadModelPackage } from '../../../../extension/node/modelPackage';
import { downloadModelPackage, stagingFolder, type DownloadOptions, type DownloadResult } from '../../../../extension/node/download/downloadModelPackage';
import { fetchRemoteManifest } from '../../../../extension/node/download/fetchRemoteManifest';
import { ModelDownloadError, type ModelDownloadErrorCode } from '../../../../extension/node/download/modelDownloadError';
import { PARTIAL_SUFFIX } from '../../../../extension/node/download/packageFileLocation';
import { stagingLockPath } from '../../../../extension/node/download/stagingLock';
import { PackageHttpServer, readPackageFiles } from '../../../support/packageHttpServer';
import { runNodeChild } from './runNodeChild';

const SOURCE = readPackageFiles();
const BACKBONE = SOURCE.get('backbone.onnx') as Buffer;
const PACKAGE_BYTES = [...SOURCE].filter(([path]) => path !== 'manifest.json').reduce((sum, [, bytes]) => sum + bytes.length, 0);
/** No retries and a short stall limit, so a failure shows at once. */
const STRICT: DownloadOptions = { timeoutMs: 5_000, retries: 0, retryBaseDelayMs: 1 };

interface Context {
  after(fn: () => unknown): void;
}

async function setUp(t: Context, files?: Map<string, Buffer>): Promise<{ server: PackageHttpServer; dest: string }> {
  const server = await PackageHttpServer.start(files ?? readPackageFiles());
  const dir = mkdtempSync(join(tmpdir(), 'elical-download-'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { server, dest: join(dir, 'models', 'tiny') };
}

async function download(url: string, dest: string, options: DownloadOptions = STRICT): Promise<DownloadResult> {
  const remote = await fetchRemoteManifest(url, options);
  return downloadModelPackage(remote, dest, options);
}

async function assertDownloadError(promise: Promise<unknown>, code: ModelDownloadErrorCode, message: RegExp, file?: string): Promise<ModelDownloadError> {
  let caught: ModelDownloadError | undefined;
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ModelDownloadError, `expected a ModelDownloadError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    if (file !== undefined) assert.equal(error.file, file);
    caught = error;
    return true;
  });
  return caught as ModelDownloadError;
}

function assertSameAsSource(dest: string): void {
  for (const [path, bytes] of SOURCE) assert.ok(readFileSync(join(dest, path)).equals(bytes), `${path} differs from the source`);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

test('a full download equals the source byte for byte, loads, reports progress, and leaves no staging folder', async (t) => {
  const { server, dest } = await setUp(t);
  const progress: DownloadProgress[] = [];
  const result = await download(server.manifestUrl, dest, { ...STRICT, onProgress: (event) => progress.push(event) });
  assertSameAsSource(dest);
  assert.equal((await loadModelPackage(dest)).manifest.name, 'tiny-llama-fixture');
  assert.deepEqual([result.dir, result.fileCount, result.bytes, result.bytesReceived], [dest, 6, PACKAGE_BYTES, PACKAGE_BYTES]);
  assert.equal(existsSync(stagingFolder(dest)), false);

  const files = progress.filter((event) => event.phase === 'files');
  assert.deepEqual([...new Set(files.map((event) => event.file))], ['tokenizer.json', 'tokenizer_config.json', 'backbone.onnx', 'heads/elical-1000.safetensors', 'heads/eli-only-mlp.safetensors', 'MODEL_CARD.md']);
  assert.ok(files.every((event) => event.bytesTotal === PACKAGE_BYTES), 'HEAD gave every size, so the total is known from the start');
  for (let i = 1; i < files.length; i++) assert.ok(files[i].bytesDone >= files[i - 1].bytesDone, 'bytes done never go back in a clean run');
  assert.equal(files.at(-1)?.bytesDone, PACKAGE_BYTES);
  assert.equal(progress.at(-1)?.phase, 'verifying');
  // The manifest, one HEAD and one plain GET per file: nothing fetched twice.
  assert.equal(server.requests.filter((request) => request.method === 'GET').length, 7);
  assert.ok(server.requests.every((request) => request.range === undefined));
});

test('a connection cut mid-file fails that run; the next run resumes with a Range request', async (t) => {
  const { server, dest } = await setUp(t);
  server.cuts.set('backbone.onnx', 100_000);
  await assertDownloadError(download(server.manifestUrl, dest), 'connection-closed', /backbone\.onnx/, 'backbone.onnx');
  assert.equal(existsSync(dest), false, 'nothing at the destination');
  const part = join(stagingFolder(dest), `backbone.onnx${PARTIAL_SUFFIX}`);
  assert.equal(statSync(part).size, 100_000, 'the bytes that arrived are kept');
  assert.ok(existsSync(join(stagingFolder(dest), 'tokenizer.json')), 'files verified before the cut are kept');

  const before = server.totalBytesSent();
  const result = await download(server.manifestUrl, dest);
  assertSameAsSource(dest);
  const backboneGets = server.requestsFor('backbone.onnx');
  assert.deepEqual(backboneGets.map((request) => request.range), [undefined, 'bytes=100000-']);
  assert.equal(server.requestsFor('tokenizer.json').length, 1, 'a verified file is not fetched again');
  assert.equal(server.bytesSent.get('backbone.onnx'), BACKBONE.length, 'the backbone crossed the network exactly once in total');
  assert.ok(server.totalBytesSent() < 2 * PACKAGE_BYTES);
  const manifestBytes = (SOURCE.get('manifest.json') as Buffer).length;
  assert.equal(result.bytesReceived, server.totalBytesSent() - before - manifestBytes, 'the run received only what the server sent for files');
  assert.ok(result.bytesReceived < PACKAGE_BYTES);
});

test('with retries, one run survives a cut by resuming from where it stopped', async (t) => {
  const { server, dest } = await setUp(t);
  server.cuts.set('backbone.onnx', 150_000);
  // A cut that lands before the downloader reads the body (it opens the file first) is seen too.
  server.cuts.set('tokenizer.json', 1_000);
  await download(server.manifestUrl, dest, { ...STRICT, retries: 2 });
  assertSameAsSource(dest);
  assert.deepEqual(server.requestsFor('backbone.onnx').map((request) => request.range), [undefined, 'bytes=150000-']);
  assert.deepEqual(server.requestsFor('tokenizer.json').map((request) => request.range), [undefined, 'bytes=1000-']);
});

test('a server that answers a Range request with 200 still ends with the correct file', async (t) => {
  const { server, dest } = await setUp(t);
  server.cuts.set('backbone.onnx', 100_000);
  await assertDownloadError(download(server.manifestUrl, dest), 'connection-closed', /backbone\.onnx/);
  server.ignoreRange = true;
  const progress: DownloadProgress[] = [];
  await download(server.manifestUrl, dest, { ...STRICT, onProgress: (event) => progress.push(event) });
  assertSameAsSource(dest);
  assert.deepEqual(server.requestsFor('backbone.onnx').map((request) => request.range), [undefined, 'bytes=100000-']);
  assert.equal(server.bytesSent.get('backbone.onnx'), 100_000 + BACKBONE.length, 'the second answer was the whole file');
  const backbone = progress.filter((event) => event.file === 'backbone.onnx');
  assert.ok(backbone.some((event, i) => i > 0 && event.bytesDone < backbone[i - 1].bytesDone), 'progress went back when the part restarted from zero');
});

test('a 416 for a part that is already complete finishes the file without a new body', async (t) => {
  const { server, dest } = await setUp(t);
  const staging = stagingFolder(dest);
  // A run that wrote every byte of the backbone but stopped before renaming it.
  server.statuses.set('heads/elical-1000.safetensors', 503);
  await assertDownloadError(download(server.manifestUrl, dest), 'server-error', /HTTP 503/, 'heads/elical-1000.safetensors');
  const backbone = join(staging, 'backbone.onnx');
  const part = `${backbone}${PARTIAL_SUFFIX}`;
  writeFileSync(part, readFileSync(backbone));
  rmSync(backbone);
  server.statuses.clear();
  await download(server.manifestUrl, dest);
  assertSameAsSource(dest);
  assert.deepEqual(server.requestsFor('backbone.onnx').map((request) => request.range), [undefined, `bytes=${BACKBONE.length}-`]);
});

test('a part longer than the file (416 with another size) restarts from zero', async (t) => {
  const { server, dest } = await setUp(t);
  server.statuses.set('tokenizer.json', 503);
  await assertDownloadError(download(server.manifestUrl, dest), 'server-error', /tokenizer\.json/);
  server.statuses.clear();
  const part = join(stagingFolder(dest), `backbone.onnx${PARTIAL_SUFFIX}`);
  writeFileSync(part, Buffer.concat([BACKBONE, Buffer.from('trailing junk')]));
  await download(server.manifestUrl, dest);
  assertSameAsSource(dest);
  assert.deepEqual(server.requestsFor('backbone.onnx').map((request) => request.range), [`bytes=${BACKBONE.length + 13}-`, undefined]);
});

test('corrupted bytes fail the sha256 check naming the file and both hashes; the file is deleted, nothing at the destination', async (t) => {
  const files = readPackageFiles();
  const head = Buffer.from(files.get('heads/elical-1000.safetensors') as Buffer);
  head[head.length - 3] ^= 0xff;
  files.set('heads/elical-1000.safetensors', head);
  const { server, dest } = await setUp(t, files);
  const expected = sha256(SOURCE.get('heads/elical-1000.safetensors') as Buffer);
  await assertDownloadError(
    download(server.manifestUrl, dest),
    'sha256-mismatch',
    new RegExp(`^heads/elical-1000\\.safetensors: sha256 mismatch \\(expected ${expected}, got ${sha256(head)}\\); the downloaded file was deleted`),
    'heads/elical-1000.safetensors',
  );
  assert.equal(existsSync(dest), false);
  const staged = join(stagingFolder(dest), 'heads', 'elical-1000.safetensors');
  assert.equal(existsSync(staged), false);
  assert.equal(existsSync(`${staged}${PARTIAL_SUFFIX}`), false);
  assert.ok(existsSync(join(stagingFolder(dest), 'backbone.onnx')), 'the files that matched stay for the next run');
});

test('a 404 on a listed file fails naming it; nothing at the destination', async (t) => {
  const files = readPackageFiles();
  files.delete('tokenizer_config.json');
  const { server, dest } = await setUp(t, files);
  const error = await assertDownloadError(download(server.manifestUrl, dest), 'not-found', /^GET http:\/\/127\.0\.0\.1:\d+\/pkg\/tokenizer_config\.json: the server has no tokenizer_config\.json, which the manifest lists \(HTTP 404\)/, 'tokenizer_config.json');
  assert.equal(error.status, 404);
  assert.equal(existsSync(dest), false);
});

test('HTTP statuses and network failures get their own codes and messages', async (t) => {
  const { server, dest } = await setUp(t);
  server.statuses.set('manifest.json', 401);
  await assertDownloadError(download(server.manifestUrl, dest), 'unauthorized', /refused access to manifest\.json \(HTTP 401\)/);
  server.statuses.set('manifest.json', 403);
  await assertDownloadError(download(server.manifestUrl, dest), 'unauthorized', /HTTP 403/);
  server.statuses.set('manifest.json', 500);
  await assertDownloadError(download(server.manifestUrl, dest), 'server-error', /the server failed \(HTTP 500\)/);
  server.statuses.set('manifest.json', 418);
  await assertDownloadError(download(server.manifestUrl, dest), 'http-error', /unexpected HTTP 418 for manifest\.json/);
  server.statuses.clear();
  await assertDownloadError(download(`${server.origin}/elsewhere/manifest.json`, dest), 'not-found', /HTTP 404/, 'manifest.json');

  const spare = await PackageHttpServer.start();
  const closedPort = spare.origin;
  await spare.close();
  await assertDownloadError(download(`${closedPort}/pkg/manifest.json`, dest), 'unreachable', /cannot reach the server \(ECONNREFUSED\)/);
  await assertDownloadError(download(`https://${new URL(server.origin).host}/pkg/manifest.json`, dest), 'tls', /TLS connection failed/);
  await assertDownloadError(download('ftp://example.com/manifest.json', dest), 'invalid-url', /https:\/\/ or http:\/\//);
  await assertDownloadError(download('http://user:secret@127.0.0.1:1/manifest.json', dest), 'invalid-url', /user name or password/);
});

test('transient failures are retried with backoff, then succeed', async (t) => {
  const { server, dest } = await setUp(t);
  let refusals = 2;
  server.intercept = (request, response, path) => {
    if (path !== 'backbone.onnx' || request.method !== 'GET' || refusals === 0) return false;
    refusals -= 1;
    response.writeHead(503).end();
    return true;
  };
  await download(server.manifestUrl, dest, { ...STRICT, retries: 2 });
  assertSameAsSource(dest);
  assert.equal(server.requestsFor('backbone.onnx').length, 3);
});

test('redirects are followed for the manifest and the files; files resolve against the URL given', async (t) => {
  const { server, dest } = await setUp(t);
  server.intercept = (_request, response, path) => {
    if (path === '/models/tiny/manifest.json') {
      response.writeHead(302, { location: '/pkg/manifest.json' }).end();
      return true;
    }
    if (path.startsWith('/models/tiny/')) {
      response.writeHead(307, { location: `/pkg/${path.slice('/models/tiny/'.length)}` }).end();
      return true;
    }
    return false;
  };
  const remote = await fetchRemoteManifest(`${server.origin}/models/tiny/`, STRICT);
  assert.equal(remote.baseUrl.href, `${server.origin}/models/tiny/`);
  await downloadModelPackage(remote, dest, STRICT);
  assertSameAsSource(dest);
  assert.equal(server.requestsFor('/models/tiny/backbone.onnx').length, 1);
});

test('messages show URLs without their query: a signed redirect or a manifest token never reaches an error', async (t) => {
  const { server, dest } = await setUp(t);
  const origin = server.origin.replace(/\./g, '\\.');
  const assertNoSecret = (error: ModelDownloadError): void => assert.doesNotMatch(error.message, /secret123|X-Amz|token=/);
  // The host redirects a file to a signed CDN URL, as model hosts do.
  const redirects = new Map([
    ['tokenizer.json', 'http://[bad/cdn/tokenizer.json?X-Amz-Signature=secret123'],
    ['backbone.onnx', '/cdn/backbone.onnx?X-Amz-Credential=AKIA&X-Amz-Signature=secret123'],
  ]);
  server.intercept = (_request, response, path) => {
    const location = redirects.get(path);
    if (location !== undefined) response.writeHead(302, { location }).end();
    return location !== undefined;
  };
  assertNoSecret(await assertDownloadError(download(server.manifestUrl, dest), 'http-error', /redirects to an invalid URL \("http:\/\/\[bad\/cdn\/tokenizer\.json"\)/, 'tokenizer.json'));
  // The CDN has no such file.
  redirects.delete('tokenizer.json');
  assertNoSecret(await assertDownloadError(download(server.manifestUrl, dest), 'not-found', new RegExp(`^GET ${origin}/cdn/backbone\\.onnx: the server has no backbone\\.onnx`), 'backbone.onnx'));
  // The same signed URL going silent in the middle of the body.
  server.files.set('/cdn/backbone.onnx', BACKBONE);
  server.stalls.set('/cdn/backbone.onnx', 1_000);
  const quick: DownloadOptions = { timeoutMs: 300, retries: 0, retryBaseDelayMs: 1 };
  assertNoSecret(await assertDownloadError(download(server.manifestUrl, dest, quick), 'timeout', new RegExp(`^GET ${origin}/cdn/backbone\\.onnx: no data for 300 ms`), 'backbone.onnx'));

  // A manifest URL that carries its own token.
  server.intercept = null;
  const withToken = `${server.manifestUrl}?token=secret123`;
  const manifestAt = new RegExp(`^(GET )?${origin}/pkg/manifest\\.json(: | is )`);
  server.files.set('manifest.json', Buffer.from('<!DOCTYPE html>'));
  assertNoSecret(await assertDownloadError(download(withToken, dest), 'manifest-not-json', manifestAt));
  server.files.set('manifest.json', Buffer.from('{"format": "something-else"}'));
  assertNoSecret(await assertDownloadError(download(withToken, dest), 'manifest-invalid', manifestAt));
  server.statuses.set('manifest.json', 404);
  assertNoSecret(await assertDownloadError(download(withToken, dest), 'not-found', manifestAt));
  server.statuses.clear();
  server.intercept = (_request, _response, path) => path === 'manifest.json';
  assertNoSecret(await assertDownloadError(download(withToken, dest, quick), 'timeout', manifestAt));
});

test('a manifest that is not JSON says so and suggests the raw link', async (t) => {
  const { server, dest } = await setUp(t);
  server.files.set('manifest.json', Buffer.from('<!DOCTYPE html><html><body>model page</body></html>'));
  await assertDownloadError(download(server.manifestUrl, dest), 'manifest-not-json', /is not JSON \(it starts with "<!DOCTYPE html><html><body>model page<\/b"\); give the URL of the package's manifest\.json/, 'manifest.json');
  server.files.set('manifest.json', Buffer.from(JSON.stringify({ format: 'something-else' })));
  await assertDownloadError(download(server.manifestUrl, dest), 'manifest-invalid', /not a usable model package manifest: manifest\.json: format is "something-else"/);
  assert.equal(existsSync(stagingFolder(dest)), false, 'nothing is written before the manifest passed');
});

test('file names that leave the package or are reserved are rejected before anything is fetched', async (t) => {
  const { server, dest } = await setUp(t);
  const manifest = JSON.parse((SOURCE.get('manifest.json') as Buffer).toString('utf8')) as { files: Record<string, string>; heads: { file: string }[] };
  const hash = 'a'.repeat(64);
  const cases: [(edit: typeof manifest) => void, RegExp][] = [
    [(edit) => void (edit.files['../escape.txt'] = hash), /"\.\.\/escape\.txt" leaves the package folder/],
    [(edit) => void (edit.files['/etc/escape.txt'] = hash), /"\/etc\/escape\.txt" leaves the package folder/],
    [(edit) => void (edit.heads[0].file = 'heads/../../escape.safetensors'), /leaves the package folder/],
    [(edit) => void (edit.files['sub\\escape.txt'] = hash), /"sub\\\\escape\.txt", which contains a backslash/],
    [(edit) => void (edit.files['manifest.json'] = hash), /"manifest\.json", which would replace the manifest itself/],
    [(edit) => void (edit.files[`backbone.onnx${PARTIAL_SUFFIX}`] = hash), /ends with \.elical-part/],
  ];
  for (const [edit, message] of cases) {
    const copy = structuredClone(manifest);
    edit(copy);
    server.files.set('manifest.json', Buffer.from(JSON.stringify(copy)));
    await assertDownloadError(download(server.manifestUrl, dest), 'unsafe-path', message, 'manifest.json');
  }
  assert.deepEqual(new Set(server.requests.map((request) => request.path)), new Set(['manifest.json']), 'only the manifest was ever asked for');
  assert.equal(existsSync(join(dest, '..', 'escape.txt')), false);
  assert.equal(existsSync(stagingFolder(dest)), false);
});

test('abort mid-download keeps the partial file, leaves no destination, and a later run resumes', async (t) => {
  const { server, dest } = await setUp(t);
  // Slow the backbone down so the abort lands while it streams.
  server.stalls.set('backbone.onnx', 120_000);
  const controller = new AbortController();
  let backboneStart: number | null = null;
  const pending = download(server.manifestUrl, dest, {
    ...STRICT,
    signal: controller.signal,
    onProgress: (event) => {
      if (event.file !== 'backbone.onnx') return;
      backboneStart ??= event.bytesDone;
      if (event.bytesDone > backboneStart) controller.abort();
    },
  });
  await assertDownloadError(pending, 'aborted', /cancelled/);
  assert.equal(existsSync(dest), false);
  const part = join(stagingFolder(dest), `backbone.onnx${PARTIAL_SUFFIX}`);
  const kept = statSync(part).size;
  assert.ok(kept > 0 && kept <= 120_000, `kept ${kept} bytes`);

  server.stalls.clear();
  await download(server.manifestUrl, dest);
  assertSameAsSource(dest);
  assert.equal(server.requestsFor('backbone.onnx').at(-1)?.range, `bytes=${kept}-`);
});

/** What `elical download` does, in a process of its own: prints how the run ended, then must exit by itself. */
const DOWNLOAD_CHILD = `
const { fetchRemoteManifest } = require('./extension/node/download/fetchRemoteManifest');
const { downloadModelPackage } = require('./extension/node/download/downloadModelPackage');
const [url, dest] = process.argv.slice(1);
const options = { timeoutMs: 120000, retries: 0, retryBaseDelayMs: 1 };
fetchRemoteManifest(url, options)
  .then((remote) => downloadModelPackage(remote, dest, options))
  .then(() => console.log('downloaded'), (error) => console.log('failed ' + error.code + ' ' + error.message));
`;

test('a part file that cannot be opened fails the run and releases the response: the process exits on its own', async (t) => {
  const { server, dest } = await setUp(t);
  // A first run prepares the staging folder for this manifest and stops at the backbone.
  server.statuses.set('backbone.onnx', 503);
  await assertDownloadError(download(server.manifestUrl, dest), 'server-error', /HTTP 503/, 'backbone.onnx');
  server.statuses.clear();
  // A folder where the part goes: opening it fails (EISDIR) once the response is there.
  mkdirSync(join(stagingFolder(dest), `backbone.onnx${PARTIAL_SUFFIX}`));
  // The body then goes silent with the connection open, and the stall limit is two minutes away:
  // only a response released on the error lets the process end.
  server.stalls.set('backbone.onnx', 1_000);
  const started = Date.now();
  const run = await runNodeChild(DOWNLOAD_CHILD, [server.manifestUrl, dest], 15_000);
  assert.equal(run.hung, false, `the process did not exit after the error (output: ${run.stdout}${run.stderr})`);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^failed EISDIR /);
  assert.ok(Date.now() - started < 15_000);
  assert.equal(existsSync(dest), false);
  assert.equal(existsSync(stagingLockPath(stagingFolder(dest))), false, 'the lock was released');
});

test('an existing destination is refused before any file moves, and replaced with force', async (t) => {
  const { server, dest } = await setUp(t);
  mkdirSync(dest, { recursive: true });
  writeFileSync(join(dest, 'old.txt'), 'previous package');
  await assertDownloadError(download(server.manifestUrl, dest), 'destination-exists', /already exists; choose another folder, or allow replacing it/);
  assert.deepEqual(server.requests.map((request) => request.path), ['manifest.json']);
  assert.equal(readFileSync(join(dest, 'old.txt'), 'utf8'), 'previous package');

  await download(server.manifestUrl, dest, { ...STRICT, force: true });
  assertSameAsSource(dest);
  assert.equal(existsSync(join(dest, 'old.txt')), false);
  assert.equal(existsSync(stagingFolder(dest)), false);
});

test('a cancel while the package is checked leaves the old destination untouched; a rerun installs without fetching files again', async (t) => {
  const { server, dest } = await setUp(t);
  mkdirSync(dest, { recursive: true });
  writeFileSync(join(dest, 'old.txt'), 'previous package');
  const controller = new AbortController();
  const phases: DownloadProgress['phase'][] = [];
  const options: DownloadOptions = {
    ...STRICT,
    force: true,
    signal: controller.signal,
    onProgress: (event) => {
      phases.push(event.phase);
      if (event.phase === 'verifying') controller.abort();
    },
  };
  await assertDownloadError(download(server.manifestUrl, dest, options), 'aborted', /cancelled while the package was being checked/);
  assert.equal(phases.at(-1), 'verifying', 'every file had arrived');
  assert.deepEqual(readdirSync(dest), ['old.txt'], 'the old package is still in place');
  assert.ok(existsSync(join(stagingFolder(dest), 'backbone.onnx')), 'the checked files are kept');
  assert.equal(existsSync(stagingLockPath(stagingFolder(dest))), false);

  const before = server.requests.length;
  await download(server.manifestUrl, dest, { ...STRICT, force: true });
  assertSameAsSource(dest);
  assert.equal(existsSync(join(dest, 'old.txt')), false);
  assert.deepEqual(server.requests.slice(before).map((request) => request.path), ['manifest.json'], 'nothing but the manifest was fetched again');
});

test('with force, a package that fails its checks leaves the old destination untouched', async (t) => {
  const files = readPackageFiles();
  // Intact files (the manifest's hashes match), but a tokenizer that does not load.
  const broken = Buffer.from('{"not": "a tokenizer"}');
  files.set('tokenizer.json', broken);
  const manifest = JSON.parse((files.get('manifest.json') as Buffer).toString('utf8')) as { files: Record<string, string> };
  manifest.files['tokenizer.json'] = sha256(broken);
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
  const { server, dest } = await setUp(t, files);
  mkdirSync(dest, { recursive: true });
  writeFileSync(join(dest, 'old.txt'), 'previous package');
  await assertDownloadError(download(server.manifestUrl, dest, { ...STRICT, force: true }), 'package-invalid', /every file arrived intact, but the package is not usable: tokenizer\.json: /, 'tokenizer.json');
  assert.equal(readFileSync(join(dest, 'old.txt'), 'utf8'), 'previous package');
  assert.equal(existsSync(stagingFolder(dest)), false, 'a package that cannot work is not kept for a resume');
});

test('a changed manifest upstream empties the staging folder instead of resuming old bytes', async (t) => {
  const { server, dest } = await setUp(t);
  server.cuts.set('backbone.onnx', 100_000);
  await assertDownloadError(download(server.manifestUrl, dest), 'connection-closed', /backbone/);
  const manifest = JSON.parse((SOURCE.get('manifest.json') as Buffer).toString('utf8')) as { description: string };
  manifest.description = 'republished';
  server.files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
  await download(server.manifestUrl, dest);
  assert.deepEqual(server.requestsFor('backbone.onnx').map((request) => request.range), [undefined, undefined]);
  assert.equal(server.requestsFor('tokenizer.json').length, 2);
  assert.equal(JSON.parse(readFileSync(join(dest, 'manifest.json'), 'utf8')).description, 'republished');
});

test('a stalled server times out instead of hanging: before the headers and in the middle of a body', async (t) => {
  const { server, dest } = await setUp(t);
  const options: DownloadOptions = { timeoutMs: 300, retries: 0, retryBaseDelayMs: 1 };
  server.intercept = (_request, _response, path) => path === 'manifest.json';
  let started = Date.now();
  await assertDownloadError(download(server.manifestUrl, dest, options), 'timeout', /no response within 300 ms; the server stalled/, 'manifest.json');
  assert.ok(Date.now() - started < 3_000, 'gave up promptly');

  server.intercept = null;
  server.stalls.set('backbone.onnx', 50_000);
  started = Date.now();
  await assertDownloadError(download(server.manifestUrl, dest, options), 'timeout', /backbone\.onnx: no data for 300 ms; the server stalled/, 'backbone.onnx');
  assert.ok(Date.now() - started < 5_000, 'gave up promptly');
  assert.equal(existsSync(dest), false);
  assert.equal(statSync(join(stagingFolder(dest), `backbone.onnx${PARTIAL_SUFFIX}`)).size, 50_000);
});

test('a server that stalls on HEAD costs one timeout, not one per file; the total is then unknown', async (t) => {
  const { server, dest } = await setUp(t);
  server.intercept = (request) => request.method === 'HEAD';
  const progress: DownloadProgress[] = [];
  const started = Date.now();
  await download(server.manifestUrl, dest, { timeoutMs: 400, retries: 0, retryBaseDelayMs: 1, onProgress: (event) => progress.push(event) });
  assert.ok(Date.now() - started < 2_000, 'one stalled HEAD, then straight to the files');
  assertSameAsSource(dest);
  assert.equal(server.requests.filter((request) => request.method === 'HEAD').length, 1);
  const files = progress.filter((event) => event.phase === 'files');
  assert.ok(files.slice(0, -1).every((event) => event.bytesTotal === null), 'no total while sizes are unknown');
});

test('a 206 that starts elsewhere than asked restarts the file from zero', async (t) => {
  const { server, dest } = await setUp(t);
  server.cuts.set('backbone.onnx', 100_000);
  await assertDownloadError(download(server.manifestUrl, dest), 'connection-closed', /backbone/);
  let misplaced = true;
  server.intercept = (request, response, path) => {
    if (path !== 'backbone.onnx' || request.headers.range === undefined || !misplaced) return false;
    misplaced = false;
    const body = BACKBONE.subarray(10);
    response.writeHead(206, { 'content-range': `bytes 10-${BACKBONE.length - 1}/${BACKBONE.length}`, 'content-length': body.length }).end(body);
    return true;
  };
  await download(server.manifestUrl, dest);
  assertSameAsSource(dest);
  assert.deepEqual(server.requestsFor('backbone.onnx').map((request) => request.range), [undefined, 'bytes=100000-', undefined]);
});

test('a second download into the same folder is refused while the first runs, and may start once it ends', async (t) => {
  const { server, dest } = await setUp(t);
  server.stalls.set('backbone.onnx', 120_000);
  const controller = new AbortController();
  let second: Promise<unknown> | null = null;
  const first = download(server.manifestUrl, dest, {
    ...STRICT,
    signal: controller.signal,
    onProgress: (event) => {
      if (event.file === 'backbone.onnx' && event.bytesDone > 0) second ??= download(server.manifestUrl, dest);
    },
  });
  await new Promise<void>((done) => {
    const poll = setInterval(() => {
      if (second === null) return;
      clearInterval(poll);
      done();
    }, 5);
  });
  await assertDownloadError(second as unknown as Promise<unknown>, 'in-progress', new RegExp(`^process ${process.pid} on this computer \\(since .+\\) is already downloading into .+; wait for it to finish or cancel it`));
  assert.ok(existsSync(stagingLockPath(stagingFolder(dest))), 'the first download still holds its lock');
  controller.abort();
  await assertDownloadError(first, 'aborted', /cancelled/);
  assert.equal(existsSync(stagingLockPath(stagingFolder(dest))), false, 'the lock goes with the download that held it');

  server.stalls.clear();
  await download(server.manifestUrl, dest);
  assertSameAsSource(dest);
  assert.equal(existsSync(stagingLockPath(stagingFolder(dest))), false);
});

test("a lock left by a process that no longer runs is taken over; another computer's lock is respected", async (t) => {
  const { server, dest } = await setUp(t);
  const lock = stagingLockPath(stagingFolder(dest));
  mkdirSync(join(dest, '..'), { recursive: true });
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(lock, JSON.stringify({ pid: Number(gone.stdout), host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
  await download(server.manifestUrl, dest);
  assertSameAsSource(dest);
  assert.equal(existsSync(lock), false);

  const other = mkdtempSync(join(tmpdir(), 'elical-download-')) + '/tiny';
  t.after(() => rmSync(join(other, '..'), { recursive: true, force: true }));
  const held = JSON.stringify({ pid: process.pid, host: 'build-box-7', startedAt: '2026-01-01T00:00:00.000Z' });
  writeFileSync(stagingLockPath(stagingFolder(other)), held);
  const before = server.requests.length;
  await assertDownloadError(download(server.manifestUrl, other), 'in-progress', /^process \d+ on build-box-7 \(since 2026-01-01T00:00:00\.000Z\) is already downloading into .+ If no download is running, delete .+tiny\.partial\.lock and try again\.$/);
  assert.deepEqual(server.requests.slice(before).map((request) => request.path), ['manifest.json'], 'nothing but the manifest was fetched');
  assert.equal(existsSync(other), false);
  assert.equal(existsSync(stagingFolder(other)), false);
  assert.equal(readFileSync(stagingLockPath(stagingFolder(other)), 'utf8'), held, 'the other computer\'s lock is untouched');
});
