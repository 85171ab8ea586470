import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModelManifest } from '../../../../extension/core/scoring/modelManifest';
import { ModelPackageError } from '../../../../extension/core/scoring/modelPackageError';

const FIXTURE_MANIFEST = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package', 'manifest.json');
const fixture = (): Record<string, unknown> => JSON.parse(readFileSync(FIXTURE_MANIFEST, 'utf8')) as Record<string, unknown>;

function rejects(edit: (manifest: Record<string, any>) => void, code: string, message: RegExp): void { // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form edits of a JSON document
  const manifest = fixture();
  edit(manifest);
  assert.throws(() => parseModelManifest(manifest), (error: unknown) => {
    assert.ok(error instanceof ModelPackageError);
    assert.equal(error.code, code);
    assert.equal(error.file, 'manifest.json');
    assert.match(error.message, message);
    return true;
  });
}

test('the fixture manifest parses into typed fields', () => {
  const manifest = parseModelManifest(fixture());
  assert.equal(manifest.architecture.hiddenSize, 64);
  assert.equal(manifest.backbone.inputs.pastKey, 'past_key_values.{layer}.key');
  assert.deepEqual(manifest.heads.map((head) => [head.id, head.kind, head.budget, head.loraCheckpoint]), [['elical-1000', 'linear', 1000, null], ['eli-only-mlp', 'mlp', null, null]]);
  assert.equal(manifest.prompt.maxPromptTokens, 200);
  assert.equal(manifest.files['tokenizer.json'].length, 64);
  assert.equal(manifest.lora, null);
});

test('each invalid field is named', () => {
  rejects((m) => (m.format = 'other'), 'format-unsupported', /not an EliCal model package/);
  rejects((m) => delete m.formatVersion, 'format-unsupported', /formatVersion undefined is not supported; .*reads format version\(s\) 1/);
  rejects((m) => (m.architecture.hiddenSize = 0), 'manifest-invalid', /architecture\.hiddenSize must be an integer >= 1, got 0/);
  rejects((m) => (m.architecture.numKeyValueHeads = 3), 'manifest-invalid', /numAttentionHeads .* must be a multiple of numKeyValueHeads \(3\)/);
  rejects((m) => (m.backbone.sha256 = 'ABC'), 'manifest-invalid', /backbone\.sha256 must be 64 lower-case hex digits/);
  rejects((m) => (m.backbone.dtype = 'int8'), 'manifest-invalid', /backbone\.dtype must be one of "float32", "float16"/);
  rejects((m) => (m.backbone.inputs.pastKey = 'past.key'), 'manifest-invalid', /backbone\.inputs\.pastKey must contain \{layer\}/);
  rejects((m) => (m.backbone.file = '/etc/passwd'), 'path-outside-package', /backbone\.file = "\/etc\/passwd" leaves the package folder/);
  rejects((m) => (m.heads[1].id = 'elical-1000'), 'manifest-invalid', /use the id "elical-1000" twice/);
  rejects((m) => (m.heads[0].budget = 0), 'manifest-invalid', /heads\[0\]\.budget must be a positive integer or null/);
  rejects((m) => (m.heads[0].family = 'greedy'), 'manifest-invalid', /heads\[0\]\.family must be one of "eli-only", "cal-only", "elical"/);
  rejects((m) => (m.defaultHead = 'missing'), 'manifest-invalid', /defaultHead names "missing", which is not a head id/);
  rejects((m) => (m.generation.eosTokenIds = [320]), 'manifest-invalid', /eosTokenIds holds 320, outside the vocabulary \(architecture\.vocabSize = 320\)/);
  rejects((m) => (m.prompt.wrapper = 'no placeholder'), 'manifest-invalid', /prompt is unusable: .*exactly once, found 0/);
  rejects((m) => (m.heads[0].loraCheckpoint = 'a'), 'manifest-invalid', /loraCheckpoint names "a", which is not in lora\.checkpoints/);
  rejects((m) => (m.lora = { rank: 8, targets: ['q_proj'], checkpoints: [{ id: 'a', file: 'lora/a.safetensors', sha256: '0'.repeat(64) }] }), 'manifest-invalid', /loraCheckpoint is required when the package keeps LoRA as graph inputs/);
});
