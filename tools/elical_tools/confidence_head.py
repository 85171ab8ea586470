"""Confidence heads (linear or the EliCal 3-layer MLP): reading checkpoints, checking, writing.

Why: the release ships heads as torch state dicts (`vector_head_epoch_best.pt`); the extension
reads only safetensors with our metadata (docs/model-package.md). Tensor names stay those of
the PyTorch modules so a head file loads with `load_state_dict` unchanged:
  linear: weight [1, H], bias [1]                         (nn.Linear(H, 1))
  mlp:    0.weight [H/2, H], 0.bias, 2.weight [H/4, H/2], 2.bias, 4.weight [1, H/4], 4.bias
          (nn.Sequential(Linear, ReLU, Linear, ReLU, Linear))
Confidence = sigmoid(head(feature)).
"""
import json
import os

import torch
from torch import nn

from .safetensors_io import load_file, save_file

HEAD_FORMAT = 'elical-head'
HEAD_FORMAT_VERSION = '1'
LINEAR_KEYS = {'weight', 'bias'}
MLP_KEYS = {'0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias'}


class HeadError(ValueError):
    """The head file is unreadable, of an unknown layout, or does not fit the backbone."""


def linear_head(hidden):
    return nn.Linear(hidden, 1)


def mlp_head(hidden):
    return nn.Sequential(nn.Linear(hidden, hidden // 2), nn.ReLU(), nn.Linear(hidden // 2, hidden // 4), nn.ReLU(),
                         nn.Linear(hidden // 4, 1))


def _strip_common_prefix(state):
    """`vector_head.weight` -> `weight`: heads saved from a parent module keep its prefix."""
    for keys in (LINEAR_KEYS, MLP_KEYS):
        for name in state:
            for key in keys:
                if name.endswith('.' + key):
                    prefix = name[: -len(key)]
                    if {n[len(prefix):] for n in state if n.startswith(prefix)} == keys and all(
                            n.startswith(prefix) for n in state):
                        return {n[len(prefix):]: t for n, t in state.items()}
    return state


def read_head(path, hidden, kind=None):
    """Returns (kind, float32 state dict) of a .pt state dict or .safetensors head file.

    kind is detected from the tensor names; when given, it must agree. Shapes are checked
    against the backbone's hidden size so a head of another model fails here, by name.
    """
    if not os.path.isfile(path):
        raise HeadError(f'{path}: head file not found')
    if path.endswith('.safetensors'):
        state = load_file(path)[0]
    else:
        try:
            state = torch.load(path, map_location='cpu')
        except Exception as error:  # torch raises many types for a bad pickle
            raise HeadError(f'{path}: not a readable torch state dict ({error})') from None
    if isinstance(state, nn.Module):
        state = state.state_dict()
    if not isinstance(state, dict) or not all(isinstance(t, torch.Tensor) for t in state.values()):
        raise HeadError(f'{path}: expected a state dict of tensors')
    state = {name: tensor.to(torch.float32) for name, tensor in _strip_common_prefix(dict(state)).items()}
    detected = 'linear' if set(state) == LINEAR_KEYS else 'mlp' if set(state) == MLP_KEYS else None
    if detected is None:
        raise HeadError(f'{path}: tensor names {sorted(state)} are neither a linear head {sorted(LINEAR_KEYS)} '
                        f'nor the 3-layer MLP head {sorted(MLP_KEYS)}')
    if kind is not None and kind != detected:
        raise HeadError(f'{path}: --head-kind {kind} given, but the file holds a {detected} head')
    module = linear_head(hidden) if detected == 'linear' else mlp_head(hidden)
    for name, expected in module.state_dict().items():
        if tuple(state[name].shape) != tuple(expected.shape):
            raise HeadError(f'{path}: {detected} head tensor {name} has shape {tuple(state[name].shape)}, but the '
                            f'backbone hidden size {hidden} needs {tuple(expected.shape)} (head of another model?)')
    return detected, state


def head_module(kind, state):
    """An eval-mode module holding `state`."""
    hidden = state['weight'].shape[1] if kind == 'linear' else state['0.weight'].shape[1]
    module = linear_head(hidden) if kind == 'linear' else mlp_head(hidden)
    module.load_state_dict(state)
    return module.eval()


def write_head(path, kind, state, family, budget, target, seed='unknown', training=None, imported_from=None):
    """Writes our head safetensors with the metadata docs/model-package.md lists.

    A head trained elsewhere has no seed or training summary we know of: those are written as
    "unknown" and null, and where it came from goes into the extra key `importedFrom`."""
    metadata = {
        'format': HEAD_FORMAT, 'formatVersion': HEAD_FORMAT_VERSION, 'kind': kind, 'family': family,
        'budget': 'all' if budget is None else str(budget), 'target': target, 'seed': str(seed),
        # null marks an imported head whose training run is unknown (docs/model-package.md).
        'training': json.dumps(training, sort_keys=True),
    }
    if imported_from is not None:
        metadata['importedFrom'] = json.dumps(imported_from, sort_keys=True)
    save_file(path, state, metadata)
