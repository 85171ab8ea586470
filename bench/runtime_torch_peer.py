#!/usr/bin/env python3
"""PyTorch peer of bench/runtimeVsTorch.ts: makes the benchmark model and times the same weights
in PyTorch, driven by the TypeScript bench so ONNX and PyTorch runs can be interleaved.

Why a long-lived peer instead of one Python run per side: the machine is shared with other jobs,
so a measurement is fair only when both sides run in turns (A/B/A/B) under the same background
load. The TypeScript side sends one JSON command per line on stdin and reads one JSON reply per
line on stdout; each reply carries the times measured inside Python (perf_counter around the
work only, not the pipe).

Subcommands:
  make --out DIR    seeded 8-layer, hidden-512 Llama in Hugging Face layout (word-level
                    tokenizer), nine head .pt files, and the model package exported through
                    tools/export_onnx.py. Skipped when DIR/stamp.json already records the same
                    recipe (the bench calls it every run).
  serve             the command loop (ops: questions, load, threads, check, score, generate,
                    quit).

Threads: Debian's torch does its matmuls in OpenBLAS (libopenblas0-pthread), whose thread pool
is not the one torch.set_num_threads controls, so both are set (openblas_set_num_threads through
ctypes on the loaded library). Inter-op threads are 1, as on the ONNX side.
"""
import argparse
import ctypes
import json
import os
import subprocess
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tools'))

from elical_tools import word_tokenizer  # noqa: E402
from elical_tools.confidence_head import head_module, linear_head, mlp_head, read_head  # noqa: E402
from elical_tools.llama import LlamaForCausalLM  # noqa: E402
from elical_tools.llama_config import LlamaConfig  # noqa: E402
from elical_tools.lora_adapter import load_adapter  # noqa: E402
from elical_tools.lora_merge import merge_adapter  # noqa: E402

SEED = 20261128
# Llama-shaped: head_dim 64, 4 query heads per key/value head as in Llama 3, SwiGLU width 2.75 H.
BENCH_CONFIG = dict(vocab_size=4096, hidden_size=512, intermediate_size=1408, num_hidden_layers=8,
                    num_attention_heads=8, num_key_value_heads=2, max_position_embeddings=512,
                    rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False,
                    bos_token_id=1, eos_token_id=2, pad_token_id=0)
# Nine heads: the first is the one the one-head timing uses; then four linear and four MLP heads.
BENCH_HEADS = ([{'id': 'elical-1000', 'kind': 'linear', 'family': 'elical', 'budget': '1000'}]
               + [{'id': f'cal-only-{k}', 'kind': 'linear', 'family': 'cal-only', 'budget': str(k)}
                  for k in (1000, 2000, 4000, 8000)]
               + [{'id': f'eli-only-mlp-{i}', 'kind': 'mlp', 'family': 'eli-only', 'budget': 'all'}
                  for i in range(4)])
# Questions of 23-28 words: with the wrapper and chat template they make prompts of about 40 tokens.
BENCH_QUESTIONS = [
    'In the long history of the river valley , which ancient city was founded first by traders who came from the northern coast ?',
    'Which composer wrote the opera that was first performed in the old theatre of the capital during the winter of that year ?',
    'What is the name of the mountain range that separates the two largest provinces of the country on the western side of the map ?',
    'Who was the first scientist to measure the speed of sound in water with an instrument built in his own small laboratory ?',
    'Which element has the highest melting point of all the metals that are used in the filaments of the common electric lamp ?',
    'In which year did the famous bridge over the harbour open to the public after more than ten years of work by the city ?',
    'What language is spoken by most of the people who live on the islands to the south of the great bay in the warm season ?',
    'Which team won the national football cup three times in a row in the years just after the end of the long war ?',
]


def _vocabulary(vocab_size):
    words = []
    for text in [word_tokenizer.render_chat('Answer the following question.\nQuestion: \nAnswer: ')] + BENCH_QUESTIONS:
        for word in word_tokenizer.pre_tokenize(text):
            if word not in words and word not in word_tokenizer.SPECIAL_TOKENS:
                words.append(word)
    filler = 0
    while len(word_tokenizer.SPECIAL_TOKENS) + len(words) < vocab_size:
        words.append(f'w{filler:04d}')
        filler += 1
    return words


def make(out_dir):
    """Writes out_dir/{hf,heads,package} unless stamp.json already describes this recipe."""
    recipe = {'schemaVersion': 1, 'seed': SEED, 'config': BENCH_CONFIG, 'heads': BENCH_HEADS,
              'exporter': 'tools/export_onnx.py'}
    stamp_path = os.path.join(out_dir, 'stamp.json')
    if os.path.isfile(stamp_path):
        with open(stamp_path, encoding='utf-8') as handle:
            if json.load(handle) == recipe and os.path.isfile(os.path.join(out_dir, 'package', 'manifest.json')):
                return
    generator = torch.Generator().manual_seed(SEED)
    config = LlamaConfig(**BENCH_CONFIG)
    model = LlamaForCausalLM(config)
    hidden = config.hidden_size
    with torch.no_grad():
        # Scales of a trained model (unit norms, ~1/sqrt(fan-in) projections) so activations stay
        # in the range real checkpoints produce; the values themselves do not matter for timing.
        for name, tensor in model.named_parameters():
            if name.endswith('norm.weight'):
                tensor.copy_(1.0 + 0.1 * torch.randn(tensor.shape, generator=generator))
            elif name == 'model.embed_tokens.weight':
                tensor.copy_(torch.randn(tensor.shape, generator=generator))
            else:
                tensor.copy_(torch.randn(tensor.shape, generator=generator) / tensor.shape[1] ** 0.5)
    hf_dir = os.path.join(out_dir, 'hf')
    model.save_pretrained(hf_dir)
    vocab = word_tokenizer.write_tokenizer(hf_dir, _vocabulary(config.vocab_size))
    assert len(vocab) == config.vocab_size, len(vocab)
    heads_dir = os.path.join(out_dir, 'heads')
    os.makedirs(heads_dir, exist_ok=True)
    command = [sys.executable, os.path.join(ROOT, 'tools', 'export_onnx.py'), '--model', hf_dir]
    for head in BENCH_HEADS:
        module = linear_head(hidden) if head['kind'] == 'linear' else mlp_head(hidden)
        with torch.no_grad():
            for tensor in module.parameters():
                tensor.copy_(torch.randn(tensor.shape, generator=generator) / hidden ** 0.5)
        path = os.path.join(heads_dir, head['id'] + '.pt')
        torch.save(module.state_dict(), path)
        command += ['--head', path, '--head-id', head['id'], '--family', head['family'], '--budget', head['budget'],
                    '--head-kind', head['kind']]
    command += ['--out', os.path.join(out_dir, 'package')]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with open(stamp_path, 'w', encoding='utf-8') as handle:
        json.dump(recipe, handle, indent=2)
        handle.write('\n')


class Peer:
    def __init__(self):
        torch.set_num_interop_threads(1)
        self.blas = None
        for name in ('libopenblas.so.0', 'libblas.so.3'):
            try:
                library = ctypes.CDLL(name)
            except OSError:
                continue
            if hasattr(library, 'openblas_set_num_threads'):
                self.blas = library
                break
        self.model = None
        self.heads = []

    def threads(self, n):
        torch.set_num_threads(n)
        if self.blas is not None:
            self.blas.openblas_set_num_threads(n)
        return {'torch': torch.get_num_threads(), 'openblas': self.blas.openblas_get_num_threads() if self.blas else None}

    def load(self, hf, lora, heads):
        """The backbone as the package was made from it (LoRA merged, as the exporter does) and the
        heads from their original .pt / .safetensors files."""
        model = LlamaForCausalLM.from_pretrained(hf)
        if lora:
            merge_adapter(model, load_adapter(lora, model))
        self.model = model.eval()
        self.heads = []
        for head in heads:
            kind, state = read_head(head['file'], model.config.hidden_size, head['kind'])
            self.heads.append(head_module(kind, state))
        return {'layers': model.config.num_hidden_layers, 'hidden': model.config.hidden_size, 'heads': len(self.heads)}

    def _batch(self, rows):
        width = max(len(row) for row in rows)
        pad = 0
        ids = torch.tensor([[pad] * (width - len(row)) + list(row) for row in rows], dtype=torch.int64)
        mask = torch.tensor([[0] * (width - len(row)) + [1] * len(row) for row in rows], dtype=torch.int64)
        positions = (torch.cumsum(mask, 1) - 1).clamp(min=0)
        return ids, mask, positions

    def _score_once(self, rows, head_count):
        """Left-padded forward, last-position features, heads: what the ONNX path computes."""
        ids, mask, positions = self._batch(rows)
        started = time.perf_counter()
        hidden, _, _ = self.model(ids, mask, positions)
        features = hidden[:, -1, :]
        forwarded = time.perf_counter()
        confidences = [torch.sigmoid(head(features)).reshape(-1) for head in self.heads[:head_count]]
        finished = time.perf_counter()
        return (forwarded - started) * 1e3, (finished - forwarded) * 1e3, confidences

    def score(self, batches, head_count):
        """Each batch (a list of token-id rows) once, in order; times per batch."""
        forward_ms, heads_ms = [], []
        with torch.no_grad():
            for rows in batches:
                forward, heads, _ = self._score_once(rows, head_count)
                forward_ms.append(forward)
                heads_ms.append(heads)
        return {'forwardMs': forward_ms, 'headsMs': heads_ms}

    def check(self, rows):
        """Confidences of every head for every row (the bench compares them with the ONNX path)."""
        with torch.no_grad():
            _, _, confidences = self._score_once(rows, len(self.heads))
        return {'confidences': [[float(c[row]) for c in confidences] for row in range(len(rows))]}

    def generate(self, prompt, new_tokens, repeat):
        """Greedy decoding with a KV cache: the prompt once, then one token per step with the
        previous presents as past. Each step also takes the chosen token's log-probability, which
        the ONNX runner computes for N-Prob, so both sides do the same work per token."""
        times, tokens = [], []
        with torch.no_grad():
            for _ in range(repeat):
                started = time.perf_counter()
                ids = torch.tensor([prompt], dtype=torch.int64)
                length = len(prompt)
                past = None
                positions = torch.arange(length, dtype=torch.int64).unsqueeze(0)
                out, logprobs = [], []
                for _ in range(new_tokens):
                    mask = torch.ones(1, length, dtype=torch.int64)
                    _, logits, presents = self.model(ids, mask, positions, past)
                    last = logits[0, -1]
                    token = int(torch.argmax(last))
                    logprobs.append(float(torch.log_softmax(last, -1)[token]))
                    out.append(token)
                    past = presents
                    ids = torch.tensor([[token]], dtype=torch.int64)
                    positions = torch.tensor([[length]], dtype=torch.int64)
                    length += 1
                times.append((time.perf_counter() - started) * 1e3)
                tokens = out
        return {'ms': times, 'tokenIds': tokens}

    def handle(self, command):
        op = command.get('op')
        if op == 'threads':
            return self.threads(int(command['n']))
        if op == 'load':
            return self.load(command['hf'], command.get('lora'), command['heads'])
        if op == 'check':
            return self.check(command['rows'])
        if op == 'questions':
            return {'questions': BENCH_QUESTIONS}
        if op == 'score':
            return self.score(command['batches'], int(command['heads']))
        if op == 'generate':
            return self.generate(command['prompt'], int(command['newTokens']), int(command['repeat']))
        raise ValueError(f'unknown op {op!r}')


def serve():
    peer = Peer()
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        if command.get('op') == 'quit':
            break
        try:
            reply = {'ok': True, 'result': peer.handle(command)}
        except Exception as error:  # reported to the bench, which stops with the message
            reply = {'ok': False, 'error': f'{type(error).__name__}: {error}'}
        sys.stdout.write(json.dumps(reply) + '\n')
        sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    make_parser = sub.add_parser('make')
    make_parser.add_argument('--out', required=True)
    sub.add_parser('serve')
    args = parser.parse_args()
    if args.command == 'make':
        make(os.path.abspath(args.out))
    else:
        serve()


if __name__ == '__main__':
    main()
