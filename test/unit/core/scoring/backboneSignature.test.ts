import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBackboneSignature, type GraphValue } from '../../../../extension/core/scoring/backboneSignature';
import type { BackboneEntry, ModelArchitecture } from '../../../../extension/core/scoring/modelManifest';

const architecture: ModelArchitecture = { family: 'llama', hiddenSize: 8, numLayers: 1, numAttentionHeads: 2, numKeyValueHeads: 1, headDim: 4, vocabSize: 10, maxPositionEmbeddings: 16 };
const backbone: BackboneEntry = {
  file: 'backbone.onnx',
  sha256: '0'.repeat(64),
  dtype: 'float32',
  inputs: { inputIds: 'input_ids', attentionMask: 'attention_mask', positionIds: 'position_ids', pastKey: 'past.{layer}.k', pastValue: 'past.{layer}.v' },
  outputs: { hiddenStates: 'hidden', logits: 'logits', presentKey: 'present.{layer}.k', presentValue: 'present.{layer}.v' },
};
const graph = (): { inputs: GraphValue[]; outputs: GraphValue[] } => ({
  inputs: [
    { name: 'input_ids', type: 'int64', shape: ['b', 's'] },
    { name: 'attention_mask', type: 'int64', shape: ['b', 't'] },
    { name: 'position_ids', type: 'int64', shape: ['b', 's'] },
    { name: 'past.0.k', type: 'float32', shape: ['b', 1, 'p', 4] },
    { name: 'past.0.v', type: 'float32', shape: ['b', 1, 'p', 4] },
  ],
  outputs: [
    { name: 'hidden', type: 'float32', shape: ['b', 's', 8] },
    { name: 'logits', type: 'float32', shape: ['b', 's', 10] },
    { name: 'present.0.k', type: 'float32', shape: ['b', 1, 't', 4] },
    { name: 'present.0.v', type: 'float32', shape: ['b', 1, 't', 4] },
  ],
});

test('a matching graph passes; symbolic dimensions match anything', () => {
  checkBackboneSignature(graph(), architecture, backbone);
});

test('each mismatch names the graph value', () => {
  const cases: [(g: ReturnType<typeof graph>) => void, RegExp][] = [
    [(g) => g.outputs.splice(1, 1), /graph output logits is missing/],
    [(g) => (g.inputs[0].type = 'int32'), /graph input input_ids has element type int32, expected int64/],
    [(g) => (g.inputs[3].shape = ['b', 1, 4]), /graph input past\.0\.k has rank 3 \[b, 1, 4\], expected rank 4/],
    [(g) => (g.outputs[0].shape = ['b', 's', 16]), /graph output hidden has shape \[b, s, 16\], expected \[batch, seq, hiddenSize\] = \[\?, \?, 8\]/],
    [(g) => g.inputs.push({ name: 'lora.0.q_proj.A', type: 'float32', shape: [8, 8] }), /graph input lora\.0\.q_proj\.A is not described by the manifest \(LoRA inputs need a "lora" block\)/],
  ];
  for (const [edit, message] of cases) {
    const g = graph();
    edit(g);
    assert.throws(() => checkBackboneSignature(g, architecture, backbone), message);
  }
  const withLora = graph();
  withLora.inputs.push({ name: 'lora.0.q_proj.A', type: 'float32', shape: [8, 8] });
  checkBackboneSignature(withLora, architecture, backbone, true);
});
