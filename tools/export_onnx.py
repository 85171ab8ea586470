#!/usr/bin/env python3
"""Command line: turn a Hugging Face Llama checkpoint (+ LoRA, + heads) into a model package.

Why a hand-made option grouping: a package holds several heads, each with its own id, family
and budget, so --head starts a group that the following head options describe, and with
--shared-lora each --lora starts a group that its following heads belong to.
"""
import argparse
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from elical_tools.confidence_head import HeadError  # noqa: E402
from elical_tools.llama_config import ConfigError  # noqa: E402
from elical_tools.lora_adapter import AdapterError  # noqa: E402
from elical_tools.package_writer import PackageError, export_package  # noqa: E402
from elical_tools.safetensors_io import SafetensorsError  # noqa: E402

USAGE = ('export_onnx.py --model HF_DIR [--lora ADAPTER_DIR] [--head HEAD_FILE --head-id ID '
         '--family eli-only|cal-only|elical --budget N|all [--head-kind linear|mlp]]... '
         '[--dtype float32|float16] [--shared-lora] --out PKG_DIR')
EPILOG = """\
Option groups:
  --head FILE starts a head; the --head-id, --family, --budget and --head-kind after it
  describe that head (each required once per head except --head-kind, which is detected from
  the tensor names when left out). Repeat the group for more heads.
  --lora may be given once (merged into the weights: W += (lora_alpha / r) B A). With
  --shared-lora it may repeat: each adapter becomes lora/ID.safetensors (ID = the adapter's
  folder name) fed to one shared backbone as graph inputs, and the heads that follow a --lora
  belong to that adapter.

Head files: a torch state dict (.pt, e.g. vector_head_epoch_best.pt; nn.Linear(H, 1) or the
3-layer MLP) or a .safetensors head. Family eli-only gets target "consistency", the others
"correctness". --budget is the number of correctness labels, or "all".

Example:
  /usr/bin/python3 tools/export_onnx.py --model hf/ --lora lora/ \\
    --head head/vector_head_epoch_best.pt --head-id elical-1000 --family elical --budget 1000 \\
    --out package/
"""


class _StartGroup(argparse.Action):
    """--head / --lora: open a new group holding this value."""

    def __call__(self, parser, namespace, value, option_string=None):
        groups = namespace.groups
        if self.dest == 'lora':
            namespace.lora_count += 1
            if groups and groups[-1]['lora'] is None and not groups[-1]['heads'] and namespace.lora_count == 1:
                groups[-1]['lora'] = value
            else:
                groups.append({'lora': value, 'heads': []})
        else:
            groups[-1]['heads'].append({'file': value, 'id': None, 'family': None, 'budget': None,
                                        'budget_given': False, 'kind': None})


class _HeadField(argparse.Action):
    """--head-id / --family / --budget / --head-kind: describe the latest --head."""

    def __call__(self, parser, namespace, value, option_string=None):
        heads = namespace.groups[-1]['heads']
        if not heads:
            parser.error(f'{option_string} must follow a --head FILE')
        head = heads[-1]
        key = self.dest
        if key == 'budget':
            if head['budget_given']:
                parser.error(f'{option_string} given twice for head {head["file"]}')
            head['budget_given'] = True
            if value != 'all':
                try:
                    value = int(value)
                except ValueError:
                    parser.error(f'--budget {value!r}: give a positive label count or "all"')
                if value <= 0:
                    parser.error(f'--budget {value}: give a positive label count or "all"')
            else:
                value = None
        elif head[key] is not None:
            parser.error(f'{option_string} given twice for head {head["file"]}')
        head[key] = value


def build_parser():
    parser = argparse.ArgumentParser(prog='export_onnx.py', usage=USAGE, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     description='Export a Hugging Face Llama checkpoint, optional LoRA adapter(s) '
                                                 'and confidence heads as an EliCal model package '
                                                 '(docs/model-package.md).')
    parser.add_argument('--model', required=True, metavar='HF_DIR',
                        help='Hugging Face model folder: config.json, model.safetensors or shards + index, '
                             'tokenizer.json, tokenizer_config.json')
    parser.add_argument('--lora', dest='lora', action=_StartGroup, metavar='ADAPTER_DIR',
                        help='PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors)')
    parser.add_argument('--head', dest='head', action=_StartGroup, metavar='HEAD_FILE', help='head file (.pt or .safetensors)')
    parser.add_argument('--head-id', dest='id', action=_HeadField, metavar='ID', help='head id in the package')
    parser.add_argument('--family', dest='family', action=_HeadField, choices=['eli-only', 'cal-only', 'elical'])
    parser.add_argument('--budget', dest='budget', action=_HeadField, metavar='N|all', help='label budget')
    parser.add_argument('--head-kind', dest='kind', action=_HeadField, choices=['linear', 'mlp'],
                        help='head layout (detected when omitted)')
    parser.add_argument('--dtype', default='float32', choices=['float32', 'float16'],
                        help='backbone weights, cache and outputs (float16 stores half, computes in float32)')
    parser.add_argument('--shared-lora', action='store_true', help='keep LoRA A/B as graph inputs (see below)')
    parser.add_argument('--out', required=True, metavar='PKG_DIR', help='package folder to write (replaced if it is a package)')
    return parser


def parse(argv):
    parser = build_parser()
    namespace = argparse.Namespace(groups=[{'lora': None, 'heads': []}], lora_count=0)
    args = parser.parse_args(argv, namespace)
    if args.lora_count > 1 and not args.shared_lora:
        parser.error('--lora may repeat only with --shared-lora')
    for group in args.groups:
        for head in group['heads']:
            missing = [flag for flag, key in (('--head-id', 'id'), ('--family', 'family')) if head[key] is None]
            if not head['budget_given']:
                missing.append('--budget')
            if missing:
                parser.error(f'head {head["file"]} needs {", ".join(missing)}')
    args.groups = [group for group in args.groups if group['lora'] or group['heads']]
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    try:
        manifest = export_package(args.model, args.out, args.groups, args.dtype, args.shared_lora,
                                  command='python3 tools/export_onnx.py ' + ' '.join(shlex.quote(a) for a in argv))
    except (ConfigError, AdapterError, HeadError, PackageError, SafetensorsError) as error:
        print(f'export_onnx.py: error: {error}', file=sys.stderr)
        return 2
    print(manifest)
    return 0


if __name__ == '__main__':
    sys.exit(main())
