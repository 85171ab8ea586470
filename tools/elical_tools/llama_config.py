"""The subset of Hugging Face's LlamaConfig that the architecture needs, parsed and validated.

Why a class of our own: the tooling must read config.json of real Llama checkpoints without the
transformers package, and reject a config it cannot run with a message naming the field, instead
of failing later with a shape error deep inside a matmul.
"""
import json
import os
from dataclasses import asdict, dataclass


class ConfigError(ValueError):
    """config.json is missing, unreadable or describes something this tooling cannot run."""


@dataclass
class LlamaConfig:
    """Field names and meanings are those of Hugging Face's LlamaConfig (config.json)."""
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    max_position_embeddings: int = 2048
    rms_norm_eps: float = 1e-6
    rope_theta: float = 10000.0
    tie_word_embeddings: bool = False
    bos_token_id: int = 1
    eos_token_id: object = 2  # an int, or a list of ints as in Llama 3 configs
    pad_token_id: object = None

    @property
    def head_dim(self):
        return self.hidden_size // self.num_attention_heads

    @property
    def eos_token_ids(self):
        """EOS as a list, whichever form config.json used."""
        if self.eos_token_id is None:
            return []
        return list(self.eos_token_id) if isinstance(self.eos_token_id, (list, tuple)) else [self.eos_token_id]

    @classmethod
    def from_dict(cls, raw, source='config.json'):
        if not isinstance(raw, dict):
            raise ConfigError(f'{source}: expected a JSON object')
        model_type = raw.get('model_type', 'llama')
        if model_type not in ('llama', 'mistral'):
            raise ConfigError(f'{source}: model_type {model_type!r} is not a Llama-architecture model')
        if raw.get('rope_scaling'):
            raise ConfigError(f'{source}: rope_scaling {raw["rope_scaling"]!r} is not supported (plain RoPE only)')
        if raw.get('attention_bias') or raw.get('mlp_bias'):
            raise ConfigError(f'{source}: projection biases (attention_bias/mlp_bias) are not supported')
        values = {}
        for name in ('vocab_size', 'hidden_size', 'intermediate_size', 'num_hidden_layers', 'num_attention_heads'):
            if not isinstance(raw.get(name), int) or raw[name] <= 0:
                raise ConfigError(f'{source}: field {name} must be a positive integer, got {raw.get(name)!r}')
            values[name] = raw[name]
        values['num_key_value_heads'] = raw.get('num_key_value_heads') or raw['num_attention_heads']
        for name in ('max_position_embeddings', 'rms_norm_eps', 'rope_theta', 'tie_word_embeddings',
                     'bos_token_id', 'eos_token_id', 'pad_token_id'):
            if name in raw:
                values[name] = raw[name]
        config = cls(**values)
        if config.hidden_size % config.num_attention_heads:
            raise ConfigError(f'{source}: hidden_size {config.hidden_size} is not divisible by '
                              f'num_attention_heads {config.num_attention_heads}')
        if config.num_attention_heads % config.num_key_value_heads:
            raise ConfigError(f'{source}: num_attention_heads {config.num_attention_heads} is not a multiple of '
                              f'num_key_value_heads {config.num_key_value_heads}')
        if config.head_dim % 2:
            raise ConfigError(f'{source}: head dimension {config.head_dim} must be even for RoPE')
        return config

    @classmethod
    def load(cls, model_dir):
        path = os.path.join(model_dir, 'config.json')
        if not os.path.isfile(path):
            raise ConfigError(f'{model_dir}: no config.json; --model must be a Hugging Face model folder')
        try:
            with open(path, encoding='utf-8') as handle:
                raw = json.load(handle)
        except json.JSONDecodeError as error:
            raise ConfigError(f'{path}: not valid JSON ({error})') from None
        return cls.from_dict(raw, path)

    def to_dict(self):
        """config.json content in Hugging Face's field names."""
        out = asdict(self)
        out.update({'model_type': 'llama', 'architectures': ['LlamaForCausalLM'], 'hidden_act': 'silu',
                    'attention_bias': False, 'torch_dtype': 'float32'})
        return out

    def save(self, model_dir):
        os.makedirs(model_dir, exist_ok=True)
        with open(os.path.join(model_dir, 'config.json'), 'w', encoding='utf-8') as handle:
            json.dump(self.to_dict(), handle, indent=2, sort_keys=True)
            handle.write('\n')
