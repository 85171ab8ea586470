"""The plain-PyTorch Llama: cache, padding and checkpoint round trips behave as Llama must."""
import tempfile
import unittest

import torch

import fixture_paths  # noqa: F401  (sets sys.path)
from elical_tools.llama import LlamaForCausalLM, RMSNorm, rope_cos_sin
from elical_tools.llama_config import ConfigError, LlamaConfig


def small_model(tie=False, seed=0):
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=40, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, tie_word_embeddings=tie)
    return LlamaForCausalLM(config).eval()


class LlamaTest(unittest.TestCase):
    def test_rmsnorm_matches_formula(self):
        norm = RMSNorm(4, 1e-6)
        with torch.no_grad():
            norm.weight.copy_(torch.tensor([1.0, 2.0, 0.5, 1.0]))
        x = torch.tensor([[3.0, -4.0, 0.0, 0.0]])
        # mean square = 25 / 4, so x / 2.5 * weight
        self.assertTrue(torch.allclose(norm(x), torch.tensor([[1.2, -3.2, 0.0, 0.0]]), atol=1e-6))

    def test_rope_rotates_pairs_of_half_dimensions(self):
        cos, sin = rope_cos_sin(torch.tensor([[0, 1]]), 4, 10000.0, torch.float32)
        self.assertTrue(torch.allclose(cos[0, 0, 0], torch.ones(4)))
        # position 1, frequencies theta^(-0/4) = 1 and theta^(-2/4) = 0.01
        expected = torch.tensor([1.0, 0.01, 1.0, 0.01])
        self.assertTrue(torch.allclose(torch.asin(sin[0, 0, 1]), expected, atol=1e-6))

    def test_kv_cache_continuation_equals_full_forward(self):
        model = small_model()
        ids = torch.randint(0, 40, (2, 9))
        with torch.no_grad():
            _, full, _ = model(ids)
            _, _, past = model(ids[:, :5])
            _, rest, presents = model(ids[:, 5:], torch.ones(2, 9, dtype=torch.int64), torch.arange(5, 9).expand(2, 4), past)
        self.assertLess((full[:, 5:] - rest).abs().max().item(), 1e-5)
        self.assertEqual(tuple(presents[0][0].shape), (2, 2, 9, 8))

    def test_left_padded_rows_equal_single_rows(self):
        model = small_model()
        rows = [[5, 6, 7, 8, 9, 10], [11, 12, 13]]
        ids = torch.tensor([rows[0], [0, 0, 0] + rows[1]])
        mask = torch.tensor([[1] * 6, [0, 0, 0, 1, 1, 1]])
        with torch.no_grad():
            hidden, logits, _ = model(ids, mask)
            for index, row in enumerate(rows):
                single_hidden, single_logits, _ = model(torch.tensor([row]))
                self.assertLess((hidden[index, -len(row):] - single_hidden[0]).abs().max().item(), 1e-5)
                self.assertLess((logits[index, -1] - single_logits[0, -1]).abs().max().item(), 1e-5)
        self.assertFalse(torch.isnan(hidden).any())

    def test_grouped_query_attention_shares_kv_heads_in_hf_order(self):
        # With 2 kv heads for 4 query heads, duplicating each kv head (HF repeat_kv) into a
        # 4-kv-head model must give the same output.
        model = small_model()
        config = LlamaConfig(**{**model.config.__dict__, 'num_key_value_heads': 4})
        wide = LlamaForCausalLM(config).eval()
        state = model.state_dict()
        for layer in range(2):
            for name in ('k_proj', 'v_proj'):
                key = f'model.layers.{layer}.self_attn.{name}.weight'
                state[key] = state[key].view(2, 1, 8, 32).expand(2, 2, 8, 32).reshape(32, 32)
        wide.load_state_dict(state)
        ids = torch.randint(0, 40, (1, 7))
        with torch.no_grad():
            self.assertLess((model(ids)[1] - wide(ids)[1]).abs().max().item(), 1e-5)

    def test_save_and_load_single_and_sharded(self):
        for tie in (False, True):
            model = small_model(tie)
            ids = torch.randint(0, 40, (1, 5))
            for shard in (None, 8000):
                with tempfile.TemporaryDirectory() as folder:
                    model.save_pretrained(folder, max_shard_bytes=shard)
                    loaded = LlamaForCausalLM.from_pretrained(folder)
                    with torch.no_grad():
                        self.assertTrue(torch.equal(model(ids)[1], loaded(ids)[1]))

    def test_missing_config_fails_clearly(self):
        with tempfile.TemporaryDirectory() as folder:
            with self.assertRaisesRegex(ConfigError, 'no config.json'):
                LlamaForCausalLM.from_pretrained(folder)

    def test_config_rejects_bad_head_split(self):
        with self.assertRaisesRegex(ConfigError, 'not a multiple of num_key_value_heads'):
            LlamaConfig.from_dict({'vocab_size': 8, 'hidden_size': 12, 'intermediate_size': 8, 'num_hidden_layers': 1,
                                   'num_attention_heads': 3, 'num_key_value_heads': 2})


if __name__ == '__main__':
    unittest.main()
