"""Trains the embedded demo model from scratch: a small Llama that knows some real facts.

Why: no pretrained model can be installed on these machines, yet the extension needs a real
language model with a real knowledge boundary. This script reads the corpus that
tools/build_demo_data.py made (fact statements with heavy-tailed exposures, plus chat-format QA
pairs on a few "format" facts so the model learns to answer in the prompt the product uses) and
trains a word-level Llama on it. Facts left out of the corpus are unknown to the model; asked
about them, it guesses.

Usage:
  /usr/bin/python3 tools/train_demo_model.py --out .tmp/demo-facts-hf            # full run
  /usr/bin/python3 tools/train_demo_model.py --out /tmp/smoke --smoke            # CI: seconds
Writes Hugging Face layout to --out: config.json, model.safetensors, tokenizer.json,
tokenizer_config.json (with the chat template), generation_config.json, train_report.json.
Deterministic for a given seed and thread count (2 threads; torch CPU kernels may reorder sums
with another count).
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from elical_tools.llama import LlamaForCausalLM  # noqa: E402
from elical_tools.llama_config import LlamaConfig  # noqa: E402
from elical_tools.word_tokenizer import (BOS, EOS, PAD, SPECIAL_TOKENS, encode, pre_tokenize,  # noqa: E402
                                         render_chat, write_tokenizer)

# The EliCal prompt (shared/spec/elical.md, Prompt); the model is trained to answer after it.
PROMPT_WRAPPER = 'Answer the following question.\nQuestion: {question}\nAnswer: '
IGNORE = -100
DEMO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'demo')

FULL = {'hidden': 192, 'layers': 4, 'heads': 6, 'kv_heads': 2, 'intermediate': 640, 'steps': 2000,
        'tokens_per_step': 1024, 'lr': 2e-3, 'warmup': 100}
SMOKE = {'hidden': 32, 'layers': 1, 'heads': 2, 'kv_heads': 1, 'intermediate': 64, 'steps': 3,
         'tokens_per_step': 256, 'lr': 2e-3, 'warmup': 1}


def read_jsonl(path):
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle if line.strip()]


def wrap_question(question):
    return PROMPT_WRAPPER.replace('{question}', question)


def collect_words(demo_dir, corpus):
    """Every word of the corpus, of every question and of the prompt, sorted: a stable vocabulary.

    Questions about facts the model never read still tokenise into known words (as a real
    model's vocabulary covers text it never learned facts from); those words' embeddings simply
    stay untrained. Aliases are not included: they are gold strings for judging, not model text.
    """
    words = set(pre_tokenize(render_chat(wrap_question(''))))
    for record in corpus:
        for key in ('text', 'question', 'answer'):
            if key in record:
                words.update(pre_tokenize(record[key]))
    for name in ('train', 'test_in', 'test_ood'):
        for record in read_jsonl(os.path.join(demo_dir, 'questions', f'{name}.jsonl')):
            words.update(pre_tokenize(record['question']))
            words.update(pre_tokenize(record['answer'][0]))
    return sorted(words - set(SPECIAL_TOKENS))


def encode_examples(corpus, vocab):
    """(ids, labels) per example. Statements: loss on every token after BOS. QA: loss on the
    answer and its EOS only, so the model learns to answer, not to predict questions."""
    bos, eos = vocab[BOS], vocab[EOS]
    examples = []
    for record in corpus:
        if record['kind'] == 'statement':
            ids = [bos] + encode(record['text'], vocab) + [eos]
            labels = [IGNORE] + ids[1:]
        elif record['kind'] == 'qa':
            prompt = encode(render_chat(wrap_question(record['question'])), vocab)
            answer = encode(record['answer'], vocab) + [eos]
            ids = prompt + answer
            labels = [IGNORE] * len(prompt) + answer
        else:
            raise ValueError(f'unknown corpus record kind {record["kind"]!r}')
        examples.append((ids, labels))
    return examples


def batches_for_epoch(examples, tokens_per_step, rng):
    """Shuffled batches of about tokens_per_step real tokens; lengths are grouped within
    windows of the shuffled order so right padding wastes little."""
    order = list(range(len(examples)))
    rng.shuffle(order)
    window = 64 * max(1, tokens_per_step // 16)
    batches = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start:start + window], key=lambda index: len(examples[index][0]))
        current, tokens = [], 0
        for index in chunk:
            current.append(index)
            tokens += len(examples[index][0])
            if tokens >= tokens_per_step:
                batches.append(current)
                current, tokens = [], 0
        if current:
            batches.append(current)
    rng.shuffle(batches)
    return batches


def collate(examples, indices, pad_id):
    width = max(len(examples[index][0]) for index in indices)
    ids = torch.full((len(indices), width), pad_id, dtype=torch.int64)
    labels = torch.full((len(indices), width), IGNORE, dtype=torch.int64)
    for row, index in enumerate(indices):
        tokens, targets = examples[index]
        ids[row, :len(tokens)] = torch.tensor(tokens)
        labels[row, :len(targets)] = torch.tensor(targets)
    return ids, labels


def learning_rate(step, total, peak, warmup):
    """Linear warm-up to peak, then cosine decay to 10 % of peak at the last step."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def write_generation_config(out_dir, vocab):
    document = {'bos_token_id': vocab[BOS], 'eos_token_id': vocab[EOS], 'pad_token_id': vocab[PAD],
                'do_sample': False, 'max_new_tokens': 32}
    with open(os.path.join(out_dir, 'generation_config.json'), 'w', encoding='utf-8') as handle:
        json.dump(document, handle, indent=2)
        handle.write('\n')


def save_checkpoint(out_dir, model, vocab, report):
    model.eval()
    model.save_pretrained(out_dir)
    write_generation_config(out_dir, vocab)
    with open(os.path.join(out_dir, 'train_report.json'), 'w', encoding='utf-8') as handle:
        json.dump(report, handle, indent=1)
        handle.write('\n')


def train(args):
    settings = dict(SMOKE if args.smoke else FULL)
    for key in settings:
        value = getattr(args, key, None)
        if value is not None:
            settings[key] = value
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    corpus = read_jsonl(os.path.join(args.demo_dir, 'lm_corpus.jsonl'))
    if not corpus:
        raise SystemExit(f'{args.demo_dir}/lm_corpus.jsonl is empty: run tools/build_demo_data.py first')
    os.makedirs(args.out, exist_ok=True)
    vocab = write_tokenizer(args.out, collect_words(args.demo_dir, corpus))
    examples = encode_examples(corpus, vocab)

    config = LlamaConfig(vocab_size=len(vocab), hidden_size=settings['hidden'], intermediate_size=settings['intermediate'],
                         num_hidden_layers=settings['layers'], num_attention_heads=settings['heads'],
                         num_key_value_heads=settings['kv_heads'], max_position_embeddings=256, rms_norm_eps=1e-5,
                         tie_word_embeddings=True, bos_token_id=vocab[BOS], eos_token_id=vocab[EOS], pad_token_id=vocab[PAD])
    model = LlamaForCausalLM(config)
    # Small init keeps untrained rows (words of never-read facts) near zero, so their logits stay low.
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if parameter.dim() == 2:
                parameter.normal_(0.0, 0.02)
    parameters = sum(parameter.numel() for parameter in model.parameters())
    decay = [parameter for parameter in model.parameters() if parameter.dim() == 2]
    no_decay = [parameter for parameter in model.parameters() if parameter.dim() < 2]
    optimizer = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': no_decay, 'weight_decay': 0.0}],
                                  lr=settings['lr'], betas=(0.9, 0.95))
    epoch_tokens = sum(len(ids) for ids, _ in examples)
    print(f'parameters {parameters:,}  vocab {len(vocab)}  examples {len(examples)}  tokens/epoch {epoch_tokens:,}  '
          f'steps {settings["steps"]}  settings {settings}', flush=True)

    started = time.time()
    losses, queue, step, epoch = [], [], 0, 0
    model.train()
    while step < settings['steps']:
        if not queue:
            queue = batches_for_epoch(examples, settings['tokens_per_step'], rng)
            epoch += 1
        ids, labels = collate(examples, queue.pop(), vocab[PAD])
        for group in optimizer.param_groups:
            group['lr'] = learning_rate(step, settings['steps'], settings['lr'], settings['warmup'])
        # Right padding needs no mask: under causal attention real tokens never see later pads.
        _, logits, _ = model(ids)
        loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1),
                                                 ignore_index=IGNORE)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        step += 1
        if args.save_every and step % args.save_every == 0 and step < settings['steps']:
            # Interim checkpoints let a long run on a shared machine be checked before it ends.
            save_checkpoint(args.out, model, vocab, {'schemaVersion': 1, 'seed': args.seed, 'interimStep': step,
                                                      'settings': settings, 'wallSeconds': round(time.time() - started, 1)})
            model.train()
        if step % args.log_every == 0 or step == settings['steps']:
            recent = losses[-args.log_every:]
            print(f'step {step}/{settings["steps"]}  epoch {epoch}  loss {sum(recent) / len(recent):.4f}  '
                  f'lr {optimizer.param_groups[0]["lr"]:.2e}  {time.time() - started:.0f} s', flush=True)

    wall = time.time() - started
    tail = losses[-min(len(losses), 50):]
    report = {'schemaVersion': 1, 'seed': args.seed, 'threads': args.threads, 'parameters': parameters,
              'vocabSize': len(vocab), 'examples': len(examples), 'tokensPerEpoch': epoch_tokens, 'epochs': epoch,
              'settings': settings, 'finalLoss': sum(tail) / len(tail), 'wallSeconds': round(wall, 1),
              'lossEvery50': [round(sum(losses[i:i + 50]) / len(losses[i:i + 50]), 4) for i in range(0, len(losses), 50)]}
    save_checkpoint(args.out, model, vocab, report)
    print(f'done: {parameters:,} parameters, final loss {report["finalLoss"]:.4f}, {wall:.0f} s -> {args.out}', flush=True)
    return report


def main(argv):
    parser = argparse.ArgumentParser(description='Train the demo fact model (word-level Llama) from scratch.')
    parser.add_argument('--out', required=True, help='output folder (Hugging Face layout)')
    parser.add_argument('--demo-dir', default=DEMO_DIR)
    parser.add_argument('--seed', type=int, default=20251127)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--smoke', action='store_true', help='a tiny model and a few steps, for CI')
    parser.add_argument('--steps', type=int)
    parser.add_argument('--hidden', type=int)
    parser.add_argument('--layers', type=int)
    parser.add_argument('--heads', type=int)
    parser.add_argument('--kv-heads', dest='kv_heads', type=int)
    parser.add_argument('--intermediate', type=int)
    parser.add_argument('--tokens-per-step', dest='tokens_per_step', type=int)
    parser.add_argument('--lr', type=float)
    parser.add_argument('--warmup', type=int)
    parser.add_argument('--log-every', dest='log_every', type=int, default=50)
    parser.add_argument('--save-every', dest='save_every', type=int, default=250,
                        help='write an interim checkpoint to --out every N steps (0: only at the end)')
    args = parser.parse_args(argv)
    if args.steps is not None and args.steps < 1:
        parser.error('--steps must be at least 1')
    train(args)


if __name__ == '__main__':
    main(sys.argv[1:])
