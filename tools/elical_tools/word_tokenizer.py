"""A word-level Hugging Face tokenizer (tokenizer.json + tokenizer_config.json) and its encoder.

Why: the tiny fixture and the demo model need a tokenizer that the extension loads through
@huggingface/tokenizers exactly as it loads a real model's, while the PyTorch references need the
same ids without the `tokenizers` package. A WordLevel model with the standard `Whitespace`
pre-tokenizer (regex \\w+|[^\\w\\s]+) is simple enough to reproduce exactly here: split out the
special tokens first (they are `added_tokens`, matched literally before pre-tokenization), split
the rest with the regex, look every piece up, unknown pieces become the unk token. Nothing is
added around the text (no post-processor): the chat template writes the BOS token itself, so
`encode(render_chat(...))` is the model's prompt with no doubled BOS.
"""
import json
import os
import re

PAD, BOS, EOS, UNK = '<pad>', '<s>', '</s>', '<unk>'
USER, ASSISTANT = '<|user|>', '<|assistant|>'
# Fixed order so ids are stable: pad=0, bos=1, eos=2, unk=3 (docs/model-package.md example ids).
SPECIAL_TOKENS = [PAD, BOS, EOS, UNK, USER, ASSISTANT]

# The pattern of the Hugging Face `Whitespace` pre-tokenizer; ASCII text behaves the same in
# Python's `re` and in the JavaScript translation tokenizers.js uses.
WHITESPACE_PATTERN = r'\w+|[^\w\s]+'

# One user turn, then the assistant prompt; `</s>` closes a turn so generation stops on EOS.
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    "{% if message['role'] == 'user' %}{{ '<|user|> ' + message['content'] + ' </s> ' }}"
    "{% else %}{{ '<|assistant|> ' + message['content'] + ' </s> ' }}{% endif %}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}"
)


def pre_tokenize(text):
    """Words and punctuation runs, as the Whitespace pre-tokenizer splits them."""
    return re.findall(WHITESPACE_PATTERN, text)


def build_vocab(words):
    """Special tokens first, then each distinct word in first-seen order -> {token: id}."""
    vocab = {}
    for token in SPECIAL_TOKENS + list(words):
        if token not in vocab:
            vocab[token] = len(vocab)
    return vocab


def tokenizer_json(vocab):
    """The tokenizer.json document for a WordLevel model over `vocab`."""
    added = [{'id': vocab[token], 'content': token, 'single_word': False, 'lstrip': False, 'rstrip': False,
              'normalized': False, 'special': True} for token in SPECIAL_TOKENS]
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': added,
        'normalizer': None,
        'pre_tokenizer': {'type': 'Whitespace'},
        'post_processor': None,
        'decoder': None,
        'model': {'type': 'WordLevel', 'vocab': vocab, 'unk_token': UNK},
    }


def tokenizer_config_json():
    """tokenizer_config.json: special tokens, the chat template, and no implicit BOS/EOS."""
    return {
        'tokenizer_class': 'PreTrainedTokenizerFast',
        'bos_token': BOS,
        'eos_token': EOS,
        'pad_token': PAD,
        'unk_token': UNK,
        'add_bos_token': False,
        'add_eos_token': False,
        'padding_side': 'left',
        'model_max_length': 256,
        'clean_up_tokenization_spaces': False,
        'chat_template': CHAT_TEMPLATE,
    }


def write_tokenizer(out_dir, words):
    """Writes tokenizer.json and tokenizer_config.json; returns the vocab."""
    vocab = build_vocab(words)
    os.makedirs(out_dir, exist_ok=True)
    for name, document in (('tokenizer.json', tokenizer_json(vocab)), ('tokenizer_config.json', tokenizer_config_json())):
        with open(os.path.join(out_dir, name), 'w', encoding='utf-8') as handle:
            json.dump(document, handle, indent=2, ensure_ascii=False)
            handle.write('\n')
    return vocab


def load_vocab(tokenizer_dir):
    with open(os.path.join(tokenizer_dir, 'tokenizer.json'), encoding='utf-8') as handle:
        document = json.load(handle)
    if document.get('model', {}).get('type') != 'WordLevel':
        raise ValueError(f'{tokenizer_dir}/tokenizer.json is not a WordLevel tokenizer')
    return document['model']['vocab']


def encode(text, vocab):
    """Token ids of `text` exactly as the tokenizer.json above encodes it (no added BOS/EOS)."""
    specials = sorted((token for token in SPECIAL_TOKENS if token in vocab), key=len, reverse=True)
    splitter = re.compile('(' + '|'.join(re.escape(token) for token in specials) + ')')
    ids = []
    for index, piece in enumerate(splitter.split(text)):
        if index % 2 == 1:
            ids.append(vocab[piece])
        else:
            ids.extend(vocab.get(word, vocab[UNK]) for word in pre_tokenize(piece))
    return ids


def render_chat(user_content):
    """CHAT_TEMPLATE rendered for one user turn with add_generation_prompt=True.

    Written out by hand (no Jinja in Debian's Python set) so the reference prompt is an
    independent statement of what the template produces; the TS side renders the real template
    and the fixture's reference ids must match it.
    """
    return BOS + USER + ' ' + user_content + ' ' + EOS + ' ' + ASSISTANT
