"""Writing a complete model package (docs/model-package.md) from a Hugging Face checkpoint.

Why one function: export_onnx.py (one model) and export_release.py (a whole release folder)
must produce identical packages. Everything is read and validated before anything is written,
and the package is assembled in a temporary folder that replaces `out_dir` only when complete,
so a bad input leaves no half-written package behind.
"""
import hashlib
import json
import os
import re
import shutil
import tempfile

import torch

from .confidence_head import read_head, write_head
from .llama import LlamaForCausalLM
from .llama_config import ConfigError
from .lora_adapter import load_adapter
from .lora_merge import merge_adapter
from .lora_unmerged import wrap_projections
from .onnx_backbone import export_backbone
from .safetensors_io import save_file

FORMAT = 'elical-model-package'
FORMAT_VERSION = 1
PROMPT_WRAPPER = 'Answer the following question.\nQuestion: {question}\nAnswer: '
FAMILIES = ('eli-only', 'cal-only', 'elical')
MAX_NEW_TOKENS = 32
MAX_PROMPT_TOKENS = 200
_ID = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]*$')


class PackageError(ValueError):
    """An input that cannot become a package; the message names it."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _read_json(path):
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def _eos_ids(model_dir, config):
    """EOS ids from generation_config.json when present (Llama 3 Instruct lists two), else config.json."""
    path = os.path.join(model_dir, 'generation_config.json')
    eos = config.eos_token_ids
    if os.path.isfile(path):
        value = _read_json(path).get('eos_token_id')
        if value is not None:
            eos = list(value) if isinstance(value, list) else [value]
    return sorted(set(int(e) for e in eos))


def _check_heads(groups, hidden):
    seen = set()
    for group in groups:
        for head in group['heads']:
            if not _ID.match(head['id'] or ''):
                raise PackageError(f'--head-id {head["id"]!r}: use letters, digits, ".", "_" or "-"')
            if head['id'] in seen:
                raise PackageError(f'--head-id {head["id"]!r} is used twice')
            seen.add(head['id'])
            if head['family'] not in FAMILIES:
                raise PackageError(f'--family {head["family"]!r} for head {head["id"]}: use one of {", ".join(FAMILIES)}')
            budget = head['budget']
            if budget is not None and (not isinstance(budget, int) or budget <= 0):
                raise PackageError(f'--budget for head {head["id"]} must be a positive integer or "all"')
            head['kind'], head['state'] = read_head(head['file'], hidden, head.get('kind'))


def export_package(model_dir, out_dir, groups, dtype='float32', shared_lora=False, name=None,
                   description=None, command=None):
    """groups: [{'lora': adapter dir or None, 'heads': [{'file','id','family','budget','kind'}]}].

    Without shared_lora at most one group may carry an adapter (it is merged). With shared_lora
    every adapter becomes lora/ID.safetensors and heads name their group's adapter.
    """
    if dtype not in ('float32', 'float16'):
        raise PackageError(f'--dtype must be float32 or float16, got {dtype!r}')
    model = LlamaForCausalLM.from_pretrained(model_dir)
    config = model.config
    for file_name in ('tokenizer.json', 'tokenizer_config.json'):
        if not os.path.isfile(os.path.join(model_dir, file_name)):
            raise PackageError(f'{model_dir}: no {file_name}; the package needs the model\'s tokenizer files')
    tokenizer_config = _read_json(os.path.join(model_dir, 'tokenizer_config.json'))
    adapters = [(group, load_adapter(group['lora'], model)) for group in groups if group.get('lora')]
    if len(adapters) > 1 and not shared_lora:
        raise PackageError('several --lora given: merge supports one adapter; add --shared-lora to keep them as inputs')
    if shared_lora and not adapters:
        raise PackageError('--shared-lora needs at least one --lora')
    if shared_lora:
        first = adapters[0][1]
        for _, adapter in adapters[1:]:
            if adapter.rank != first.rank or set(adapter.pairs) != set(first.pairs):
                raise PackageError(f'--shared-lora: {adapter.source} (r={adapter.rank}) does not adapt the same '
                                   f'projections with the same rank as {first.source} (r={first.rank})')
    _check_heads(groups, config.hidden_size)

    out_dir = os.path.abspath(out_dir)
    if os.path.exists(out_dir) and os.listdir(out_dir) and not os.path.isfile(os.path.join(out_dir, 'manifest.json')):
        raise PackageError(f'{out_dir}: exists, is not empty and is not a model package; refusing to replace it')
    parent = os.path.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    work = tempfile.mkdtemp(prefix='.export-', dir=parent)
    try:
        _write(work, model, model_dir, groups, adapters, dtype, shared_lora, tokenizer_config,
               name or os.path.basename(out_dir), description, command)
        if os.path.exists(out_dir):
            shutil.rmtree(out_dir)
        os.replace(work, out_dir)
    finally:
        if os.path.exists(work):
            shutil.rmtree(work)
    return os.path.join(out_dir, 'manifest.json')


def _write(work, model, model_dir, groups, adapters, dtype, shared_lora, tokenizer_config, name, description, command):
    config = model.config
    lora_block = None
    lora_ids = {}
    if shared_lora:
        keys = sorted(adapters[0][1].pairs)
        modules = wrap_projections(model, keys, scale=1.0)
        shapes = {key: (tuple(a.shape), tuple(b.shape)) for key, (a, b) in adapters[0][1].pairs.items()}
        os.makedirs(os.path.join(work, 'lora'))
        checkpoints = []
        for group, adapter in adapters:
            lora_id = _unique(re.sub(r'[^A-Za-z0-9._-]', '-', os.path.basename(os.path.normpath(adapter.source))),
                              lora_ids.values())
            lora_ids[id(group)] = lora_id
            tensors = {}
            for (layer, projection), (a, b) in adapter.pairs.items():
                store = torch.float16 if dtype == 'float16' else torch.float32
                tensors[f'lora.{layer}.{projection}.A'] = a.to(store)
                tensors[f'lora.{layer}.{projection}.B'] = (adapter.scale * b).to(store)
            relative = f'lora/{lora_id}.safetensors'
            save_file(os.path.join(work, relative), tensors, {'format': 'elical-lora', 'formatVersion': '1',
                                                              'rank': str(adapter.rank), 'alpha': str(adapter.alpha),
                                                              'source': os.path.basename(adapter.source)})
            checkpoints.append({'id': lora_id, 'file': relative, 'sha256': sha256_of(os.path.join(work, relative))})
        lora_block = {'rank': adapters[0][1].rank, 'targets': sorted({p for _, p in keys}), 'checkpoints': checkpoints}
        export_backbone(model, os.path.join(work, 'backbone.onnx'), dtype, modules, shapes)
    else:
        if adapters:
            merge_adapter(model, adapters[0][1])
        export_backbone(model, os.path.join(work, 'backbone.onnx'), dtype)

    os.makedirs(os.path.join(work, 'heads'))
    heads = []
    for group in groups:
        for head in group['heads']:
            relative = f'heads/{head["id"]}.safetensors'
            source = os.path.relpath(head['file'])
            imported_from = {'source': source, 'lora': group.get('lora') and os.path.relpath(group['lora'])}
            target = 'consistency' if head['family'] == 'eli-only' else 'correctness'
            write_head(os.path.join(work, relative), head['kind'], head['state'], head['family'], head['budget'],
                       target, imported_from=imported_from)
            entry = {'id': head['id'], 'file': relative, 'sha256': sha256_of(os.path.join(work, relative)),
                     'family': head['family'], 'kind': head['kind'], 'budget': head['budget'], 'target': target,
                     'trainingData': f'exported from {source}', 'metrics': {}}
            if shared_lora:
                entry['loraCheckpoint'] = lora_ids.get(id(group))
            heads.append(entry)
    for file_name in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(os.path.join(model_dir, file_name), os.path.join(work, file_name))
    eos = _eos_ids(model_dir, config)
    pad = config.pad_token_id
    if pad is None:
        pad = _token_id(model_dir, tokenizer_config.get('pad_token'))
    if pad is None:
        pad = eos[0] if eos else 0
    max_prompt = max(1, min(MAX_PROMPT_TOKENS, config.max_position_embeddings - MAX_NEW_TOKENS))
    manifest = {
        'format': FORMAT, 'formatVersion': FORMAT_VERSION, 'name': name,
        'description': description or f'Llama backbone from {os.path.basename(os.path.normpath(model_dir))}'
                                      f'{" + LoRA" if adapters else ""}, {len(heads)} confidence head(s)',
        'architecture': {'family': 'llama', 'hiddenSize': config.hidden_size, 'numLayers': config.num_hidden_layers,
                         'numAttentionHeads': config.num_attention_heads,
                         'numKeyValueHeads': config.num_key_value_heads, 'headDim': config.head_dim,
                         'vocabSize': config.vocab_size, 'maxPositionEmbeddings': config.max_position_embeddings},
        'backbone': {'file': 'backbone.onnx', 'sha256': sha256_of(os.path.join(work, 'backbone.onnx')), 'dtype': dtype,
                     'inputs': {'inputIds': 'input_ids', 'attentionMask': 'attention_mask',
                                'positionIds': 'position_ids', 'pastKey': 'past_key_values.{layer}.key',
                                'pastValue': 'past_key_values.{layer}.value'},
                     'outputs': {'hiddenStates': 'last_hidden_state', 'logits': 'logits',
                                 'presentKey': 'present.{layer}.key', 'presentValue': 'present.{layer}.value'}},
        'tokenizer': {'file': 'tokenizer.json', 'configFile': 'tokenizer_config.json'},
        'prompt': {'wrapper': PROMPT_WRAPPER, 'chatTemplate': bool(tokenizer_config.get('chat_template')),
                   'maxPromptTokens': max_prompt},
        'generation': {'eosTokenIds': eos, 'padTokenId': int(pad), 'maxNewTokens': MAX_NEW_TOKENS},
        'heads': heads,
        'defaultHead': heads[0]['id'] if heads else None,
        'lora': lora_block,
    }
    with open(os.path.join(work, 'MODEL_CARD.md'), 'w', encoding='utf-8') as handle:
        handle.write(_model_card(manifest, model_dir, adapters, command))
    manifest['files'] = {relative: sha256_of(os.path.join(work, relative)) for relative in _all_files(work)}
    with open(os.path.join(work, 'manifest.json'), 'w', encoding='utf-8') as handle:
        json.dump(manifest, handle, indent=2)
        handle.write('\n')


def _token_id(model_dir, token):
    if not isinstance(token, str):
        return None
    document = _read_json(os.path.join(model_dir, 'tokenizer.json'))
    for added in document.get('added_tokens', []):
        if added.get('content') == token:
            return added.get('id')
    vocab = document.get('model', {}).get('vocab')
    return vocab.get(token) if isinstance(vocab, dict) else None


def _unique(candidate, taken):
    taken = set(taken)
    result, counter = candidate or 'lora', 2
    while result in taken:
        result, counter = f'{candidate}-{counter}', counter + 1
    return result


def _all_files(root):
    found = []
    for folder, _, files in os.walk(root):
        for file_name in files:
            found.append(os.path.relpath(os.path.join(folder, file_name), root).replace(os.sep, '/'))
    return sorted(name for name in found if name != 'manifest.json')


def _model_card(manifest, model_dir, adapters, command):
    arch = manifest['architecture']
    lines = [f'# {manifest["name"]}', '', manifest['description'], '',
             '## How it was made', '',
             f'- Base model: `{os.path.basename(os.path.normpath(model_dir))}` (Llama architecture, '
             f'{arch["numLayers"]} layers, hidden {arch["hiddenSize"]}, {arch["numAttentionHeads"]} heads, '
             f'{arch["numKeyValueHeads"]} key/value heads, vocabulary {arch["vocabSize"]}).']
    if adapters and manifest['lora'] is None:
        adapter = adapters[0][1]
        lines.append(f'- LoRA `{os.path.basename(os.path.normpath(adapter.source))}` merged into the weights: '
                     f'W += (alpha / r) B A with r = {adapter.rank}, alpha = {adapter.alpha:g}, '
                     f'on {", ".join(adapter.targets)}.')
    elif manifest['lora']:
        lines.append(f'- {len(adapters)} LoRA checkpoints kept as graph inputs over one shared base '
                     f'(r = {manifest["lora"]["rank"]}, scale folded into B).')
    lines += [f'- Backbone: ONNX opset 14, {manifest["backbone"]["dtype"]}, exported by tools/export_onnx.py '
              '(plain-PyTorch Llama, no transformers).',
              f'- Command: `{command}`' if command else '- Command: not recorded.', '',
              '## Confidence heads', '',
              'Each head maps the final-norm hidden state of the last prompt token to sigmoid(head(h)): '
              'the predicted probability that the greedy answer is correct.', '',
              '| id | family | kind | budget | target |', '|---|---|---|---|---|']
    for head in manifest['heads']:
        budget = 'all' if head['budget'] is None else head['budget']
        lines.append(f'| {head["id"]} | {head["family"]} | {head["kind"]} | {budget} | {head["target"]} |')
    lines += ['', 'Prompt: the question inside `' + manifest['prompt']['wrapper'].replace('\n', '\\n') + '`, '
              'rendered in the chat template as the user turn with the generation prompt appended.', '']
    return '\n'.join(lines)
