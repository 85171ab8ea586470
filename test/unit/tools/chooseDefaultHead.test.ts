import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error: a plain ES module of the build tooling, without type declarations.
import { chooseDefaultHead } from '../../../tools/demo/finalize_package.mjs';

const head = (family: string, kind: string, budget: number | null) => ({ id: `${family}-${budget ?? 'all'}-${kind}`, family, kind, budget });

test('the demo default head is EliCal-1000, MLP before linear, chosen by rule', () => {
  const all = ['linear', 'mlp'].flatMap((kind) => [head('eli-only', kind, null), ...[100, 1000, 2000, null].flatMap((budget) => [head('cal-only', kind, budget), head('elical', kind, budget)])]);
  assert.equal(chooseDefaultHead(all), 'elical-1000-mlp');
  assert.equal(chooseDefaultHead(all.filter((h) => h.kind === 'linear')), 'elical-1000-linear');
  assert.equal(chooseDefaultHead(all.filter((h) => h.budget !== 1000)), 'elical-2000-mlp');
  assert.equal(chooseDefaultHead([head('eli-only', 'linear', null), head('elical', 'linear', null)]), 'elical-all-linear');
  assert.equal(chooseDefaultHead([head('eli-only', 'linear', null)]), 'eli-only-all-linear');
  assert.equal(chooseDefaultHead([]), null);
});
