import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRepetitionPenalty, applyTemperature, applyTopK, applyTopP, logSoftmax } from '../../../../extension/core/scoring/logitsProcessor';
import { requirePython, runPython } from '../../../support/python';

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (expected[i] === -Infinity || actual[i] === -Infinity) {
      assert.equal(actual[i], expected[i], `index ${i}`);
      continue;
    }
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `index ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

test('repetition penalty: worked example divides positive and multiplies negative seen logits', () => {
  const logits = Float32Array.from([2, -1, 0.5, 3]);
  assert.deepEqual(Array.from(applyRepetitionPenalty(logits, [0, 1, 1], 2)), [1, -2, 0.5, 3]);
  assert.deepEqual(Array.from(logits), [2, -1, 0.5, 3], 'input unchanged');
});

test('repetition penalty rejects a penalty below 1 and ids outside the vocabulary', () => {
  assert.throws(() => applyRepetitionPenalty(Float32Array.from([1]), [], 0.5), /penalty must be a number >= 1/);
  assert.throws(() => applyRepetitionPenalty(Float32Array.from([1, 2]), [2], 1.1), /token id 2 is outside the vocabulary \(size 2\)/);
});

test('logSoftmax worked example and errors', () => {
  assertClose(logSoftmax([1, 2, 3]), [-2.407606, -1.407606, -0.407606], 1e-6);
  assertClose(logSoftmax([0, -Infinity]), [0, -Infinity], 0);
  assert.throws(() => logSoftmax([]), /empty/);
  assert.throws(() => logSoftmax([-Infinity, -Infinity]), /every logit is -Infinity/);
  assert.throws(() => logSoftmax([1, NaN]), /logit 1 is NaN/);
});

test('temperature worked example and errors', () => {
  assert.deepEqual(Array.from(applyTemperature([2, -1], 0.5)), [4, -2]);
  assert.throws(() => applyTemperature([1], 0), /temperature must be a number > 0/);
});

test('top-k worked example keeps ties with the k-th value', () => {
  assert.deepEqual(Array.from(applyTopK(Float64Array.from([1, 4, 2, 4, 3]), 2)), [-Infinity, 4, -Infinity, 4, -Infinity]);
  assert.deepEqual(Array.from(applyTopK(Float64Array.from([1, 4, 2, 4, 3]), 3)), [-Infinity, 4, -Infinity, 4, 3]);
  assert.deepEqual(Array.from(applyTopK(Float64Array.from([1, 2]), 0)), [1, 2]);
  assert.throws(() => applyTopK(Float64Array.from([1]), 1.5), /top-k must be a non-negative integer/);
});

test('top-p worked example removes the tail whose mass is <= 1 - p', () => {
  const logits = Float64Array.from([0.5, 0.3, 0.15, 0.05].map(Math.log));
  const out = applyTopP(logits, 0.75);
  assert.equal(out[2], -Infinity);
  assert.equal(out[3], -Infinity);
  assertClose([out[0], out[1]], [Math.log(0.5), Math.log(0.3)], 1e-12);
  assert.throws(() => applyTopP(Float64Array.from([1]), 0), /top-p must be in \(0, 1\]/);
});

// Hugging Face's processors restated in PyTorch (ascending sort + cumsum for top-p, torch.topk
// threshold for top-k, torch.where for the penalty): a different formulation from ours.
const TORCH_REFERENCE = String.raw`
import json, sys, torch
cases = json.load(sys.stdin)
out = []
for case in cases:
    x = torch.tensor([case['logits']], dtype=torch.float64)
    ids = torch.tensor([case['seen']], dtype=torch.long)
    score = torch.gather(x, 1, ids)
    score = torch.where(score < 0, score * case['penalty'], score / case['penalty'])
    x = x.scatter(1, ids, score)
    penalised = x.clone()
    x = x / case['temperature']
    k = min(case['topK'], x.shape[-1])
    if k > 0:
        remove = x < torch.topk(x, k)[0][..., -1, None]
        x = x.masked_fill(remove, -float('inf'))
    sorted_logits, sorted_idx = torch.sort(x, descending=False)
    cum = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove_sorted = cum <= (1 - case['topP'])
    remove_sorted[..., -1:] = 0
    remove = remove_sorted.scatter(1, sorted_idx, remove_sorted)
    x = x.masked_fill(remove, -float('inf'))
    out.append({'penalised': penalised[0].tolist(), 'filtered': [v if v != -float('inf') else None for v in x[0].tolist()]})
print(json.dumps(out))
`;

test('penalty, temperature, top-k and top-p match a PyTorch restatement of Hugging Face on random logits', (t) => {
  if (!requirePython(t, ['torch'])) return;
  // A fixed LCG so the cases are the same on every run without depending on the PRNG under test elsewhere.
  let state = 12345;
  const next = (): number => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const cases = Array.from({ length: 40 }, (_, index) => {
    const size = 5 + (index % 30);
    // Spread of 0.5..8 makes some distributions flat (top-p keeps many) and some peaked.
    const spread = 0.5 + (index % 8);
    return {
      logits: Array.from({ length: size }, () => Math.fround((next() - 0.5) * spread)),
      seen: Array.from({ length: 1 + (index % 4) }, () => Math.floor(next() * size)),
      penalty: [1, 1.05, 1.3, 2][index % 4],
      temperature: [1, 0.7, 1.5][index % 3],
      topK: [0, 3, 50, 1][index % 4],
      topP: [0.95, 0.5, 1, 0.8, 0.3][index % 5],
    };
  });
  const expected = JSON.parse(runPython(['-c', TORCH_REFERENCE], { input: JSON.stringify(cases) })) as { penalised: number[]; filtered: (number | null)[] }[];
  cases.forEach((item, index) => {
    const penalised = applyRepetitionPenalty(Float32Array.from(item.logits), item.seen, item.penalty);
    assertClose(penalised, expected[index].penalised, 1e-6);
    const filtered = applyTopP(applyTopK(applyTemperature(penalised, item.temperature), item.topK), item.topP);
    const wanted = expected[index].filtered.map((value) => (value === null ? -Infinity : value));
    assertClose(filtered, wanted, 1e-6);
  });
});
