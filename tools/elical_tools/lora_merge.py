"""Folding a LoRA adapter into the base weights: W += scale * B @ A on each adapted projection.

Why: the extension runs one plain ONNX graph; a merged adapter costs nothing at inference. The
fixture checks this against the unmerged forward (lora_unmerged.py), an independent path.
"""
import torch

from .lora_adapter import check_fits, projection_module


def merge_adapter(model, adapter):
    """Adds the adapter's update to `model`'s weights in place and returns the model."""
    check_fits(adapter, model)
    with torch.no_grad():
        for (layer, projection), (a, b) in adapter.pairs.items():
            weight = projection_module(model, layer, projection).weight
            weight += (adapter.scale * (b.double() @ a.double())).to(weight.dtype)
    return model
