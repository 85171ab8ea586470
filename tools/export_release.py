#!/usr/bin/env python3
"""Command line: turn a folder laid out like the EliCal release into model packages.

Why: the release holds dozens of checkpoints (three families x many label budgets); exporting
each by hand invites mislabelled heads. Layout read (the released model card's):
  RELEASE/lora/{greedy,right,hybrid}_answer_conf/<task>/<config>[_<N>k_training_samples]/
      best_checkpoints/{lora_epoch_best/, vector_head_epoch_best.pt}
  RELEASE/mlp/{greedy,right,hybrid}_answer_conf/<task>/<config>[...]/best_checkpoints/<head>.pt
Families: greedy = eli-only, right = cal-only, hybrid = elical. Budget: N*1000 from the
`_<N>k_training_samples` suffix, none = all labels.
Output: each LoRA checkpoint changes the backbone, so each becomes OUT/lora-<family>-<budget>/
(adapter merged; or, with --shared-lora, all of them one package OUT/lora-shared/); the frozen-
backbone heads of mlp/ all share the base model, so they become one package OUT/mlp/.

Usage: /usr/bin/python3 tools/export_release.py --release DIR --model HF_DIR --out OUT_DIR
       [--dtype float32|float16] [--shared-lora]
"""
import argparse
import os
import re
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from elical_tools.confidence_head import HeadError  # noqa: E402
from elical_tools.llama_config import ConfigError  # noqa: E402
from elical_tools.lora_adapter import AdapterError  # noqa: E402
from elical_tools.package_writer import PackageError, export_package  # noqa: E402
from elical_tools.safetensors_io import SafetensorsError  # noqa: E402

FAMILY_OF_DIR = {'greedy_answer_conf': 'eli-only', 'right_answer_conf': 'cal-only', 'hybrid_answer_conf': 'elical'}
_BUDGET = re.compile(r'_(\d+)k_training_samples$')


def budget_of(config_dir):
    """`..._1k_training_samples` -> 1000; no suffix -> None (all labels)."""
    match = _BUDGET.search(config_dir)
    return int(match.group(1)) * 1000 if match else None


def find_checkpoints(release, kind):
    """[{family, task, budget, dir (best_checkpoints)}] under RELEASE/<kind>/, sorted for stable ids."""
    root = os.path.join(release, kind)
    found = []
    if not os.path.isdir(root):
        return found
    for family_dir in sorted(os.listdir(root)):
        if family_dir not in FAMILY_OF_DIR:
            continue
        for task in sorted(os.listdir(os.path.join(root, family_dir))):
            task_dir = os.path.join(root, family_dir, task)
            if not os.path.isdir(task_dir):
                continue
            for config_dir in sorted(os.listdir(task_dir)):
                best = os.path.join(task_dir, config_dir, 'best_checkpoints')
                if os.path.isdir(best):
                    found.append({'family': FAMILY_OF_DIR[family_dir], 'task': task,
                                  'budget': budget_of(config_dir), 'dir': best})
    return found


def head_id(item, tasks, suffix=''):
    budget = 'all' if item['budget'] is None else str(item['budget'])
    task = f'{item["task"]}-' if len(tasks) > 1 else ''
    return re.sub(r'[^A-Za-z0-9._-]', '-', f'{task}{item["family"]}-{budget}{suffix}')


def plan(release):
    """[(package name, groups, shared?)] describing every package to write; validates the layout."""
    lora = find_checkpoints(release, 'lora')
    mlp = find_checkpoints(release, 'mlp')
    if not lora and not mlp:
        raise PackageError(f'{release}: no lora/ or mlp/ checkpoints found '
                           '(expected <kind>/{greedy,right,hybrid}_answer_conf/<task>/<config>/best_checkpoints)')
    tasks = {item['task'] for item in lora + mlp}
    lora_groups = []
    for item in lora:
        adapter = os.path.join(item['dir'], 'lora_epoch_best')
        head = os.path.join(item['dir'], 'vector_head_epoch_best.pt')
        for path in (adapter, head):
            if not os.path.exists(path):
                raise PackageError(f'{item["dir"]}: missing {os.path.basename(path)}')
        lora_groups.append({'lora': adapter, 'heads': [{'file': head, 'id': head_id(item, tasks), 'family': item['family'],
                                                        'budget': item['budget'], 'kind': None}]})
    mlp_heads = []
    for item in mlp:
        files = sorted(name for name in os.listdir(item['dir']) if name.endswith(('.pt', '.safetensors')))
        if len(files) != 1:
            raise PackageError(f'{item["dir"]}: expected exactly one head file (.pt or .safetensors), found {files}')
        mlp_heads.append({'file': os.path.join(item['dir'], files[0]), 'id': head_id(item, tasks, '-mlp'),
                          'family': item['family'], 'budget': item['budget'], 'kind': None})
    return lora_groups, mlp_heads


def main(argv=None):
    parser = argparse.ArgumentParser(prog='export_release.py', description=__doc__.split('\n\n')[0],
                                     epilog=__doc__.split('\n\n', 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--release', required=True, metavar='DIR', help='release folder (holds lora/ and/or mlp/)')
    parser.add_argument('--model', required=True, metavar='HF_DIR', help='the base model in Hugging Face layout')
    parser.add_argument('--out', required=True, metavar='OUT_DIR', help='folder that receives one folder per package')
    parser.add_argument('--dtype', default='float32', choices=['float32', 'float16'])
    parser.add_argument('--shared-lora', action='store_true', help='one package, LoRA checkpoints as graph inputs')
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    command = 'python3 tools/export_release.py ' + ' '.join(shlex.quote(a) for a in argv)
    try:
        lora_groups, mlp_heads = plan(args.release)
        written = []
        if lora_groups and args.shared_lora:
            written.append(export_package(args.model, os.path.join(args.out, 'lora-shared'), lora_groups, args.dtype,
                                          True, command=command))
        else:
            for group in lora_groups:
                written.append(export_package(args.model, os.path.join(args.out, f'lora-{group["heads"][0]["id"]}'),
                                              [group], args.dtype, command=command))
        if mlp_heads:
            written.append(export_package(args.model, os.path.join(args.out, 'mlp'), [{'lora': None, 'heads': mlp_heads}],
                                          args.dtype, command=command))
    except (ConfigError, AdapterError, HeadError, PackageError, SafetensorsError) as error:
        print(f'export_release.py: error: {error}', file=sys.stderr)
        return 2
    for manifest in written:
        print(manifest)
    return 0


if __name__ == '__main__':
    sys.exit(main())
