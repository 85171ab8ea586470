import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModelManifest } from '../../../../extension/core/scoring/modelManifest';
import { packageFiles } from '../../../../extension/core/scoring/packageFiles';

const FIXTURE_MANIFEST = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package', 'manifest.json');
const fixture = (): Record<string, unknown> => JSON.parse(readFileSync(FIXTURE_MANIFEST, 'utf8')) as Record<string, unknown>;

test('the fixture lists its six files in loader order, each with the hash the loader checks', () => {
  const raw = fixture() as { files: Record<string, string>; backbone: { sha256: string } };
  const files = packageFiles(parseModelManifest(raw));
  assert.deepEqual(
    files.map((file) => file.path),
    ['tokenizer.json', 'tokenizer_config.json', 'backbone.onnx', 'heads/elical-1000.safetensors', 'heads/eli-only-mlp.safetensors', 'MODEL_CARD.md'],
  );
  for (const file of files) assert.equal(file.sha256, raw.files[file.path], file.path);
});

test('block hashes win over the inventory; files only the inventory names are included; no inventory leaves tokenizers unhashed', () => {
  const raw = fixture() as { files: Record<string, string>; backbone: { sha256: string }; lora: unknown; heads: { loraCheckpoint?: string }[] };
  raw.files['backbone.onnx'] = 'b'.repeat(64);
  raw.files['backbone.onnx.data'] = 'c'.repeat(64);
  raw.lora = { rank: 4, targets: ['q_proj'], checkpoints: [{ id: 'a', file: 'lora/a.safetensors', sha256: 'd'.repeat(64) }] };
  for (const head of raw.heads) head.loraCheckpoint = 'a';
  const files = packageFiles(parseModelManifest(raw));
  const byPath = new Map(files.map((file) => [file.path, file.sha256]));
  assert.equal(byPath.get('backbone.onnx'), raw.backbone.sha256);
  assert.equal(byPath.get('backbone.onnx.data'), 'c'.repeat(64));
  assert.equal(byPath.get('lora/a.safetensors'), 'd'.repeat(64));
  assert.equal(files.length, 8);

  const bare = fixture();
  delete bare.files;
  const unhashed = packageFiles(parseModelManifest(bare));
  assert.deepEqual(unhashed.slice(0, 2), [{ path: 'tokenizer.json', sha256: null }, { path: 'tokenizer_config.json', sha256: null }]);
  assert.equal(unhashed.length, 5, 'the model card is not known without the inventory');
});
