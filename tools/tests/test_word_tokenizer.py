"""The Python encoder gives exactly the ids @huggingface/tokenizers gives for our tokenizer.json."""
import json
import os
import subprocess
import unittest

from fixture_paths import FIXTURE, REPO
from elical_tools import word_tokenizer
from onnx_runtime import node_binary

TEXTS = [
    word_tokenizer.render_chat('Answer the following question.\nQuestion: What is the capital of France?\nAnswer: '),
    'Who wrote the play Hamlet?',
    'Zorg and   spaces\tand\nnewlines',
    'punctuation?! runs... and <s> specials </s> inside<|user|>text',
    '1989 w001 w002',
]
NODE_SCRIPT = """
import { Tokenizer } from '@huggingface/tokenizers';
import { readFileSync } from 'node:fs';
const dir = process.argv[1];
const read = (name) => JSON.parse(readFileSync(dir + '/' + name, 'utf8'));
const tokenizer = new Tokenizer(read('tokenizer.json'), read('tokenizer_config.json'));
const texts = JSON.parse(readFileSync(0, 'utf8'));
console.log(JSON.stringify(texts.map((text) => tokenizer.encode(text).ids)));
"""


@unittest.skipUnless(node_binary(), 'node is needed to run @huggingface/tokenizers')
class WordTokenizerTest(unittest.TestCase):
    def test_python_ids_equal_tokenizers_js(self):
        folder = os.path.join(FIXTURE, 'hf')
        vocab = word_tokenizer.load_vocab(folder)
        done = subprocess.run([node_binary(), '--input-type=module', '-e', NODE_SCRIPT, folder], input=json.dumps(TEXTS),
                              capture_output=True, text=True, cwd=REPO, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        expected = json.loads(done.stdout)
        for text, ids in zip(TEXTS, expected):
            self.assertEqual(word_tokenizer.encode(text, vocab), ids, text)
        self.assertIn(vocab['<unk>'], expected[2])
        self.assertEqual(expected[0][:2], [vocab['<s>'], vocab['<|user|>']])

    def test_encode_splits_words_and_punctuation_runs(self):
        vocab = word_tokenizer.build_vocab(['a', 'b', '?!'])
        self.assertEqual(word_tokenizer.encode('a?! b?', vocab), [6, 8, 7, 3])


if __name__ == '__main__':
    unittest.main()
