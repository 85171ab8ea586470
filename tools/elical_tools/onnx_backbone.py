"""Exporting the Llama backbone to the ONNX graph that docs/model-package.md specifies.

Why: the extension runs the model through onnxruntime-node. The graph takes input_ids,
attention_mask, position_ids and past_key_values.{l}.key/.value (past may be 0 long on the first
call) and returns last_hidden_state (after the final RMSNorm: the EliCal feature), logits and
present.{l}.key/.value. With shared-base LoRA it also takes lora.{l}.{proj}.A [r, in] and .B
[out, r] (scale folded into B) so one session can switch checkpoints.

float16 packages store weights, cache and outputs in float16 but compute in float32 (each fp16
initializer and input is Cast up, each output Cast down): torch 1.13 cannot trace fp16 matmuls
on CPU, and onnxruntime's CPU kernels gain nothing from fp16 compute, while the file halves.
"""
import warnings

import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

OPSET = 14


def input_names(num_layers, lora_keys=()):
    names = ['input_ids', 'attention_mask', 'position_ids']
    for layer in range(num_layers):
        names += [f'past_key_values.{layer}.key', f'past_key_values.{layer}.value']
    for layer, projection in lora_keys:
        names += [f'lora.{layer}.{projection}.A', f'lora.{layer}.{projection}.B']
    return names


def output_names(num_layers):
    names = ['last_hidden_state', 'logits']
    for layer in range(num_layers):
        names += [f'present.{layer}.key', f'present.{layer}.value']
    return names


class _ExportWrapper(nn.Module):
    """Flat tensor inputs/outputs in the contract's order, for torch.onnx tracing."""

    def __init__(self, model, lora_modules):
        super().__init__()
        self.model = model
        self.lora_modules = lora_modules  # list of LoraLinear, in lora_keys order (not registered twice)

    def forward(self, input_ids, attention_mask, position_ids, *rest):
        layers = len(self.model.model.layers)
        past = [(rest[2 * i], rest[2 * i + 1]) for i in range(layers)]
        lora = rest[2 * layers:]
        for index, module in enumerate(self.lora_modules):
            module.lora_a, module.lora_b = lora[2 * index], lora[2 * index + 1]
        hidden, logits, presents = self.model(input_ids, attention_mask, position_ids, past)
        flat = [hidden, logits]
        for key, value in presents:
            flat += [key, value]
        return tuple(flat)


def export_backbone(model, path, dtype='float32', lora_modules=None, lora_shapes=None):
    """Traces `model` (float32) to `path`. lora_modules: {(layer, proj): LoraLinear} for shared LoRA,
    with lora_shapes {(layer, proj): (A shape, B shape)} for the example inputs."""
    config = model.config
    layers = config.num_hidden_layers
    lora_keys = sorted(lora_modules) if lora_modules else []
    wrapper = _ExportWrapper(model, [lora_modules[key] for key in lora_keys]).eval()
    # Example: batch 2, 3 new tokens after 2 cached ones, first row left-padded by one.
    batch, seq, past = 2, 3, 2
    input_ids = torch.randint(0, config.vocab_size, (batch, seq), dtype=torch.int64)
    attention_mask = torch.ones(batch, past + seq, dtype=torch.int64)
    attention_mask[0, 0] = 0
    position_ids = (torch.cumsum(attention_mask, 1) - 1).clamp(min=0)[:, -seq:]
    example = [input_ids, attention_mask, position_ids]
    for _ in range(layers):
        example += [torch.zeros(batch, config.num_key_value_heads, past, config.head_dim)] * 2
    for key in lora_keys:
        a_shape, b_shape = lora_shapes[key]
        example += [torch.zeros(a_shape), torch.zeros(b_shape)]
    names_in = input_names(layers, lora_keys)
    names_out = output_names(layers)
    dynamic = {'input_ids': {0: 'batch', 1: 'seq'}, 'attention_mask': {0: 'batch', 1: 'total'},
               'position_ids': {0: 'batch', 1: 'seq'}, 'last_hidden_state': {0: 'batch', 1: 'seq'},
               'logits': {0: 'batch', 1: 'seq'}}
    for layer in range(layers):
        for part in ('key', 'value'):
            dynamic[f'past_key_values.{layer}.{part}'] = {0: 'batch', 2: 'past'}
            dynamic[f'present.{layer}.{part}'] = {0: 'batch', 2: 'total'}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter('ignore')  # tracer warnings about shape-derived Python values
        torch.onnx.export(wrapper, tuple(example), path, input_names=names_in, output_names=names_out,
                          dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=False)
    graph = onnx.load(path)
    if dtype == 'float16':
        graph = to_float16_storage(graph)
    elif dtype != 'float32':
        raise ValueError(f'--dtype must be float32 or float16, got {dtype!r}')
    onnx.checker.check_model(graph)
    onnx.save(graph, path)
    return names_in, names_out


def to_float16_storage(model):
    """float32 weights, float inputs and outputs -> float16, with Casts so compute stays float32."""
    graph = model.graph
    prologue = []
    for initializer in graph.initializer:
        if initializer.data_type != TensorProto.FLOAT:
            continue
        original = initializer.name
        half = numpy_helper.from_array(numpy_helper.to_array(initializer).astype('float16'), original + '__fp16')
        initializer.CopyFrom(half)
        prologue.append(helper.make_node('Cast', [original + '__fp16'], [original], to=TensorProto.FLOAT))
    for value in graph.input:
        if value.type.tensor_type.elem_type != TensorProto.FLOAT:
            continue
        inner = value.name + '__fp32'
        for node in graph.node:
            node.input[:] = [inner if name == value.name else name for name in node.input]
        prologue.append(helper.make_node('Cast', [value.name], [inner], to=TensorProto.FLOAT))
        value.type.tensor_type.elem_type = TensorProto.FLOAT16
    epilogue = []
    for value in graph.output:
        if value.type.tensor_type.elem_type != TensorProto.FLOAT:
            continue
        inner = value.name + '__fp32'
        for node in graph.node:
            node.output[:] = [inner if name == value.name else name for name in node.output]
            node.input[:] = [inner if name == value.name else name for name in node.input]
        epilogue.append(helper.make_node('Cast', [inner], [value.name], to=TensorProto.FLOAT16))
        value.type.tensor_type.elem_type = TensorProto.FLOAT16
    nodes = prologue + list(graph.node) + epilogue
    del graph.node[:]
    graph.node.extend(nodes)
    return model
