import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../extension/node/cli/main';
import type { CliIo } from '../../../../extension/node/cli/cliIo';
import { loadModelPackage } from '../../../../extension/node/modelPackage';
import { renderTritonConfig, tritonModelConfig } from '../../../../extension/node/remote/tritonModelConfig';
import { requirePython, runPython } from '../../../support/python';

const PACKAGE = join(__dirname, '..', '..', '..', 'fixtures', 'tiny-llama', 'package');
const SIGNATURE_SCRIPT = join(__dirname, '..', '..', '..', 'fixtures', 'remote', 'onnx_graph_signature.py');

function memoryIo(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', signal: new AbortController().signal, stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

interface ParsedTensor {
  name: string;
  data_type: string;
  dims: number[];
}

/** A reader for the subset of protobuf text format the file uses, written for this test. */
function parseConfig(text: string): { scalars: Record<string, string>; input: ParsedTensor[]; output: ParsedTensor[]; dynamicDelay: number | null } {
  const body = text.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
  const scalars: Record<string, string> = {};
  for (const match of body.matchAll(/^(name|platform|max_batch_size): (.+)$/gm)) scalars[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
  const block = (key: string): ParsedTensor[] => {
    const section = new RegExp(`^${key} \\[\\n([\\s\\S]*?)\\n\\]`, 'm').exec(body);
    assert.ok(section, `${key} block`);
    return [...section[1].matchAll(/\{\s*name: "([^"]+)"\s*data_type: (\w+)\s*dims: \[([^\]]*)\]\s*\}/g)].map((m) => ({ name: m[1], data_type: m[2], dims: m[3].split(',').map((dim) => Number(dim.trim())) }));
  };
  const delay = /dynamic_batching \{\s*max_queue_delay_microseconds: (\d+)\s*\}/.exec(body);
  return { scalars, input: block('input'), output: block('output'), dynamicDelay: delay ? Number(delay[1]) : null };
}

const TRITON_TYPE: Record<string, string> = { INT64: 'TYPE_INT64', FLOAT: 'TYPE_FP32', FLOAT16: 'TYPE_FP16' };

test('triton-repo writes config.pbtxt whose inputs and outputs are exactly the ONNX graph\'s (read with Python onnx), and the model byte for byte', async (t) => {
  if (!requirePython(t, ['onnx'])) return;
  const repo = mkdtempSync(join(tmpdir(), 'elical-triton-'));
  try {
    const io = memoryIo();
    const code = await main(['triton-repo', '--model', PACKAGE, '--out', repo, '--max-batch', '8', '--max-delay-us', '500'], io);
    {
      assert.equal(code, 0, io.err);
      const result = JSON.parse(io.out);
      assert.equal(result.model_dir, join(repo, 'tiny-llama-fixture'));
      assert.deepEqual(readdirSync(repo), ['tiny-llama-fixture'], 'no staging folder left behind');
      const modelBytes = readFileSync(result.model);
      const manifest = JSON.parse(readFileSync(join(PACKAGE, 'manifest.json'), 'utf8'));
      assert.equal(createHash('sha256').update(modelBytes).digest('hex'), manifest.backbone.sha256);
      const config = parseConfig(readFileSync(result.config, 'utf8'));
      assert.deepEqual(config.scalars, { name: 'tiny-llama-fixture', platform: 'onnxruntime_onnx', max_batch_size: '8' });
      assert.equal(config.dynamicDelay, 500);
      const graph = JSON.parse(runPython([SIGNATURE_SCRIPT, result.model])) as { inputs: { name: string; elem_type: string; dims: number[] }[]; outputs: { name: string; elem_type: string; dims: number[] }[] };
      // Triton's dims leave out the batch dimension (max_batch_size > 0): the graph's dims minus the first.
      const expectFrom = (values: typeof graph.inputs): ParsedTensor[] => values.map((value) => ({ name: value.name, data_type: TRITON_TYPE[value.elem_type], dims: value.dims.slice(1) })).sort((a, b) => a.name.localeCompare(b.name));
      const sorted = (values: ParsedTensor[]): ParsedTensor[] => [...values].sort((a, b) => a.name.localeCompare(b.name));
      assert.equal(graph.inputs.length, 3 + 2 * manifest.architecture.numLayers);
      assert.deepEqual(sorted(config.input), expectFrom(graph.inputs));
      assert.deepEqual(sorted(config.output), expectFrom(graph.outputs));
      for (const value of [...graph.inputs, ...graph.outputs]) assert.equal(value.dims[0], -1, `${value.name}: the graph's first dimension is the batch`);

      const again = memoryIo();
      assert.equal(await main(['triton-repo', '--model', PACKAGE, '--out', repo], again), 2);
      assert.match(again.err, /already exists; remove it or choose another --out/);
    }
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});

test('tritonModelConfig: float16 types, refuses shared-base LoRA and bad limits', async () => {
  const { manifest } = await loadModelPackage(PACKAGE);
  const half = tritonModelConfig({ ...manifest, backbone: { ...manifest.backbone, dtype: 'float16' } }, 4, 0);
  assert.equal(half.outputs[0].dataType, 'TYPE_FP16');
  assert.deepEqual(half.inputs[3], { name: 'past_key_values.0.key', dataType: 'TYPE_FP16', dims: [2, -1, 16] });
  assert.equal(half.inputs[0].dataType, 'TYPE_INT64');
  assert.match(renderTritonConfig(half, 'a\nb'), /^# a\n# b\nname: "tiny-llama-fixture"\nplatform: "onnxruntime_onnx"\nmax_batch_size: 4\n/);
  assert.throws(() => tritonModelConfig({ ...manifest, lora: { rank: 8, targets: ['q_proj'], checkpoints: [] } }, 4, 0), /unbatched graph inputs.*merged/);
  assert.throws(() => tritonModelConfig(manifest, 0, 0), /max batch size must be an integer >= 1/);
  assert.throws(() => tritonModelConfig(manifest, 4, -1), /max queue delay must be an integer >= 0/);
  const io = memoryIo();
  assert.equal(await main(['triton-repo', '--model', PACKAGE], io), 2);
  assert.match(io.err, /--model DIR and --out REPO are required/);
  assert.ok(!existsSync(join(PACKAGE, 'tiny-llama-fixture')));
});
