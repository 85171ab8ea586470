"""A Llama-architecture causal language model in plain PyTorch, loading Hugging Face layout.

Why: the exporter, the tiny test fixture and the demo-model training need the exact Llama
forward (RMSNorm, RoPE, SwiGLU, grouped-query attention) on machines that have Debian's torch
1.13 but neither transformers nor scaled_dot_product_attention. Parameter names equal Hugging
Face's, so `state_dict()` keys are the checkpoint's tensor names and a checkpoint saved here
loads in transformers and back.

The forward is written so torch.onnx tracing yields a graph with dynamic batch, sequence and
past lengths: the causal mask is built from cumulative sums of the masks rather than from Python
integers taken from shapes, and every path works with a past of length 0.
"""
import json
import math
import os

import torch
from torch import nn

from .llama_config import ConfigError, LlamaConfig
from .safetensors_io import load_file, save_file

SINGLE_FILE = 'model.safetensors'
INDEX_FILE = 'model.safetensors.index.json'


class RMSNorm(nn.Module):
    """y = x / sqrt(mean(x^2) + eps) * weight, computed in float32 as Llama does."""

    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x32 = x.float()
        x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x32.to(dtype)


def rotate_half(x):
    """(x1, x2) -> (-x2, x1) over the two halves of the last dimension (Llama's RoPE layout)."""
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rope_cos_sin(position_ids, head_dim, theta, dtype):
    """cos and sin [batch, 1, seq, head_dim] for angles position * theta^(-2i/head_dim)."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    angles = position_ids.to(torch.float32).unsqueeze(-1) * inv_freq
    angles = torch.cat((angles, angles), dim=-1).unsqueeze(1)
    return angles.cos().to(dtype), angles.sin().to(dtype)


def attention_bias(attention_mask, query_length_like, dtype):
    """Additive mask [batch, 1, seq, past + seq]: 0 where key is real and not in the future.

    A query at absolute index past + i may see key j when j <= past + i and attention_mask[j] = 1.
    Disallowed scores get the dtype's most negative finite value (not -inf), so a pad query that
    sees no key gets a finite, ignorable row instead of NaN.
    """
    key_index = torch.cumsum(torch.ones_like(attention_mask), dim=1) - 1            # [B, K]
    query_count = torch.cumsum(torch.ones_like(query_length_like), dim=1)           # [B, T]
    offset = key_index[:, -1:] + 1 - query_count[:, -1:]                            # past length
    query_index = query_count - 1 + offset                                          # [B, T]
    allowed = (key_index.unsqueeze(1) <= query_index.unsqueeze(2)) & (attention_mask.unsqueeze(1) > 0)
    zero = torch.zeros((), dtype=dtype)
    blocked = torch.full((), torch.finfo(dtype).min, dtype=dtype)
    return torch.where(allowed, zero, blocked).unsqueeze(1)


class LlamaAttention(nn.Module):
    """Grouped-query self-attention: query head h reads key/value head h // (heads / kv_heads)."""

    def __init__(self, config):
        super().__init__()
        self.num_heads = config.num_attention_heads
        self.num_kv_heads = config.num_key_value_heads
        self.head_dim = config.head_dim
        self.q_proj = nn.Linear(config.hidden_size, self.num_heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(config.hidden_size, self.num_kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(config.hidden_size, self.num_kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(self.num_heads * self.head_dim, config.hidden_size, bias=False)

    def forward(self, x, cos, sin, bias, past_key, past_value):
        batch, seq, _ = x.shape
        group = self.num_heads // self.num_kv_heads
        q = self.q_proj(x).view(batch, seq, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(batch, seq, self.num_kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(batch, seq, self.num_kv_heads, self.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_key is not None:
            k = torch.cat((past_key, k), dim=2)
            v = torch.cat((past_value, v), dim=2)
        # Broadcasting over a group axis shares each kv head with its query heads without copying.
        qg = q.reshape(batch, self.num_kv_heads, group, seq, self.head_dim)
        scores = torch.matmul(qg, k.unsqueeze(2).transpose(-1, -2)) / math.sqrt(self.head_dim)
        scores = scores + bias.unsqueeze(2)
        probs = torch.softmax(scores.float(), dim=-1).to(q.dtype)
        out = torch.matmul(probs, v.unsqueeze(2))                       # [B, kv, group, T, D]
        out = out.reshape(batch, self.num_heads, seq, self.head_dim).transpose(1, 2)
        out = out.reshape(batch, seq, self.num_heads * self.head_dim)
        return self.o_proj(out), k, v


class LlamaMLP(nn.Module):
    """SwiGLU: down(silu(gate(x)) * up(x))."""

    def __init__(self, config):
        super().__init__()
        self.gate_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.up_proj = nn.Linear(config.hidden_size, config.intermediate_size, bias=False)
        self.down_proj = nn.Linear(config.intermediate_size, config.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class LlamaDecoderLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.self_attn = LlamaAttention(config)
        self.mlp = LlamaMLP(config)
        self.input_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps)

    def forward(self, x, cos, sin, bias, past_key, past_value):
        attended, key, value = self.self_attn(self.input_layernorm(x), cos, sin, bias, past_key, past_value)
        x = x + attended
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, key, value


class LlamaModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size)
        self.layers = nn.ModuleList(LlamaDecoderLayer(config) for _ in range(config.num_hidden_layers))
        self.norm = RMSNorm(config.hidden_size, config.rms_norm_eps)


def default_position_ids(attention_mask, seq):
    """Left-padding positions max(cumsum(mask) - 1, 0), last `seq` columns (the new tokens)."""
    positions = (torch.cumsum(attention_mask, dim=1) - 1).clamp(min=0)
    return positions[:, -seq:]


class LlamaForCausalLM(nn.Module):
    """Llama with its LM head. forward() returns (final-norm hidden, logits, presents).

    presents is a list of (key, value) per layer, each [batch, kv_heads, past + seq, head_dim],
    post-RoPE, ready to be passed back as `past`.
    """

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.model = LlamaModel(config)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        if config.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight

    def forward(self, input_ids, attention_mask=None, position_ids=None, past=None):
        batch, seq = input_ids.shape
        past_length = 0 if past is None else past[0][0].shape[2]
        if attention_mask is None:
            attention_mask = torch.ones(batch, past_length + seq, dtype=torch.int64)
        if position_ids is None:
            position_ids = default_position_ids(attention_mask, seq)
        x = self.model.embed_tokens(input_ids)
        cos, sin = rope_cos_sin(position_ids, self.config.head_dim, self.config.rope_theta, x.dtype)
        bias = attention_bias(attention_mask, input_ids, x.dtype)
        presents = []
        for index, layer in enumerate(self.model.layers):
            past_key, past_value = (None, None) if past is None else past[index]
            x, key, value = layer(x, cos, sin, bias, past_key, past_value)
            presents.append((key, value))
        hidden = self.model.norm(x)
        return hidden, self.lm_head(hidden), presents

    # ---- Hugging Face layout -------------------------------------------------------------

    def hf_state_dict(self):
        """Tensors as a Hugging Face checkpoint stores them (lm_head omitted when tied)."""
        state = {name: tensor for name, tensor in self.state_dict().items()}
        if self.config.tie_word_embeddings:
            state.pop('lm_head.weight', None)
        return state

    def save_pretrained(self, model_dir, max_shard_bytes=None):
        """Writes config.json and model.safetensors, or shards + index when over max_shard_bytes."""
        os.makedirs(model_dir, exist_ok=True)
        self.config.save(model_dir)
        state = self.hf_state_dict()
        if max_shard_bytes is None:
            save_file(os.path.join(model_dir, SINGLE_FILE), state, {'format': 'pt'})
            return
        shards = [{}]
        sizes = [0]
        for name in sorted(state):
            nbytes = state[name].numel() * state[name].element_size()
            if shards[-1] and sizes[-1] + nbytes > max_shard_bytes:
                shards.append({})
                sizes.append(0)
            shards[-1][name] = state[name]
            sizes[-1] += nbytes
        weight_map = {}
        for index, shard in enumerate(shards):
            file_name = f'model-{index + 1:05d}-of-{len(shards):05d}.safetensors'
            save_file(os.path.join(model_dir, file_name), shard, {'format': 'pt'})
            weight_map.update({name: file_name for name in shard})
        with open(os.path.join(model_dir, INDEX_FILE), 'w', encoding='utf-8') as handle:
            json.dump({'metadata': {'total_size': sum(sizes)}, 'weight_map': weight_map}, handle, indent=2)

    @classmethod
    def from_pretrained(cls, model_dir):
        """Loads config.json plus model.safetensors or its shards; checks every name and shape."""
        config = LlamaConfig.load(model_dir)
        tensors = read_checkpoint_tensors(model_dir)
        model = cls(config)
        expected = model.state_dict()
        if config.tie_word_embeddings:
            tensors.pop('lm_head.weight', None)
            expected.pop('lm_head.weight')
        missing = sorted(set(expected) - set(tensors))
        unexpected = sorted(name for name in set(tensors) - set(expected) if not name.endswith('rotary_emb.inv_freq'))
        if missing or unexpected:
            raise ConfigError(f'{model_dir}: checkpoint does not match config.json: '
                              f'missing {missing[:5]}{"..." if len(missing) > 5 else ""}, '
                              f'unexpected {unexpected[:5]}{"..." if len(unexpected) > 5 else ""}')
        for name, tensor in expected.items():
            if tuple(tensors[name].shape) != tuple(tensor.shape):
                raise ConfigError(f'{model_dir}: tensor {name} has shape {tuple(tensors[name].shape)}, '
                                  f'config.json implies {tuple(tensor.shape)}')
        with torch.no_grad():
            for name, tensor in expected.items():
                tensor.copy_(tensors[name].to(torch.float32))
        model.eval()
        return model


def read_checkpoint_tensors(model_dir):
    """All tensors of a Hugging Face folder: model.safetensors, or the shards its index lists."""
    single = os.path.join(model_dir, SINGLE_FILE)
    index_path = os.path.join(model_dir, INDEX_FILE)
    if os.path.isfile(single):
        return load_file(single)[0]
    if not os.path.isfile(index_path):
        raise ConfigError(f'{model_dir}: neither {SINGLE_FILE} nor {INDEX_FILE} found '
                          '(only safetensors checkpoints are supported)')
    with open(index_path, encoding='utf-8') as handle:
        index = json.load(handle)
    weight_map = index.get('weight_map') if isinstance(index, dict) else None
    if not isinstance(weight_map, dict) or not weight_map:
        raise ConfigError(f'{index_path}: no weight_map')
    tensors = {}
    for file_name in sorted(set(weight_map.values())):
        path = os.path.join(model_dir, file_name)
        if not os.path.isfile(path):
            raise ConfigError(f'{index_path}: lists shard {file_name}, which does not exist')
        tensors.update(load_file(path)[0])
    return tensors
