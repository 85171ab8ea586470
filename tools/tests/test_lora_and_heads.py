"""LoRA merge equals the unmerged forward; adapters and heads that do not fit fail by name."""
import json
import os
import shutil
import tempfile
import unittest

import torch

from fixture_paths import FIXTURE
from elical_tools.confidence_head import HeadError, head_module, read_head
from elical_tools.llama import LlamaForCausalLM
from elical_tools.lora_adapter import AdapterError, load_adapter
from elical_tools.lora_merge import merge_adapter
from elical_tools.lora_unmerged import apply_unmerged
from elical_tools.safetensors_io import load_file, save_file

HF, LORA = os.path.join(FIXTURE, 'hf'), os.path.join(FIXTURE, 'lora')


class LoraTest(unittest.TestCase):
    def test_merged_equals_unmerged_and_differs_from_base(self):
        ids = torch.tensor([[1, 4, 30, 31, 32, 2, 5], [1, 4, 40, 41, 42, 2, 5]])
        base = LlamaForCausalLM.from_pretrained(HF)
        merged = merge_adapter(LlamaForCausalLM.from_pretrained(HF), load_adapter(LORA))
        unmerged = apply_unmerged(LlamaForCausalLM.from_pretrained(HF), load_adapter(LORA))
        with torch.no_grad():
            h_base, _, _ = base(ids)
            h_merged, l_merged, _ = merged(ids)
            h_unmerged, l_unmerged, _ = unmerged(ids)
        self.assertLess((h_merged - h_unmerged).abs().max().item(), 1e-5)
        self.assertLess((l_merged - l_unmerged).abs().max().item(), 1e-5)
        self.assertGreater((h_merged - h_base).abs().max().item(), 1e-2, 'the adapter must matter')

    def test_merge_uses_alpha_over_r(self):
        adapter = load_adapter(LORA)
        self.assertEqual((adapter.rank, adapter.alpha, adapter.scale), (8, 16.0, 2.0))
        base = LlamaForCausalLM.from_pretrained(HF)
        before = base.model.layers[1].mlp.down_proj.weight.clone()
        merge_adapter(base, adapter)
        a, b = adapter.pairs[(1, 'down_proj')]
        expected = before + 2.0 * b @ a
        self.assertLess((base.model.layers[1].mlp.down_proj.weight - expected).abs().max().item(), 1e-6)

    def _copy_adapter(self, folder, edit_config=None, edit_tensors=None):
        target = os.path.join(folder, 'adapter')
        shutil.copytree(LORA, target)
        if edit_config:
            path = os.path.join(target, 'adapter_config.json')
            with open(path, encoding='utf-8') as handle:
                config = json.load(handle)
            edit_config(config)
            with open(path, 'w', encoding='utf-8') as handle:
                json.dump(config, handle)
        if edit_tensors:
            path = os.path.join(target, 'adapter_model.safetensors')
            tensors = load_file(path)[0]
            edit_tensors(tensors)
            save_file(path, tensors)
        return target

    def test_rank_mismatch_is_named(self):
        with tempfile.TemporaryDirectory() as folder:
            adapter = self._copy_adapter(folder, edit_config=lambda c: c.update(r=4))
            with self.assertRaisesRegex(AdapterError, r'rank r=4'):
                load_adapter(adapter)

    def test_adapter_of_another_model_is_named(self):
        def widen(tensors):
            name = 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight'
            tensors[name] = torch.zeros(8, 65)
        with tempfile.TemporaryDirectory() as folder:
            adapter = self._copy_adapter(folder, edit_tensors=widen)
            with self.assertRaisesRegex(AdapterError, r'layer 0 q_proj: LoRA maps 65 -> 64.*64 -> 64'):
                load_adapter(adapter, LlamaForCausalLM.from_pretrained(HF))

    def test_bare_automodel_prefix_is_accepted(self):
        def rename(tensors):
            for name in list(tensors):
                tensors[name.replace('base_model.model.model.', 'base_model.model.')] = tensors.pop(name)
        with tempfile.TemporaryDirectory() as folder:
            adapter = load_adapter(self._copy_adapter(folder, edit_tensors=rename))
            self.assertEqual(len(adapter.pairs), 14)


class HeadTest(unittest.TestCase):
    def test_pt_heads_load_with_detected_kind(self):
        kind, state = read_head(os.path.join(FIXTURE, 'head', 'head_mlp.pt'), 64)
        self.assertEqual(kind, 'mlp')
        feature = torch.randn(64)
        reference = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 16),
                                        torch.nn.ReLU(), torch.nn.Linear(16, 1))
        reference.load_state_dict(torch.load(os.path.join(FIXTURE, 'head', 'head_mlp.pt')))
        with torch.no_grad():
            self.assertTrue(torch.allclose(head_module(kind, state)(feature), reference(feature)))

    def test_wrong_hidden_size_is_named(self):
        with self.assertRaisesRegex(HeadError, r'hidden size 128 needs \(1, 128\)'):
            read_head(os.path.join(FIXTURE, 'head', 'vector_head_epoch_best.pt'), 128)

    def test_kind_disagreement_is_named(self):
        with self.assertRaisesRegex(HeadError, 'holds a linear head'):
            read_head(os.path.join(FIXTURE, 'head', 'vector_head_epoch_best.pt'), 64, 'mlp')


if __name__ == '__main__':
    unittest.main()
