"""Reading a PEFT LoRA adapter folder into per-layer (A, B) pairs, validated against a model.

Why: EliCal checkpoints are PEFT adapters (adapter_config.json + adapter_model.safetensors).
The exporter merges them and the fixture checks the merge, so both need the tensors keyed by
(layer, projection) with rank and shapes checked, and a clear message when an adapter does not
belong to the model it is applied to.

PEFT names tensors `base_model.model.<module path>.lora_A.weight` [r, in] and `.lora_B.weight`
[out, r]. The module path is `model.layers.N...` for a causal-LM base and `layers.N...` for a
bare `AutoModel` base, as the EliCal release used; both are accepted. The update to a weight is
W += scale * B @ A with scale = lora_alpha / r (or lora_alpha / sqrt(r) with use_rslora).
"""
import json
import math
import os
import re
from dataclasses import dataclass

import torch

from .safetensors_io import load_file

ATTENTION_PROJECTIONS = ('q_proj', 'k_proj', 'v_proj', 'o_proj')
MLP_PROJECTIONS = ('gate_proj', 'up_proj', 'down_proj')
ALL_PROJECTIONS = ATTENTION_PROJECTIONS + MLP_PROJECTIONS

_NAME = re.compile(r'^base_model\.model\.(?:model\.)?layers\.(\d+)\.(self_attn|mlp)\.(\w+)\.lora_([AB])(?:\.default)?\.weight$')


class AdapterError(ValueError):
    """The adapter folder is unreadable or does not fit the model."""


@dataclass
class LoraAdapter:
    rank: int
    alpha: float
    scale: float
    targets: list
    # (layer index, projection name) -> (A [r, in], B [out, r]) as float32 tensors
    pairs: dict
    source: str


def projection_module(model, layer, projection):
    """The nn.Linear a (layer, projection) pair adapts."""
    block = model.model.layers[layer]
    owner = block.self_attn if projection in ATTENTION_PROJECTIONS else block.mlp
    return getattr(owner, projection)


def load_adapter(adapter_dir, model=None):
    """Loads and validates a PEFT adapter; with `model`, checks layers and shapes against it."""
    config_path = os.path.join(adapter_dir, 'adapter_config.json')
    if not os.path.isfile(config_path):
        raise AdapterError(f'{adapter_dir}: no adapter_config.json; --lora must be a PEFT LoRA adapter folder')
    with open(config_path, encoding='utf-8') as handle:
        config = json.load(handle)
    if config.get('peft_type', 'LORA') != 'LORA':
        raise AdapterError(f'{config_path}: peft_type {config.get("peft_type")!r} is not LORA')
    rank, alpha = config.get('r'), config.get('lora_alpha')
    if not isinstance(rank, int) or rank <= 0 or not isinstance(alpha, (int, float)):
        raise AdapterError(f'{config_path}: r must be a positive integer and lora_alpha a number (got r={rank!r}, '
                           f'lora_alpha={alpha!r})')
    if config.get('rank_pattern') or config.get('alpha_pattern'):
        raise AdapterError(f'{config_path}: per-module rank_pattern/alpha_pattern is not supported')
    if config.get('fan_in_fan_out'):
        raise AdapterError(f'{config_path}: fan_in_fan_out=true is for Conv1D models, not Llama')
    targets = config.get('target_modules')
    if isinstance(targets, str):
        targets = [name for name in ALL_PROJECTIONS if re.fullmatch(targets, name) or re.search(rf'\.{name}$', targets)]
    if not isinstance(targets, list) or not targets or any(t not in ALL_PROJECTIONS for t in targets):
        raise AdapterError(f'{config_path}: target_modules {config.get("target_modules")!r} must name Llama '
                           f'projections among {list(ALL_PROJECTIONS)}')
    scale = alpha / math.sqrt(rank) if config.get('use_rslora') else alpha / rank

    weights_path = os.path.join(adapter_dir, 'adapter_model.safetensors')
    legacy_path = os.path.join(adapter_dir, 'adapter_model.bin')
    if os.path.isfile(weights_path):
        tensors = load_file(weights_path)[0]
    elif os.path.isfile(legacy_path):
        tensors = torch.load(legacy_path, map_location='cpu')
        weights_path = legacy_path
    else:
        raise AdapterError(f'{adapter_dir}: no adapter_model.safetensors (or adapter_model.bin)')

    halves = {}
    for name, tensor in tensors.items():
        match = _NAME.match(name)
        if not match:
            raise AdapterError(f'{weights_path}: unexpected tensor {name!r} (expected PEFT LoRA names such as '
                               'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight)')
        layer, _, projection, half = int(match.group(1)), match.group(2), match.group(3), match.group(4)
        if projection not in targets:
            raise AdapterError(f'{weights_path}: tensor {name!r} adapts {projection}, which target_modules omits')
        halves.setdefault((layer, projection), {})[half] = tensor.to(torch.float32)
    pairs = {}
    for key, found in sorted(halves.items()):
        if set(found) != {'A', 'B'}:
            raise AdapterError(f'{weights_path}: layer {key[0]} {key[1]} has lora_{"".join(found)} without its partner')
        a, b = found['A'], found['B']
        if a.dim() != 2 or b.dim() != 2 or a.shape[0] != rank or b.shape[1] != rank:
            raise AdapterError(f'{weights_path}: layer {key[0]} {key[1]}: lora_A {tuple(a.shape)} / lora_B '
                               f'{tuple(b.shape)} do not have rank r={rank} from adapter_config.json')
        pairs[key] = (a, b)
    if not pairs:
        raise AdapterError(f'{weights_path}: contains no LoRA tensors')
    adapter = LoraAdapter(rank, float(alpha), float(scale), list(targets), pairs, adapter_dir)
    if model is not None:
        check_fits(adapter, model)
    return adapter


def check_fits(adapter, model):
    """Raises AdapterError unless every pair matches the model's layer count and projection shapes."""
    layers = len(model.model.layers)
    for (layer, projection), (a, b) in adapter.pairs.items():
        if layer >= layers:
            raise AdapterError(f'{adapter.source}: adapts layer {layer}, but the model has {layers} layers')
        linear = projection_module(model, layer, projection)
        out_features, in_features = linear.weight.shape
        if a.shape[1] != in_features or b.shape[0] != out_features:
            raise AdapterError(f'{adapter.source}: layer {layer} {projection}: LoRA maps {a.shape[1]} -> {b.shape[0]} '
                               f'but the model projection maps {in_features} -> {out_features} (adapter for another model?)')
