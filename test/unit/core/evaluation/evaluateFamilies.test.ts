import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBenchRecord, type BenchRecord } from '../../../../extension/core/evaluation/benchRecord';
import { cellKey, evaluateFamilies } from '../../../../extension/core/evaluation/evaluateFamilies';
import { formatEvaluationCsv, formatEvaluationMarkdown } from '../../../../extension/core/evaluation/formatEvaluation';
import { trainFamilyHead } from '../../../../extension/core/evaluation/trainFamilyHead';
import { createSeededRandom } from '../../../../extension/core/math/seededRandom';
import { selectBudgetSubsets } from '../../../../extension/core/training/budgets';
import { syntheticQuestions, syntheticRecords } from '../../../support/syntheticBench';
import { requirePython, runPython } from '../../../support/python';

const H = 16;

/** Gaussian features and synthetic records whose correctness is a known function of them. */
function makeSet(count: number, offset: number, seed: number): { records: BenchRecord[]; features: Float32Array } {
  const random = createSeededRandom(seed + 100);
  const features = Float32Array.from({ length: count * H }, () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  const raw = syntheticRecords(syntheticQuestions(count, offset), features, H, seed);
  return { records: raw.map((value, i) => parseBenchRecord(value, i + 1)), features };
}

test('trainFamilyHead: rules, and EliCal continues from the Eli-Only head without changing it', async () => {
  const pool = makeSet(300, 0, 1);
  const rows = Array.from({ length: 300 }, (_, i) => i);
  const base = { features: pool.features, hiddenSize: H, records: pool.records, rows, budget: null, seed: 42, settings: { maxEpochs: 3 } };
  const eli = await trainFamilyHead({ ...base, family: 'eli-only', kind: 'linear', target: 'consistency' });
  assert.equal(eli.metadata.family, 'eli-only');
  assert.equal(eli.metadata.target, 'consistency');
  assert.equal(eli.trainRows.length + eli.validationRows.length, 300);
  const eliWeights = eli.head.parameters.map((p) => Array.from(p.data));
  // A vanishing learning rate: the EliCal head must still be (numerically) the Eli-Only head.
  const still = await trainFamilyHead({ ...base, family: 'elical', kind: 'linear', target: 'correctness', from: eli.head, settings: { maxEpochs: 1, learningRate: 1e-12 } });
  still.head.parameters.forEach((p, i) => p.data.forEach((value, j) => assert.ok(Math.abs(value - eliWeights[i][j]) < 1e-6)));
  const fresh = await trainFamilyHead({ ...base, family: 'cal-only', kind: 'linear', target: 'correctness', settings: { maxEpochs: 1, learningRate: 1e-12 } });
  assert.ok(fresh.head.parameters[0].data.some((value, j) => Math.abs(value - eliWeights[0][j]) > 1e-3), 'Cal-Only starts fresh');
  assert.deepEqual(eli.head.parameters.map((p) => Array.from(p.data)), eliWeights, 'the Eli-Only head is not modified');
  assert.equal(still.metadata.target, 'correctness');
  await assert.rejects(trainFamilyHead({ ...base, family: 'eli-only', kind: 'linear', target: 'correctness' }), /Eli-Only heads learn the consistency target/);
  await assert.rejects(trainFamilyHead({ ...base, family: 'elical', kind: 'linear', target: 'correctness' }), /continues from an Eli-Only head/);
  await assert.rejects(trainFamilyHead({ ...base, family: 'cal-only', kind: 'linear', target: 'correctness', from: eli.head }), /starts fresh/);
  await assert.rejects(trainFamilyHead({ ...base, family: 'elical', kind: 'mlp', target: 'correctness', from: eli.head }), /--from is a linear head but --kind is mlp/);
});

test('evaluateFamilies on synthetic data with a known answer: identical subsets, heads beat chance, columns match sklearn', async (t) => {
  const train = makeSet(500, 0, 1);
  const testIn = makeSet(200, 500, 2);
  const testOod = makeSet(120, 700, 3);
  const budgets = [50, 200, null];
  const result = await evaluateFamilies({
    hiddenSize: H,
    train: { name: 'train', ...train },
    tests: [{ name: 'in.jsonl', domain: 'in', ...testIn }, { name: 'ood.jsonl', domain: 'ood', ...testOod }],
    budgets, kinds: ['linear'], seed: 42, settings: { learningRate: 0.05, batchSize: 64, maxEpochs: 12 },
  });
  // Identical subsets for both families: the ones selectBudgetSubsets gives, and equal row counts per family.
  assert.deepEqual(result.subsets.map((s) => s.rows), selectBudgetSubsets(500, budgets, 42).map((s) => s.indices));
  for (const budget of budgets) {
    const [cal, eli] = ['cal-only', 'elical'].map((family) => result.heads.find((h) => h.family === family && h.budget === budget));
    assert.ok(cal && eli);
    assert.equal(cal.trainRows + cal.validationRows, budget ?? 500);
    assert.deepEqual([cal.trainRows, cal.validationRows], [eli.trainRows, eli.validationRows]);
  }
  const auroc = (scope: string, method: string, budget?: number | null): number =>
    result.cells.find((c) => c.scope === scope && c.method === method && c.budget === budget)?.metrics.auroc as number;
  assert.ok(auroc('in.jsonl', 'Eli-Only') > 75, `Eli-Only learns the consistency direction: ${auroc('in.jsonl', 'Eli-Only')}`);
  assert.ok(auroc('in.jsonl', 'EliCal', null) > 75);
  assert.ok(auroc('in.jsonl', 'Cal-Only', null) > 75);
  assert.ok(auroc('in.jsonl', 'EliCal', 50) > auroc('in.jsonl', 'Cal-Only', 50), 'with 50 labels, the Eli-Only start helps');
  // The domain rows of a single file equal that file's rows.
  assert.equal(auroc('in-domain', 'EliCal', 200), auroc('in.jsonl', 'EliCal', 200));

  if (!requirePython(t, ['sklearn', 'numpy'])) return;
  const confidences = result.confidences.get('in.jsonl');
  const correct = Array.from(result.correct.get('in.jsonl') ?? []);
  const keys = [cellKey('N-Prob', null), cellKey('Cons-Sem', null), cellKey('Eli-Only', 'linear'), cellKey('EliCal', 'linear', 50)];
  const script = [
    'import json, sys, numpy as np',
    'from sklearn.metrics import roc_auc_score',
    'data = json.load(sys.stdin); y = np.array(data["y"])',
    'out = []',
    'for c in data["c"]:',
    '    c = np.array(c, dtype=np.float64)',
    '    bins = np.minimum(np.floor(c * 10 + 1e-12).astype(int), 9)',
    '    ece = sum(abs(c[bins == b].sum() - y[bins == b].sum()) for b in range(10)) / len(c)',
    '    out.append([roc_auc_score(y, c) * 100, ece, float(np.mean((c - y) ** 2))])',
    'print(json.dumps(out))',
  ].join('\n');
  const values = keys.map((key) => Array.from(confidences?.get(key) ?? [], (v) => Number(v)));
  const expected = JSON.parse(runPython(['-c', script], { input: JSON.stringify({ y: correct, c: values }) })) as number[][];
  keys.forEach((key, i) => {
    const [method, kind, budget] = key.split('|');
    const cell = result.cells.find((c) => c.scope === 'in.jsonl' && c.method === method && (c.kind ?? '-') === kind && (c.budget === undefined ? '-' : String(c.budget ?? 'all')) === budget);
    assert.ok(cell, key);
    assert.ok(Math.abs((cell.metrics.auroc as number) - expected[i][0]) < 1e-9, `${key} AUROC ${cell.metrics.auroc} vs sklearn ${expected[i][0]}`);
    assert.ok(Math.abs(cell.metrics.ece - expected[i][1]) < 1e-9, `${key} ECE`);
    assert.ok(Math.abs(cell.metrics.brier - expected[i][2]) < 1e-9, `${key} Brier`);
  });

  const markdown = formatEvaluationMarkdown({ cells: result.cells, kinds: ['linear'], budgets, scopes: ['in-domain', 'out-of-domain'] });
  assert.match(markdown, /## in-domain \(200 questions\), linear heads/);
  assert.match(markdown, /\| budget \| N-Prob \| Cons-Sem \| Eli-Only \| Cal-Only \| EliCal \|/);
  const row50 = markdown.split('\n').find((line) => line.startsWith('| 50 |')) as string;
  assert.equal(row50.split('|')[6].trim(), auroc('in-domain', 'EliCal', 50).toFixed(1));
  const csv = formatEvaluationCsv(result.cells).trim().split('\n');
  assert.equal(csv[0], 'scope,method,kind,budget,n,auroc,auroc_lower,auroc_upper,ece,alignment,brier');
  assert.equal(csv.length, 1 + result.cells.length);
  assert.ok(csv.includes(`in.jsonl,EliCal,linear,50,200,${auroc('in.jsonl', 'EliCal', 50)},,,${result.cells.find((c) => c.scope === 'in.jsonl' && c.method === 'EliCal' && c.budget === 50)?.metrics.ece},${result.cells.find((c) => c.scope === 'in.jsonl' && c.method === 'EliCal' && c.budget === 50)?.metrics.alignment},${result.cells.find((c) => c.scope === 'in.jsonl' && c.method === 'EliCal' && c.budget === 50)?.metrics.brier}`));
});

test('evaluateFamilies names the first record lacking a needed field', async () => {
  const train = makeSet(40, 0, 1);
  const broken = { ...train, records: train.records.map((r, i) => (i === 7 ? { ...r, consistencyJudgement: null } : r)) };
  await assert.rejects(
    evaluateFamilies({ hiddenSize: H, train: { name: 'train.jsonl', ...broken }, tests: [{ name: 't.jsonl', domain: 'in', ...train }], budgets: [null], kinds: ['linear'], seed: 1 }),
    /train\.jsonl:8: missing consistency_judgement/,
  );
});
