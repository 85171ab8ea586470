"""export_onnx.py and export_release.py end to end: package contents, sha256s, the ONNX graph in
onnxruntime-node against the committed pure-PyTorch reference, and clear failures."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

from fixture_paths import FIXTURE, REPO, TOOLS
from elical_tools.safetensors_io import load_file
from onnx_runtime import node_binary, run_onnx

HF, LORA, HEAD = (os.path.join(FIXTURE, name) for name in ('hf', 'lora', 'head'))
LINEAR, MLP = os.path.join(HEAD, 'vector_head_epoch_best.pt'), os.path.join(HEAD, 'head_mlp.pt')
with open(os.path.join(FIXTURE, 'reference.json'), encoding='utf-8') as _handle:
    REFERENCE = json.load(_handle)


def export(*args):
    return subprocess.run([sys.executable, os.path.join(TOOLS, 'export_onnx.py'), *args], capture_output=True,
                          text=True, cwd=REPO, timeout=300)


def sha256(path):
    with open(path, 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def empty_past(batch, layers=2, dtype=np.float32):
    return {f'past_key_values.{l}.{p}': np.zeros((batch, 2, 0, 16), dtype) for l in range(layers) for p in ('key', 'value')}


def first_call(ids, mask=None, dtype=np.float32):
    ids = np.asarray(ids, dtype=np.int64)
    mask = np.ones_like(ids) if mask is None else np.asarray(mask, dtype=np.int64)
    positions = np.maximum(np.cumsum(mask, 1) - 1, 0)
    return {'input_ids': ids, 'attention_mask': mask, 'position_ids': positions, **empty_past(len(ids), dtype=dtype)}


@unittest.skipUnless(node_binary(), 'node is needed to run onnxruntime-node')
class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp()
        cls.package = os.path.join(cls.work, 'pkg')
        done = export('--model', HF, '--lora', LORA, '--head', LINEAR, '--head-id', 'elical-1000', '--family', 'elical',
                      '--budget', '1000', '--head', MLP, '--head-id', 'eli-only-mlp', '--family', 'eli-only',
                      '--budget', 'all', '--head-kind', 'mlp', '--out', cls.package)
        if done.returncode != 0:
            raise AssertionError(done.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work)

    def test_manifest_sha256s_verify_and_cover_every_file(self):
        with open(os.path.join(self.package, 'manifest.json'), encoding='utf-8') as handle:
            manifest = json.load(handle)
        on_disk = sorted(os.path.relpath(os.path.join(d, f), self.package) for d, _, fs in os.walk(self.package)
                         for f in fs if f != 'manifest.json')
        self.assertEqual(sorted(manifest['files']), on_disk)
        for relative, digest in manifest['files'].items():
            self.assertEqual(sha256(os.path.join(self.package, relative)), digest, relative)
        self.assertEqual(manifest['backbone']['sha256'], sha256(os.path.join(self.package, 'backbone.onnx')))
        self.assertEqual([(h['id'], h['kind'], h['budget'], h['target']) for h in manifest['heads']],
                         [('elical-1000', 'linear', 1000, 'correctness'), ('eli-only-mlp', 'mlp', None, 'consistency')])
        self.assertEqual(manifest['generation']['eosTokenIds'], [2])
        tensors, metadata = load_file(os.path.join(self.package, 'heads', 'eli-only-mlp.safetensors'))
        self.assertEqual((metadata['format'], metadata['kind'], metadata['budget']), ('elical-head', 'mlp', 'all'))
        self.assertTrue(torch.equal(tensors['0.weight'], torch.load(MLP)['0.weight']))

    def test_graph_matches_unmerged_reference_with_empty_past(self):
        cases = REFERENCE['cases']
        outputs = run_onnx(os.path.join(self.package, 'backbone.onnx'), [first_call([c['inputIds']]) for c in cases])
        for case, out in zip(cases, outputs):
            np.testing.assert_allclose(out['last_hidden_state'][0, -1], case['lastHiddenState'], atol=1e-4)
            np.testing.assert_allclose(out['logits'][0, -1], case['lastLogits'], atol=1e-4)
            self.assertEqual(out['present.1.value'].shape, (1, 2, len(case['inputIds']), 16))

    def test_cached_greedy_steps_match_reference_generation(self):
        case = next(c for c in REFERENCE['cases'] if c['greedy']['stoppedOnEos'])
        model = os.path.join(self.package, 'backbone.onnx')
        ids = case['inputIds']
        out = run_onnx(model, [first_call([ids])])[0]
        generated, logprobs = [], []
        total = len(ids)
        # One session per step keeps run_onnx simple; the past comes back from the previous step.
        while True:
            logits = out['logits'][0, -1].astype(np.float64)
            token = int(np.argmax(logits))
            logprobs.append(float(logits[token] - np.log(np.exp(logits - logits.max()).sum()) - logits.max()))
            generated.append(token)
            if token in REFERENCE['eosTokenIds'] or len(generated) == REFERENCE['maxNewTokens']:
                break
            total += 1
            feeds = {'input_ids': np.array([[token]], np.int64), 'attention_mask': np.ones((1, total), np.int64),
                     'position_ids': np.array([[total - 1]], np.int64)}
            feeds.update({f'past_key_values.{l}.{p}': out[f'present.{l}.{p}'] for l in range(2) for p in ('key', 'value')})
            out = run_onnx(model, [feeds])[0]
        self.assertEqual(generated, case['greedy']['tokenIds'])
        np.testing.assert_allclose(logprobs, case['greedy']['logprobs'], atol=1e-4)

    def test_left_padded_batch_matches_reference_rows(self):
        batch = REFERENCE['batch']
        out = run_onnx(os.path.join(self.package, 'backbone.onnx'), [first_call(batch['inputIds'], batch['attentionMask'])])[0]
        for index, row in enumerate(batch['rows']):
            np.testing.assert_allclose(out['last_hidden_state'][index, -1], row['lastHiddenState'], atol=1e-4)
        single = REFERENCE['cases'][0]
        np.testing.assert_allclose(batch['rows'][0]['lastHiddenState'], single['lastHiddenState'], atol=1e-5)

    def test_float16_and_shared_lora_packages(self):
        fp16 = os.path.join(self.work, 'fp16')
        shared = os.path.join(self.work, 'shared')
        done = export('--model', HF, '--lora', LORA, '--head', LINEAR, '--head-id', 'h', '--family', 'elical',
                      '--budget', '1000', '--dtype', 'float16', '--out', fp16)
        self.assertEqual(done.returncode, 0, done.stderr)
        done = export('--model', HF, '--shared-lora', '--lora', LORA, '--head', LINEAR, '--head-id', 'h',
                      '--family', 'elical', '--budget', '1000', '--out', shared)
        self.assertEqual(done.returncode, 0, done.stderr)
        case = REFERENCE['cases'][1]
        half = run_onnx(os.path.join(fp16, 'backbone.onnx'), [first_call([case['inputIds']], dtype=np.float16)])[0]
        self.assertEqual(half['logits'].dtype, np.float16)
        np.testing.assert_allclose(half['last_hidden_state'][0, -1].astype(np.float32), case['lastHiddenState'], atol=3e-2)
        with open(os.path.join(shared, 'manifest.json'), encoding='utf-8') as handle:
            manifest = json.load(handle)
        checkpoint = manifest['lora']['checkpoints'][0]
        self.assertEqual((manifest['lora']['rank'], manifest['heads'][0]['loraCheckpoint']), (8, checkpoint['id']))
        feeds = first_call([case['inputIds']])
        feeds.update({name: t.numpy() for name, t in load_file(os.path.join(shared, checkpoint['file']))[0].items()})
        out = run_onnx(os.path.join(shared, 'backbone.onnx'), [feeds])[0]
        np.testing.assert_allclose(out['last_hidden_state'][0, -1], case['lastHiddenState'], atol=1e-4)

    def test_bad_inputs_fail_clearly_and_write_nothing(self):
        with tempfile.TemporaryDirectory() as folder:
            wrong_rank = os.path.join(folder, 'lora')
            shutil.copytree(LORA, wrong_rank)
            with open(os.path.join(wrong_rank, 'adapter_config.json'), encoding='utf-8') as handle:
                config = json.load(handle)
            config['r'] = 16
            with open(os.path.join(wrong_rank, 'adapter_config.json'), 'w', encoding='utf-8') as handle:
                json.dump(config, handle)
            wide_head = os.path.join(folder, 'wide.pt')
            torch.save(torch.nn.Linear(128, 1).state_dict(), wide_head)
            out = os.path.join(folder, 'out')
            head = ['--head', LINEAR, '--head-id', 'h', '--family', 'elical', '--budget', '10']
            for args, message in (
                    (['--model', folder] + head, 'no config.json'),
                    (['--model', HF, '--lora', wrong_rank] + head, 'rank r=16'),
                    (['--model', HF, '--head', wide_head, '--head-id', 'h', '--family', 'elical', '--budget', '10'],
                     'hidden size 64'),
                    (['--model', HF, '--lora', LORA, '--lora', LORA] + head, 'only with --shared-lora'),
                    (['--model', HF, '--head', LINEAR, '--head-id', 'h', '--family', 'elical'], 'needs --budget')):
                done = export(*args, '--out', out)
                self.assertNotEqual(done.returncode, 0, args)
                self.assertIn(message, done.stderr)
                self.assertFalse(os.path.exists(out), 'a failed export must not leave a package')

    def test_release_folder_becomes_labelled_packages(self):
        release = os.path.join(self.work, 'release')
        config = 'batchsize16_accumulation8_epochs50_weightdecay0.1_r8_alpha16_loradropout0.0'
        for family, suffix in (('greedy', ''), ('right', '_1k_training_samples'), ('hybrid', '_1k_training_samples')):
            best = os.path.join(release, 'lora', f'{family}_answer_conf', 'long_qa', config + suffix, 'best_checkpoints')
            shutil.copytree(LORA, os.path.join(best, 'lora_epoch_best'))
            shutil.copy(LINEAR, os.path.join(best, 'vector_head_epoch_best.pt'))
        mlp_best = os.path.join(release, 'mlp', 'hybrid_answer_conf', 'long_qa', config + '_2k_training_samples',
                                'best_checkpoints')
        os.makedirs(mlp_best)
        shutil.copy(MLP, os.path.join(mlp_best, 'mlp_head_epoch_best.pt'))
        out = os.path.join(self.work, 'release-out')
        done = subprocess.run([sys.executable, os.path.join(TOOLS, 'export_release.py'), '--release', release,
                               '--model', HF, '--out', out], capture_output=True, text=True, timeout=300)
        self.assertEqual(done.returncode, 0, done.stderr)
        labels = {}
        for name in sorted(os.listdir(out)):
            with open(os.path.join(out, name, 'manifest.json'), encoding='utf-8') as handle:
                for head in json.load(handle)['heads']:
                    labels[head['id']] = (name, head['family'], head['budget'], head['kind'])
        self.assertEqual(labels, {
            'eli-only-all': ('lora-eli-only-all', 'eli-only', None, 'linear'),
            'cal-only-1000': ('lora-cal-only-1000', 'cal-only', 1000, 'linear'),
            'elical-1000': ('lora-elical-1000', 'elical', 1000, 'linear'),
            'elical-2000-mlp': ('mlp', 'elical', 2000, 'mlp')})
        # The merged-LoRA package and the base-only package differ in their backbone.
        self.assertNotEqual(sha256(os.path.join(out, 'mlp', 'backbone.onnx')),
                            sha256(os.path.join(out, 'lora-elical-1000', 'backbone.onnx')))


if __name__ == '__main__':
    unittest.main()
