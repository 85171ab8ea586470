/**
 * Checks an ONNX backbone's declared inputs and outputs (names, element types, ranks and the
 * fixed dimensions) against its manifest, so a graph from another exporter or another model
 * fails when the package opens, with the offending name, instead of as a shape error mid-run.
 */
import type { BackboneEntry, ModelArchitecture } from './modelManifest';
import { ModelPackageError } from './modelPackageError';

/** One graph input or output as the runtime describes it; symbolic dimensions are strings. */
export interface GraphValue {
  name: string;
  type: string;
  shape: readonly (number | string)[];
}

interface Expectation {
  name: string;
  type: string;
  /** null = any size (batch, sequence, cache length). */
  dims: (number | null)[];
  meaning: string;
}

function describeDims(dims: readonly (number | string | null)[]): string {
  return `[${dims.map((dim) => (dim === null ? '?' : String(dim))).join(', ')}]`;
}

/**
 * Errors: ModelPackageError 'onnx-signature-mismatch' (file = the backbone file) for a missing
 * input/output, a wrong element type, a wrong rank, a fixed dimension that differs, or a graph
 * input the manifest does not explain (the runner could not feed it). Shared-base LoRA inputs
 * (`lora.*`) are allowed when `allowLoraInputs` is set.
 */
export function checkBackboneSignature(
  graph: { inputs: readonly GraphValue[]; outputs: readonly GraphValue[] },
  architecture: ModelArchitecture,
  backbone: BackboneEntry,
  allowLoraInputs = false,
): void {
  const { hiddenSize, vocabSize, numLayers, numKeyValueHeads, headDim } = architecture;
  const perLayer = (template: string, layer: number): string => template.split('{layer}').join(String(layer));
  const inputs: Expectation[] = [
    { name: backbone.inputs.inputIds, type: 'int64', dims: [null, null], meaning: '[batch, seq]' },
    { name: backbone.inputs.attentionMask, type: 'int64', dims: [null, null], meaning: '[batch, past + seq]' },
    { name: backbone.inputs.positionIds, type: 'int64', dims: [null, null], meaning: '[batch, seq]' },
  ];
  const outputs: Expectation[] = [
    { name: backbone.outputs.hiddenStates, type: backbone.dtype, dims: [null, null, hiddenSize], meaning: '[batch, seq, hiddenSize]' },
    { name: backbone.outputs.logits, type: backbone.dtype, dims: [null, null, vocabSize], meaning: '[batch, seq, vocabSize]' },
  ];
  const cache = (name: string, meaning: string): Expectation => ({ name, type: backbone.dtype, dims: [null, numKeyValueHeads, null, headDim], meaning });
  for (let layer = 0; layer < numLayers; layer++) {
    inputs.push(cache(perLayer(backbone.inputs.pastKey, layer), '[batch, kvHeads, past, headDim]'), cache(perLayer(backbone.inputs.pastValue, layer), '[batch, kvHeads, past, headDim]'));
    outputs.push(cache(perLayer(backbone.outputs.presentKey, layer), '[batch, kvHeads, past + seq, headDim]'), cache(perLayer(backbone.outputs.presentValue, layer), '[batch, kvHeads, past + seq, headDim]'));
  }
  function mismatch(problem: string): never {
    throw new ModelPackageError('onnx-signature-mismatch', backbone.file, `${problem}. The graph does not match manifest.json (architecture/backbone); re-export the package with tools/export_onnx.py`);
  }
  const check = (side: 'input' | 'output', declared: readonly GraphValue[], expected: Expectation[]): void => {
    const byName = new Map(declared.map((value) => [value.name, value]));
    for (const want of expected) {
      const got = byName.get(want.name);
      if (!got) mismatch(`graph ${side} ${want.name} is missing (the graph's ${side}s are ${declared.map((value) => value.name).join(', ')})`);
      if (got.type !== want.type) mismatch(`graph ${side} ${want.name} has element type ${got.type}, expected ${want.type}`);
      if (got.shape.length !== want.dims.length) mismatch(`graph ${side} ${want.name} has rank ${got.shape.length} ${describeDims(got.shape)}, expected rank ${want.dims.length} ${want.meaning}`);
      want.dims.forEach((dim, axis) => {
        const actual = got.shape[axis];
        if (dim !== null && typeof actual === 'number' && actual !== dim) {
          mismatch(`graph ${side} ${want.name} has shape ${describeDims(got.shape)}, expected ${want.meaning} = ${describeDims(want.dims)}`);
        }
      });
    }
  };
  check('input', graph.inputs, inputs);
  check('output', graph.outputs, outputs);
  const known = new Set(inputs.map((value) => value.name));
  for (const value of graph.inputs) {
    if (known.has(value.name)) continue;
    if (allowLoraInputs && value.name.startsWith('lora.')) continue;
    mismatch(`graph input ${value.name} is not described by the manifest${value.name.startsWith('lora.') ? ' (LoRA inputs need a "lora" block)' : ''}`);
  }
}
