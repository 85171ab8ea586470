import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../extension/node/cli/main';
import type { CliIo } from '../../../../extension/node/cli/cliIo';
import { PackageHttpServer, readPackageFiles } from '../../../support/packageHttpServer';

function memoryIo(signal: AbortSignal = new AbortController().signal): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', signal, stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

/** Bytes the package's files hold, counted here from the fixture: the files the manifest lists, not the manifest itself. */
const PACKAGE_BYTES = [...readPackageFiles()].filter(([path]) => path !== 'manifest.json').reduce((sum, [, bytes]) => sum + bytes.length, 0);

async function setUp(t: { after(fn: () => unknown): void }): Promise<{ server: PackageHttpServer; dir: string }> {
  const server = await PackageHttpServer.start();
  const dir = mkdtempSync(join(tmpdir(), 'elical-download-cli-'));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { server, dir };
}

test('download writes the package, prints one JSON line on stdout and progress on stderr', async (t) => {
  const { server, dir } = await setUp(t);
  const out = join(dir, 'tiny');
  const io = memoryIo();
  assert.equal(await main(['download', server.manifestUrl, '--out', out], io), 0, io.err);
  const result = JSON.parse(io.out.trim()) as Record<string, unknown>;
  // A fresh download receives every byte of the package once: both counts equal the fixture's size.
  assert.deepEqual(result, { dir: out, name: 'tiny-llama-fixture', files: 6, bytes: PACKAGE_BYTES, bytes_received: PACKAGE_BYTES });
  assert.match(io.err, /^download: tiny-llama-fixture, 6 files, from http:\/\/127\.0\.0\.1:\d+\/pkg\//);
  assert.match(io.err, /download: backbone\.onnx \(3\/6\): .* of .* \(\d+%\)/);
  assert.match(io.err, /download: MODEL_CARD\.md \(6\/6\): .* \(100%\)/);
  assert.match(io.err, /download: checking the package/);
  for (const [path, bytes] of readPackageFiles()) assert.ok(readFileSync(join(out, path)).equals(bytes), path);
});

test('download failures: exit 1 with the reason and the resume hint; usage problems exit 2', async (t) => {
  const { server, dir } = await setUp(t);
  const out = join(dir, 'tiny');
  server.cuts.set('backbone.onnx', 50_000);
  const cut = memoryIo();
  assert.equal(await main(['download', server.manifestUrl, '--out', out, '--retries', '0'], cut), 1);
  assert.match(cut.err, /elical: download: GET .*backbone\.onnx: the connection closed .*; the files so far stay in .*tiny\.partial: run the same command again to resume/);
  assert.equal(cut.out, '');
  assert.equal(existsSync(out), false);

  mkdirSync(out);
  const exists = memoryIo();
  assert.equal(await main(['download', server.manifestUrl, '--out', out], exists), 2);
  assert.match(exists.err, /already exists; choose another folder, or allow replacing it \(elical download --force\)/);
  const forced = memoryIo();
  assert.equal(await main(['download', server.manifestUrl, '--out', out, '--force'], forced), 0, forced.err);
  assert.ok(existsSync(join(out, 'manifest.json')));

  const cases: [string[], RegExp][] = [
    [['download', '--out', out], /give one URL and --out DIR/],
    [['download', server.manifestUrl], /give one URL and --out DIR/],
    [['download', 'not a url', '--out', out], /"not a url" is not a URL/],
    [['download', server.manifestUrl, '--out', out, '--retries=-1'], /--retries must be an integer >= 0/],
  ];
  for (const [args, message] of cases) {
    const io = memoryIo();
    assert.equal(await main(args, io), 2, args.join(' '));
    assert.match(io.err, message);
  }
  const help = memoryIo();
  assert.equal(await main(['download', '--help'], help), 0);
  assert.match(help.out, /^usage: elical download URL --out DIR/);
});
