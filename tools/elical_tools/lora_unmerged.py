"""LoRA applied beside the base weights: y = x W^T + scale * (x A^T) B^T.

Why: two uses. (1) The fixture's reference forward keeps the adapter unmerged so that it checks
the exporter's merge instead of repeating it. (2) The shared-base export keeps A and B as graph
inputs, so one backbone serves several checkpoints; there the tensors are set per call.
"""
import torch
from torch import nn

from .lora_adapter import projection_module


class LoraLinear(nn.Module):
    """A bias-free projection plus a low-rank update read from `self.lora_a` / `self.lora_b`."""

    def __init__(self, base, scale=1.0):
        super().__init__()
        self.base = base
        self.scale = scale
        self.lora_a = None
        self.lora_b = None

    @property
    def weight(self):
        return self.base.weight

    def forward(self, x):
        y = self.base(x)
        if self.lora_a is None:
            return y
        return y + self.scale * torch.matmul(torch.matmul(x, self.lora_a.transpose(0, 1)), self.lora_b.transpose(0, 1))


def wrap_projections(model, layers_and_projections, scale=1.0):
    """Replaces each named projection by a LoraLinear around it; returns {(layer, proj): LoraLinear}."""
    wrapped = {}
    for layer, projection in layers_and_projections:
        block = model.model.layers[layer]
        owner = block.self_attn if hasattr(block.self_attn, projection) else block.mlp
        current = projection_module(model, layer, projection)
        module = current if isinstance(current, LoraLinear) else LoraLinear(current, scale)
        setattr(owner, projection, module)
        wrapped[(layer, projection)] = module
    return wrapped


def apply_unmerged(model, adapter):
    """Wraps `model` in place so its forward adds the adapter unmerged; returns the model."""
    wrapped = wrap_projections(model, adapter.pairs.keys(), adapter.scale)
    for key, (a, b) in adapter.pairs.items():
        wrapped[key].lora_a, wrapped[key].lora_b = a, b
    return model
