"""How much of the demo model's confidence can a linear probe read from its hidden states?

Why: on the demo model Eli-Only (a head on the last-prompt-token hidden state, trained on
self-consistency targets) ranks answers far worse than Cons-Sem (the consistency of 20 sampled
answers), while the paper finds them close. That can be the project's head trainer or the small
model's representation. This script answers it without the project's trainer: scikit-learn
probes, per layer, on the same features.

For every layer output at the last prompt token (the embedding, each decoder layer, and the final
RMSNorm, which is the feature the package's heads read), with the features standardised on the
training pool:
  - consistency probe: RidgeCV on the training pool's consistency (mean of consistency_judgement),
    the Eli-Only target; R^2 on each test split against its own consistency, and AUROC of the
    prediction against greedy correctness (the Eli-Only column of RESULTS.md);
  - correctness probe: LogisticRegressionCV on the training pool's greedy correctness, all labels
    (the Cal-Only(all) column); AUROC against greedy correctness.
The reference is Cons-Sem: the test question's own consistency, scored against its correctness.

Usage: /usr/bin/python3 tools/demo/probe_hidden_states.py [--model tools/demo/checkpoint]
         [--data models/demo-facts/data] [--json OUT]
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from sklearn.linear_model import LogisticRegressionCV, RidgeCV
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.preprocessing import StandardScaler

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOOLS)
from elical_tools.llama import LlamaForCausalLM, attention_bias, default_position_ids, rope_cos_sin  # noqa: E402
from elical_tools.word_tokenizer import PAD, encode, load_vocab, render_chat  # noqa: E402
from train_demo_model import wrap_question  # noqa: E402

SPLITS = ('train', 'test_in', 'test_ood')


def read_jsonl(path):
    with open(path, encoding='utf-8') as handle:
        return [json.loads(line) for line in handle if line.strip()]


@torch.no_grad()
def last_token_layers(model, vocab, questions, batch_size=64):
    """[questions, layers + 2, hidden]: embedding, each decoder layer, final norm, at the last
    prompt token (prompts are left-padded, so that is column -1)."""
    pad = vocab[PAD]
    chunks = []
    for start in range(0, len(questions), batch_size):
        prompts = [encode(render_chat(wrap_question(q)), vocab) for q in questions[start:start + batch_size]]
        width = max(len(p) for p in prompts)
        ids = torch.full((len(prompts), width), pad, dtype=torch.int64)
        mask = torch.zeros((len(prompts), width), dtype=torch.int64)
        for row, prompt in enumerate(prompts):
            ids[row, width - len(prompt):] = torch.tensor(prompt)
            mask[row, width - len(prompt):] = 1
        positions = default_position_ids(mask, width)
        x = model.model.embed_tokens(ids)
        cos, sin = rope_cos_sin(positions, model.config.head_dim, model.config.rope_theta, x.dtype)
        bias = attention_bias(mask, ids, x.dtype)
        outputs = [x[:, -1]]
        for layer in model.model.layers:
            x, _, _ = layer(x, cos, sin, bias, None, None)
            outputs.append(x[:, -1])
        outputs.append(model.model.norm(x)[:, -1])
        chunks.append(torch.stack(outputs, dim=1))
    return torch.cat(chunks).double().numpy()


def layer_names(count):
    return ['embedding'] + [f'layer {i + 1}' for i in range(count)] + ['final norm (head feature)']


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--model', default='tools/demo/checkpoint')
    parser.add_argument('--data', default='models/demo-facts/data')
    parser.add_argument('--json')
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    started = time.time()
    model = LlamaForCausalLM.from_pretrained(args.model).eval()
    vocab = load_vocab(args.model)

    splits = {}
    for split in SPLITS:
        records = read_jsonl(os.path.join(args.data, f'{split}.jsonl'))
        splits[split] = {
            'features': last_token_layers(model, vocab, [r['question'] for r in records]),
            'consistency': np.array([np.mean(r['consistency_judgement']) for r in records]),
            'correct': np.array([int(r['greedy_correctness']) for r in records]),
        }
    train = splits['train']
    tests = [s for s in SPLITS if s != 'train']
    result = {
        'model': args.model, 'data': args.data,
        'n': {s: len(splits[s]['correct']) for s in SPLITS},
        'cons_sem_auroc': {s: roc_auc_score(splits[s]['correct'], splits[s]['consistency']) for s in tests},
        'layers': [],
    }
    for index, name in enumerate(layer_names(model.config.num_hidden_layers)):
        scaler = StandardScaler().fit(train['features'][:, index])
        x_train = scaler.transform(train['features'][:, index])
        ridge = RidgeCV(alphas=np.logspace(-2, 4, 13)).fit(x_train, train['consistency'])
        logistic = LogisticRegressionCV(Cs=np.logspace(-4, 2, 13), max_iter=5000, scoring='roc_auc', cv=5).fit(x_train, train['correct'])
        row = {'layer': name, 'ridge_alpha': float(ridge.alpha_), 'train_r2': float(ridge.score(x_train, train['consistency'])), 'splits': {}}
        for split in tests:
            x_test = scaler.transform(splits[split]['features'][:, index])
            predicted = ridge.predict(x_test)
            row['splits'][split] = {
                'consistency_r2': float(r2_score(splits[split]['consistency'], predicted)),
                'consistency_probe_auroc': float(roc_auc_score(splits[split]['correct'], predicted)),
                'correctness_probe_auroc': float(roc_auc_score(splits[split]['correct'], logistic.decision_function(x_test))),
            }
        result['layers'].append(row)
    result['seconds'] = round(time.time() - started, 1)

    print(f"Cons-Sem AUROC: " + ', '.join(f'{s} {100 * v:.1f}' for s, v in result['cons_sem_auroc'].items()))
    print('| features | train R^2 | ' + ' | '.join(f'{s} R^2 | {s} AUROC (consistency probe) | {s} AUROC (correctness probe)' for s in tests) + ' |')
    print('|---|---:|' + '---:|---:|---:|' * len(tests))
    for row in result['layers']:
        cells = [f"{row['train_r2']:.2f}"]
        for split in tests:
            cell = row['splits'][split]
            cells += [f"{cell['consistency_r2']:.2f}", f"{100 * cell['consistency_probe_auroc']:.1f}", f"{100 * cell['correctness_probe_auroc']:.1f}"]
        print(f"| {row['layer']} | " + ' | '.join(cells) + ' |')
    print(f"({result['seconds']} s)")
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as handle:
            json.dump(result, handle, indent=1)
            handle.write('\n')


if __name__ == '__main__':
    main(sys.argv[1:])
