import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearHead } from '../../../../extension/core/heads/linearHead';
import { MlpHead } from '../../../../extension/core/heads/mlpHead';
import { createFreshHead } from '../../../../extension/core/training/freshHead';

test('createFreshHead: worked example and PyTorch nn.Linear bounds per layer', () => {
  const linear = createFreshHead('linear', 4, 42) as LinearHead;
  assert.equal(linear.weight[0], Math.fround(0.5 * (2 * 0.6011037519201636 - 1)));
  const mlp = createFreshHead('mlp', 64, 3) as MlpHead;
  const bounds: Record<string, number> = { '0.weight': 1 / 8, '0.bias': 1 / 8, '2.weight': 1 / Math.sqrt(32), '2.bias': 1 / Math.sqrt(32), '4.weight': 1 / 4, '4.bias': 1 / 4 };
  for (const p of mlp.parameters) {
    const max = Math.max(...Array.from(p.data, Math.abs));
    assert.ok(max <= bounds[p.name], `${p.name} within its bound`);
    if (p.data.length > 50) assert.ok(max > 0.9 * bounds[p.name], `${p.name} spans its range`);
  }
  assert.deepEqual((createFreshHead('linear', 4, 42) as LinearHead).weight, linear.weight);
  assert.throws(() => createFreshHead('mlp', 3, 1), /hidden size >= 4/);
});
