/**
 * The Triton Inference Server model configuration (config.pbtxt, protobuf text format) for a
 * package's backbone.onnx run unchanged by Triton's ONNX Runtime backend. With max_batch_size > 0
 * Triton adds the batch dimension itself, so `dims` list every dimension after the first; a
 * variable dimension (sequence, cache length) is -1. The tensors are the graph's own (the shapes
 * checkBackboneSignature enforces when a package opens):
 *   inputs  input_ids, attention_mask, position_ids  INT64 [-1]
 *           past_key_values.{l}.key/.value           [kvHeads, -1, headDim] in the backbone dtype
 *   outputs last_hidden_state [-1, hidden], logits [-1, vocab], present.{l}.key/.value as the past.
 * Triton batches only requests whose non-batch shapes agree, so its dynamic batcher combines
 * requests of equal padded length (docs/remote.md).
 */
import type { ModelManifest } from '../../core/scoring/modelManifest';

export interface TritonTensor {
  name: string;
  /** TYPE_INT64, TYPE_FP32 or TYPE_FP16. */
  dataType: string;
  /** Without the batch dimension; -1 = variable. */
  dims: number[];
}

export interface TritonModelConfig {
  name: string;
  maxBatchSize: number;
  maxQueueDelayMicroseconds: number;
  inputs: TritonTensor[];
  outputs: TritonTensor[];
}

/**
 * The configuration's content for `manifest` (rendered by renderTritonConfig).
 * Errors: shared-base LoRA packages (their adapter inputs have no batch dimension, so Triton
 * cannot batch them: export the checkpoint merged instead); maxBatchSize < 1;
 * maxQueueDelayMicroseconds < 0 (both must be integers).
 */
export function tritonModelConfig(manifest: ModelManifest, maxBatchSize: number, maxQueueDelayMicroseconds: number): TritonModelConfig {
  if (manifest.lora !== null) throw new RangeError(`${manifest.name} feeds shared-base LoRA adapters as unbatched graph inputs, which Triton cannot batch; export the LoRA checkpoint merged (tools/export_onnx.py without --shared-lora) for Triton`);
  if (!Number.isSafeInteger(maxBatchSize) || maxBatchSize < 1) throw new RangeError(`max batch size must be an integer >= 1, got ${maxBatchSize}`);
  if (!Number.isSafeInteger(maxQueueDelayMicroseconds) || maxQueueDelayMicroseconds < 0) throw new RangeError(`max queue delay must be an integer >= 0 microseconds, got ${maxQueueDelayMicroseconds}`);
  const { architecture: arch, backbone } = manifest;
  const floatType = backbone.dtype === 'float16' ? 'TYPE_FP16' : 'TYPE_FP32';
  const perLayer = (template: string, layer: number): string => template.split('{layer}').join(String(layer));
  const cacheDims = [arch.numKeyValueHeads, -1, arch.headDim];
  const inputs: TritonTensor[] = [backbone.inputs.inputIds, backbone.inputs.attentionMask, backbone.inputs.positionIds].map((name) => ({ name, dataType: 'TYPE_INT64', dims: [-1] }));
  const outputs: TritonTensor[] = [
    { name: backbone.outputs.hiddenStates, dataType: floatType, dims: [-1, arch.hiddenSize] },
    { name: backbone.outputs.logits, dataType: floatType, dims: [-1, arch.vocabSize] },
  ];
  for (let layer = 0; layer < arch.numLayers; layer++) {
    for (const template of [backbone.inputs.pastKey, backbone.inputs.pastValue]) inputs.push({ name: perLayer(template, layer), dataType: floatType, dims: cacheDims });
    for (const template of [backbone.outputs.presentKey, backbone.outputs.presentValue]) outputs.push({ name: perLayer(template, layer), dataType: floatType, dims: cacheDims });
  }
  return { name: manifest.name, maxBatchSize, maxQueueDelayMicroseconds, inputs, outputs };
}

/** config.pbtxt text for `config`. */
export function renderTritonConfig(config: TritonModelConfig, comment: string): string {
  const tensor = (value: TritonTensor): string => ['  {', `    name: ${JSON.stringify(value.name)}`, `    data_type: ${value.dataType}`, `    dims: [ ${value.dims.join(', ')} ]`, '  }'].join('\n');
  return [
    ...comment.split('\n').map((line) => `# ${line}`),
    `name: ${JSON.stringify(config.name)}`,
    'platform: "onnxruntime_onnx"',
    `max_batch_size: ${config.maxBatchSize}`,
    'input [',
    config.inputs.map(tensor).join(',\n'),
    ']',
    'output [',
    config.outputs.map(tensor).join(',\n'),
    ']',
    'dynamic_batching {',
    `  max_queue_delay_microseconds: ${config.maxQueueDelayMicroseconds}`,
    '}',
    '',
  ].join('\n');
}
