// The demo model's training script in its --smoke mode (a tiny model, a few steps), so CI keeps
// it working: the output folder must be a loadable Hugging Face Llama checkpoint whose tensors
// match config.json, whose tokenizer covers every demo question, and training must be
// reproducible bit for bit under its seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePython, runPython } from '../../support/python.js';

const SCRIPT = 'tools/train_demo_model.py';

interface TensorEntry { dtype: string; shape: number[]; data_offsets: [number, number] }

/** Header of a safetensors file, read independently of the Python writer. */
function readSafetensorsHeader(path: string): { header: Record<string, TensorEntry>; bytes: Buffer } {
  const bytes = readFileSync(path);
  const length = Number(bytes.readBigUInt64LE(0));
  const parsed: unknown = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8'));
  assert.ok(parsed !== null && typeof parsed === 'object');
  const header: Record<string, TensorEntry> = {};
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const entry = value as TensorEntry;
    assert.ok(Array.isArray(entry.shape) && typeof entry.dtype === 'string', `tensor ${name} has a malformed entry`);
    header[name] = entry;
  }
  return { header, bytes };
}

function readJson(path: string): Record<string, unknown> {
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${path} is not a JSON object`);
  return value as Record<string, unknown>;
}

test('train_demo_model.py --smoke writes a loadable, deterministic HF Llama checkpoint', { timeout: 60_000 }, (t) => {
  if (!requirePython(t, ['torch', 'numpy'])) return;
  const dir = mkdtempSync(join(tmpdir(), 'demo-smoke-'));
  try {
    const first = join(dir, 'a');
    const second = join(dir, 'b');
    runPython([SCRIPT, '--smoke', '--out', first], { timeoutMs: 50_000 });

    const config = readJson(join(first, 'config.json'));
    assert.equal(config.model_type, 'llama');
    const hidden = config.hidden_size as number;
    const layers = config.num_hidden_layers as number;
    const heads = config.num_attention_heads as number;
    const kvHeads = config.num_key_value_heads as number;
    const inner = config.intermediate_size as number;
    const vocabSize = config.vocab_size as number;
    const headDim = hidden / heads;
    assert.deepEqual([hidden, layers, heads, kvHeads, inner], [32, 1, 2, 1, 64], 'smoke sizes');

    const tokenizer = readJson(join(first, 'tokenizer.json'));
    const vocab = (tokenizer.model as { vocab: Record<string, number> }).vocab;
    assert.equal(Object.keys(vocab).length, vocabSize, 'config vocab_size equals the tokenizer vocabulary');

    // Expected tensors from the Llama layout and config.json alone (lm_head tied to embeddings).
    const expected: Record<string, number[]> = {
      'model.embed_tokens.weight': [vocabSize, hidden],
      'model.norm.weight': [hidden],
    };
    for (let l = 0; l < layers; l++) {
      const p = `model.layers.${l}.`;
      expected[`${p}self_attn.q_proj.weight`] = [heads * headDim, hidden];
      expected[`${p}self_attn.k_proj.weight`] = [kvHeads * headDim, hidden];
      expected[`${p}self_attn.v_proj.weight`] = [kvHeads * headDim, hidden];
      expected[`${p}self_attn.o_proj.weight`] = [hidden, heads * headDim];
      expected[`${p}mlp.gate_proj.weight`] = [inner, hidden];
      expected[`${p}mlp.up_proj.weight`] = [inner, hidden];
      expected[`${p}mlp.down_proj.weight`] = [hidden, inner];
      expected[`${p}input_layernorm.weight`] = [hidden];
      expected[`${p}post_attention_layernorm.weight`] = [hidden];
    }
    const { header, bytes } = readSafetensorsHeader(join(first, 'model.safetensors'));
    assert.deepEqual(Object.keys(header).sort(), Object.keys(expected).sort());
    for (const [name, shape] of Object.entries(expected)) {
      assert.deepEqual(header[name].shape, shape, name);
      assert.equal(header[name].dtype, 'F32', name);
    }
    const report = readJson(join(first, 'train_report.json'));
    const counted = Object.values(expected).reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(report.parameters, counted, 'reported parameter count equals the tensors saved');
    assert.ok(Number.isFinite(report.finalLoss as number), 'loss is finite');

    const tokenizerConfig = readJson(join(first, 'tokenizer_config.json'));
    assert.match(String(tokenizerConfig.chat_template), /add_generation_prompt/);
    const generation = readJson(join(first, 'generation_config.json'));
    assert.equal(generation.eos_token_id, vocab['</s>']);
    assert.equal(generation.pad_token_id, vocab['<pad>']);

    // Every word of every demo question must be in the vocabulary: an <unk> would hide the subject.
    for (const split of ['train', 'test_in', 'test_ood']) {
      const lines = readFileSync(join('tools/demo/questions', `${split}.jsonl`), 'utf8').split('\n').filter((line) => line.trim());
      for (const line of lines) {
        const { question } = JSON.parse(line) as { question: string };
        for (const word of question.match(/\w+|[^\w\s]+/g) ?? []) assert.ok(word in vocab, `${split}: "${word}" of "${question}" is not in the vocabulary`);
      }
    }

    runPython([SCRIPT, '--smoke', '--out', second], { timeoutMs: 50_000 });
    assert.ok(readFileSync(join(second, 'model.safetensors')).equals(bytes), 'same seed, same weights');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
