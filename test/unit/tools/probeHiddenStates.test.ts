// tools/demo/probe_hidden_states.py reads every layer's output at the last prompt token with its
// own batched, left-padded forward loop. Its probes only say something about the heads if its
// "final norm" column is the feature the package's heads read: the model's own forward of the
// unpadded prompt, last position. Checked on the committed demo checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requirePython, runPython } from '../../support/python.js';

const COMPARE = `
import json, sys, torch
sys.path.insert(0, 'tools'); sys.path.insert(0, 'tools/demo')
from probe_hidden_states import last_token_layers, read_jsonl
from elical_tools.llama import LlamaForCausalLM
from elical_tools.word_tokenizer import encode, load_vocab, render_chat
from train_demo_model import wrap_question
torch.set_num_threads(2)
model = LlamaForCausalLM.from_pretrained('tools/demo/checkpoint').eval()
vocab = load_vocab('tools/demo/checkpoint')
questions = [r['question'] for r in read_jsonl('tools/demo/questions/test_ood.jsonl')[:12]]
layers = last_token_layers(model, vocab, questions, batch_size=5)
lengths = [len(encode(render_chat(wrap_question(q)), vocab)) for q in questions]
worst = 0.0
with torch.no_grad():
    for row, q in enumerate(questions):
        hidden, _, _ = model(torch.tensor([encode(render_chat(wrap_question(q)), vocab)]))
        worst = max(worst, float((torch.from_numpy(layers[row, -1]) - hidden[0, -1].double()).abs().max()))
print(json.dumps({'shape': list(layers.shape), 'worst': worst, 'lengths': sorted(set(lengths)),
                  'layers': model.config.num_hidden_layers, 'hidden': model.config.hidden_size}))
`;

test('probe_hidden_states: its final-norm feature is the model forward at the last prompt token', { timeout: 60_000 }, (t) => {
  if (!requirePython(t, ['torch', 'numpy', 'sklearn'])) return;
  const out = JSON.parse(runPython(['-c', COMPARE], { timeoutMs: 50_000 })) as { shape: number[]; worst: number; lengths: number[]; layers: number; hidden: number };
  assert.deepEqual(out.shape, [12, out.layers + 2, out.hidden]);
  assert.ok(out.lengths.length > 1, 'the batch mixes prompt lengths, so left padding is exercised');
  assert.ok(out.worst < 1e-5, `largest difference ${out.worst}`);
});
