#!/usr/bin/env python3
"""Writes test/fixtures/tiny-llama/: a random 2-layer Llama (HF layout), a PEFT LoRA adapter, two
heads, the exported package and reference.json from an independent pure-PyTorch forward.

Why: the TypeScript runtime must equal PyTorch on a model small enough to commit. The reference
applies the LoRA *unmerged* (x W^T + scale x A^T B^T) and generates by recomputing the whole
sequence each step (no KV cache), so it checks the exporter's merge and the runtime's cache
instead of repeating them. Seeded: rerunning reproduces the same tensors (the ONNX file may
differ in bytes between torch versions, so its sha256 is in the manifest, not asserted here).

Run: /usr/bin/python3 tools/make_tiny_fixture.py [--out test/fixtures/tiny-llama]
"""
import argparse
import json
import os
import shutil
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from elical_tools import word_tokenizer  # noqa: E402
from elical_tools.confidence_head import head_module, linear_head, mlp_head  # noqa: E402
from elical_tools.llama import LlamaForCausalLM  # noqa: E402
from elical_tools.llama_config import LlamaConfig  # noqa: E402
from elical_tools.lora_adapter import ALL_PROJECTIONS, load_adapter  # noqa: E402
from elical_tools.lora_unmerged import apply_unmerged  # noqa: E402
from elical_tools.package_writer import PROMPT_WRAPPER, export_package  # noqa: E402
from elical_tools.safetensors_io import save_file  # noqa: E402

SEED = 20261127
VOCAB_SIZE = 320
LORA_RANK, LORA_ALPHA = 8, 16
MAX_NEW_TOKENS = 16
QUESTIONS = [
    'What is the capital of France?',
    'Who wrote the play Hamlet?',
    'Which river flows through Cairo?',
    'What is the chemical symbol of gold?',
    'In which year did the Berlin Wall fall? Give the year only.',
]
# Words are taken from the prompt and questions; the rest of the vocabulary is filler so that
# random generation has somewhere to go. "Zorg" stays out on purpose: unknown words map to <unk>.
BATCH_QUESTIONS = [QUESTIONS[0], QUESTIONS[4], 'What is Zorg?']
HEADS = [
    {'id': 'elical-1000', 'file': 'head/vector_head_epoch_best.pt', 'family': 'elical', 'budget': 1000, 'kind': 'linear'},
    {'id': 'eli-only-mlp', 'file': 'head/head_mlp.pt', 'family': 'eli-only', 'budget': None, 'kind': 'mlp'},
]


def vocabulary_words():
    words = []
    for text in [PROMPT_WRAPPER.replace('{question}', ' ')] + QUESTIONS:
        for word in word_tokenizer.pre_tokenize(text):
            if word not in words:
                words.append(word)
    words += ['Paris', 'Shakespeare', 'Nile', 'Au', '1989', 'yes', 'no', 'I', 'do', 'not', 'know']
    filler = 0
    while len(word_tokenizer.SPECIAL_TOKENS) + len(words) < VOCAB_SIZE:
        words.append(f'w{filler:03d}')
        filler += 1
    return words


def make_model(generator):
    config = LlamaConfig(vocab_size=VOCAB_SIZE, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                         rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=True,
                         bos_token_id=1, eos_token_id=2, pad_token_id=0)
    model = LlamaForCausalLM(config)
    with torch.no_grad():
        for name, tensor in model.named_parameters():
            if name.endswith('layernorm.weight') or name == 'model.norm.weight':
                tensor.copy_(1.0 + 0.2 * torch.randn(tensor.shape, generator=generator))
            elif name == 'model.embed_tokens.weight':
                tensor.copy_(0.3 * torch.randn(tensor.shape, generator=generator))
            else:
                tensor.copy_(0.15 * torch.randn(tensor.shape, generator=generator))
        # Make EOS likelier than a random row so some generations stop early (the stop path needs a test).
        model.model.embed_tokens.weight[config.eos_token_ids[0]] *= 2.0
    return model.eval()


def write_lora(out_dir, config, generator):
    os.makedirs(out_dir, exist_ok=True)
    tensors = {}
    shapes = {'q_proj': (config.hidden_size, config.hidden_size),
              'k_proj': (config.num_key_value_heads * config.head_dim, config.hidden_size),
              'v_proj': (config.num_key_value_heads * config.head_dim, config.hidden_size),
              'o_proj': (config.hidden_size, config.hidden_size),
              'gate_proj': (config.intermediate_size, config.hidden_size),
              'up_proj': (config.intermediate_size, config.hidden_size),
              'down_proj': (config.hidden_size, config.intermediate_size)}
    for layer in range(config.num_hidden_layers):
        for projection in ALL_PROJECTIONS:
            out_features, in_features = shapes[projection]
            part = 'self_attn' if projection in ('q_proj', 'k_proj', 'v_proj', 'o_proj') else 'mlp'
            prefix = f'base_model.model.model.layers.{layer}.{part}.{projection}'
            tensors[f'{prefix}.lora_A.weight'] = 0.1 * torch.randn(LORA_RANK, in_features, generator=generator)
            tensors[f'{prefix}.lora_B.weight'] = 0.05 * torch.randn(out_features, LORA_RANK, generator=generator)
    save_file(os.path.join(out_dir, 'adapter_model.safetensors'), tensors, {'format': 'pt'})
    adapter_config = {'peft_type': 'LORA', 'task_type': 'CAUSAL_LM', 'base_model_name_or_path': '../hf',
                      'r': LORA_RANK, 'lora_alpha': LORA_ALPHA, 'lora_dropout': 0.0, 'bias': 'none',
                      'target_modules': list(ALL_PROJECTIONS), 'fan_in_fan_out': False, 'inference_mode': True,
                      'use_rslora': False}
    with open(os.path.join(out_dir, 'adapter_config.json'), 'w', encoding='utf-8') as handle:
        json.dump(adapter_config, handle, indent=2)
        handle.write('\n')


def write_heads(out_dir, hidden, generator):
    os.makedirs(out_dir, exist_ok=True)
    linear, mlp = linear_head(hidden), mlp_head(hidden)
    with torch.no_grad():
        for module, std in ((linear, 0.3), (mlp, 0.12)):
            for tensor in module.parameters():
                tensor.copy_(std * torch.randn(tensor.shape, generator=generator))
    torch.save(linear.state_dict(), os.path.join(out_dir, 'vector_head_epoch_best.pt'))
    torch.save(mlp.state_dict(), os.path.join(out_dir, 'head_mlp.pt'))


def floats(tensor):
    return [float(x) for x in tensor.reshape(-1).tolist()]


def head_outputs(heads, feature):
    """{id: sigmoid(head(feature))} for one feature vector."""
    with torch.no_grad():
        return {head_id: float(torch.sigmoid(module(feature)).item()) for head_id, module in heads.items()}


def greedy(model, prompt_ids, eos_ids):
    """Greedy decoding by full recomputation each step; returns ids, log-probs and the smallest
    top-1/top-2 logit gap (how robust the argmax is to float differences)."""
    ids = list(prompt_ids)
    tokens, logprobs, margin = [], [], float('inf')
    with torch.no_grad():
        for _ in range(MAX_NEW_TOKENS):
            logits = model(torch.tensor([ids]))[1][0, -1].double()
            top = torch.topk(logits, 2).values
            margin = min(margin, float(top[0] - top[1]))
            token = int(torch.argmax(logits))
            tokens.append(token)
            logprobs.append(float(torch.log_softmax(logits, -1)[token]))
            if token in eos_ids:
                break
            ids.append(token)
    return tokens, logprobs, margin


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument('--out', default=os.path.join(here, '..', 'test', 'fixtures', 'tiny-llama'))
    out = os.path.abspath(parser.parse_args().out)
    for name in ('hf', 'lora', 'head', 'package'):
        shutil.rmtree(os.path.join(out, name), ignore_errors=True)
    generator = torch.Generator().manual_seed(SEED)
    torch.manual_seed(SEED)

    model = make_model(generator)
    config = model.config
    hf_dir = os.path.join(out, 'hf')
    # Two shards, so the sharded-checkpoint path (index + shards) is what every consumer reads.
    model.save_pretrained(hf_dir, max_shard_bytes=200_000)
    vocab = word_tokenizer.write_tokenizer(hf_dir, vocabulary_words())
    assert len(vocab) == VOCAB_SIZE, len(vocab)
    write_lora(os.path.join(out, 'lora'), config, generator)
    write_heads(os.path.join(out, 'head'), config.hidden_size, generator)

    groups = [{'lora': os.path.join(out, 'lora'),
               'heads': [dict(head, file=os.path.join(out, head['file'])) for head in HEADS]}]
    cwd = os.getcwd()
    os.chdir(out)  # relative paths in the package's metadata, not this machine's
    try:
        export_package('hf', 'package', [dict(g, lora='lora', heads=[dict(h, file=h['file']) for h in HEADS])
                                         for g in groups], name='tiny-llama-fixture',
                       description='Random 2-layer Llama with a LoRA and two heads: a test fixture, not a model',
                       command='python3 tools/make_tiny_fixture.py')
    finally:
        os.chdir(cwd)

    # The reference: a fresh load of the HF checkpoint with the adapter applied unmerged.
    reference_model = LlamaForCausalLM.from_pretrained(hf_dir)
    apply_unmerged(reference_model, load_adapter(os.path.join(out, 'lora'), reference_model))
    heads = {}
    for head in HEADS:
        state = torch.load(os.path.join(out, head['file']))
        heads[head['id']] = head_module(head['kind'], {k: v.float() for k, v in state.items()})
    eos_ids = config.eos_token_ids

    cases, min_margin = [], float('inf')
    for question in QUESTIONS:
        prompt = word_tokenizer.render_chat(PROMPT_WRAPPER.replace('{question}', question))
        ids = word_tokenizer.encode(prompt, vocab)
        with torch.no_grad():
            hidden, logits, _ = reference_model(torch.tensor([ids]))
        tokens, logprobs, margin = greedy(reference_model, ids, eos_ids)
        min_margin = min(min_margin, margin)
        cases.append({'question': question, 'prompt': prompt, 'inputIds': ids,
                      'lastHiddenState': floats(hidden[0, -1]), 'lastLogits': floats(logits[0, -1]),
                      'heads': head_outputs(heads, hidden[0, -1]),
                      'greedy': {'tokenIds': tokens, 'logprobs': logprobs, 'stoppedOnEos': tokens[-1] in eos_ids}})

    rows = [word_tokenizer.encode(word_tokenizer.render_chat(PROMPT_WRAPPER.replace('{question}', q)), vocab)
            for q in BATCH_QUESTIONS]
    width = max(len(r) for r in rows)
    pad = config.pad_token_id
    input_ids = torch.tensor([[pad] * (width - len(r)) + r for r in rows])
    mask = torch.tensor([[0] * (width - len(r)) + [1] * len(r) for r in rows])
    positions = (torch.cumsum(mask, 1) - 1).clamp(min=0)
    with torch.no_grad():
        hidden, logits, _ = reference_model(input_ids, mask, positions)
    batch = {'questions': BATCH_QUESTIONS, 'inputIds': input_ids.tolist(), 'attentionMask': mask.tolist(),
             'positionIds': positions.tolist(),
             'rows': [{'lastHiddenState': floats(hidden[i, -1]), 'lastLogits': floats(logits[i, -1]),
                       'heads': head_outputs(heads, hidden[i, -1])} for i in range(len(rows))]}
    if not any(case['greedy']['stoppedOnEos'] for case in cases) or min_margin < 1e-3:
        raise SystemExit(f'fixture unsuitable: EOS stop exercised={any(c["greedy"]["stoppedOnEos"] for c in cases)}, '
                         f'smallest greedy logit gap {min_margin:.2e} (must be >= 1e-3 so argmax is robust); '
                         f'generations {[c["greedy"]["tokenIds"] for c in cases]}')
    reference = {
        'schemaVersion': 1,
        'description': 'Pure-PyTorch reference for the tiny-llama package: base HF weights with the LoRA applied '
                       'unmerged, greedy decoding by full recomputation (no KV cache). Prompt = chat template '
                       '(user turn + generation prompt) around the package prompt wrapper; ids from '
                       'tokenizer.json with no added special tokens (the template writes <s>).',
        'generator': 'tools/make_tiny_fixture.py',
        'seed': SEED,
        'package': 'package',
        'maxNewTokens': MAX_NEW_TOKENS,
        'eosTokenIds': eos_ids,
        'minGreedyLogitGap': min_margin,
        'cases': cases,
        'batch': batch,
    }
    with open(os.path.join(out, 'reference.json'), 'w', encoding='utf-8') as handle:
        json.dump(reference, handle)
        handle.write('\n')
    print(f'wrote {out} (greedy min logit gap {min_margin:.3g}, EOS stops '
          f'{sum(c["greedy"]["stoppedOnEos"] for c in cases)}/{len(cases)})')


if __name__ == '__main__':
    main()
