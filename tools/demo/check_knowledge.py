"""Greedy accuracy of a trained demo model by exposure bucket: does it have a knowledge boundary?

Why: the demo model is only useful for EliCal if it knows frequent facts, half-knows rare ones
and guesses at unseen ones. This check answers every question of the split files greedily with
the PyTorch model itself (no export involved) and reports accuracy per exposure bucket
(unseen, 1-2, 3-10, >10), per split and per relation.

Usage: /usr/bin/python3 tools/demo/check_knowledge.py --model .tmp/demo-facts-hf
         [--splits train,test_in,test_ood] [--limit N] [--json OUT]
Judge: normalised containment. Text is lower-cased, every non-alphanumeric run becomes one space
(so the word-level decode "Saint John ' s" equals "Saint John's"), and an answer is correct when
some gold string's words occur as a contiguous run in the answer's words. No article is dropped
(spec: dropping "a" makes every "A" answer correct).
"""
import argparse
import json
import os
import re
import sys
import time

import torch

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOOLS)
from build_demo_data import BUCKETS  # noqa: E402
from elical_tools.llama import LlamaForCausalLM  # noqa: E402
from elical_tools.word_tokenizer import EOS, PAD, SPECIAL_TOKENS, encode, load_vocab, render_chat  # noqa: E402
from train_demo_model import wrap_question  # noqa: E402


def normalise(text):
    return re.sub(r'[^0-9a-z]+', ' ', text.lower()).split()


def is_correct(answer, golds):
    words = normalise(answer)
    for gold in golds:
        target = normalise(gold)
        if target and any(words[i:i + len(target)] == target for i in range(len(words) - len(target) + 1)):
            return True
    return False


def greedy_answers(model, vocab, questions, max_new_tokens=16, batch_size=64):
    """Greedy answers as text: generated words joined by spaces, special tokens left out."""
    inverse = {index: token for token, index in vocab.items()}
    return [' '.join(inverse[token] for token in tokens if inverse[token] not in SPECIAL_TOKENS)
            for tokens in greedy_token_ids(model, vocab, questions, max_new_tokens, batch_size)]


@torch.no_grad()
def greedy_token_ids(model, vocab, questions, max_new_tokens=16, batch_size=64):
    """Greedy token ids (EOS excluded) per question, batched with left padding and a KV cache."""
    eos, pad = vocab[EOS], vocab[PAD]
    answers = []
    for start in range(0, len(questions), batch_size):
        prompts = [encode(render_chat(wrap_question(question)), vocab) for question in questions[start:start + batch_size]]
        width = max(len(prompt) for prompt in prompts)
        ids = torch.full((len(prompts), width), pad, dtype=torch.int64)
        mask = torch.zeros((len(prompts), width), dtype=torch.int64)
        for row, prompt in enumerate(prompts):
            ids[row, width - len(prompt):] = torch.tensor(prompt)
            mask[row, width - len(prompt):] = 1
        _, logits, past = model(ids, attention_mask=mask)
        generated = [[] for _ in prompts]
        done = [False] * len(prompts)
        for _ in range(max_new_tokens):
            next_ids = logits[:, -1].argmax(-1)
            for row, token in enumerate(next_ids.tolist()):
                if not done[row]:
                    if token == eos:
                        done[row] = True
                    else:
                        generated[row].append(token)
            if all(done):
                break
            mask = torch.cat((mask, torch.ones((len(prompts), 1), dtype=torch.int64)), dim=1)
            _, logits, past = model(next_ids.unsqueeze(1), attention_mask=mask, past=past)
        answers.extend(generated)
    return answers


def read_jsonl(path):
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle if line.strip()]


def tally(rows, key):
    table = {}
    for row in rows:
        cell = table.setdefault(row[key], [0, 0])
        cell[0] += row['correct']
        cell[1] += 1
    return {name: {'accuracy': round(100 * right / count, 1), 'n': count} for name, (right, count) in sorted(table.items())}


def main(argv):
    parser = argparse.ArgumentParser(description='Greedy accuracy of the demo model by exposure bucket.')
    parser.add_argument('--model', required=True)
    parser.add_argument('--demo-dir', default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument('--splits', default='train,test_in,test_ood')
    parser.add_argument('--limit', type=int, default=0, help='questions per split (0 = all)')
    parser.add_argument('--json', help='also write the report here')
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    model = LlamaForCausalLM.from_pretrained(args.model)
    vocab = load_vocab(args.model)
    report = {}
    bucket_order = [name for name, _, _ in BUCKETS]
    for split in args.splits.split(','):
        records = read_jsonl(os.path.join(args.demo_dir, 'questions', f'{split}.jsonl'))
        if args.limit:
            records = records[:args.limit]
        started = time.time()
        answers = greedy_answers(model, vocab, [record['question'] for record in records])
        rows = [{'bucket': record['exposure_bucket'], 'relation': record['relation'], 'correct': int(is_correct(answer, record['answer']))}
                for record, answer in zip(records, answers)]
        by_bucket = tally(rows, 'bucket')
        report[split] = {'n': len(rows), 'accuracy': round(100 * sum(row['correct'] for row in rows) / max(1, len(rows)), 1),
                         'byBucket': {name: by_bucket[name] for name in bucket_order if name in by_bucket},
                         'byRelation': tally(rows, 'relation'), 'seconds': round(time.time() - started, 1),
                         'examples': [{'question': record['question'], 'answer': answer, 'gold': record['answer'][:3],
                                       'exposures': record['exposures']} for record, answer in list(zip(records, answers))[:5]]}
        buckets = '  '.join(f'{name}: {cell["accuracy"]}% (n={cell["n"]})' for name, cell in report[split]['byBucket'].items())
        print(f'{split}: {report[split]["accuracy"]}% of {len(rows)}  |  {buckets}', flush=True)
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(report, handle, indent=1)
            handle.write('\n')
    return report


if __name__ == '__main__':
    main(sys.argv[1:])
