import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readConfiguredDefaultHead, readConfiguredManifest, resolveModelDir } from '../../../extension/node/modelLocation';

const ROOT = resolve(__dirname, '..', '..', '..');
const TINY = join(ROOT, 'test', 'fixtures', 'tiny-llama', 'package');

function extensionWith(packages: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'elical-location-'));
  for (const name of packages) {
    mkdirSync(join(dir, 'models', name), { recursive: true });
    writeFileSync(join(dir, 'models', name, 'manifest.json'), '{}');
  }
  mkdirSync(join(dir, 'models', 'not-a-package'), { recursive: true });
  return dir;
}

test('resolveModelDir: the setting when absolute, else the bundled demo model, the only bundled package, or a clear error', (t) => {
  const dirs: string[] = [];
  t.after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  assert.equal(resolveModelDir('/opt/models/mine', '/ext'), '/opt/models/mine');
  assert.throws(() => resolveModelDir('models/mine', '/ext'), /elical\.modelPath must be an absolute folder path, got "models\/mine"/);
  const both = extensionWith(['aaa', 'demo-facts']);
  const one = extensionWith(['other']);
  const none = extensionWith([]);
  const two = extensionWith(['a', 'b']);
  dirs.push(both, one, none, two);
  assert.equal(resolveModelDir('', both), join(both, 'models', 'demo-facts'));
  assert.equal(resolveModelDir('', one), join(one, 'models', 'other'));
  assert.throws(() => resolveModelDir('', none), /No model package: .*Select Model Package/);
  assert.throws(() => resolveModelDir('', two), /several model packages \(a, b\)/);
});

test('readConfiguredDefaultHead: the manifest\'s default head without opening the model; null when it cannot be read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-location-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The bundled package of this repository (the extension root is the repository root).
  assert.equal(await readConfiguredDefaultHead('', ROOT), 'elical-1000-mlp');
  const tiny = (JSON.parse(readFileSync(join(TINY, 'manifest.json'), 'utf8')) as { defaultHead: string | null }).defaultHead;
  assert.equal(await readConfiguredDefaultHead(TINY, ROOT), tiny);
  assert.equal(await readConfiguredDefaultHead(join(dir, 'missing'), ROOT), null);
  writeFileSync(join(dir, 'manifest.json'), '{"formatVersion": 1, "name": "broken"');
  assert.equal(await readConfiguredDefaultHead(dir, ROOT), null);
  assert.equal(await readConfiguredDefaultHead('relative/path', ROOT), null);
});

test('readConfiguredManifest: what the chat model picker lists, read from manifest.json alone; null when it cannot be read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-location-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bundled = JSON.parse(readFileSync(join(ROOT, 'models', 'demo-facts', 'manifest.json'), 'utf8')) as { name: string; generation: { maxNewTokens: number } };
  const manifest = await readConfiguredManifest('', ROOT);
  assert.equal(manifest?.name, bundled.name);
  assert.equal(manifest?.generation.maxNewTokens, bundled.generation.maxNewTokens);
  assert.equal((await readConfiguredManifest(TINY, ROOT))?.name, 'tiny-llama-fixture');
  assert.equal(await readConfiguredManifest(join(dir, 'missing'), ROOT), null);
  writeFileSync(join(dir, 'manifest.json'), '{"formatVersion": 1, "name": "broken"}');
  assert.equal(await readConfiguredManifest(dir, ROOT), null, 'an incomplete manifest is not listed');
});
