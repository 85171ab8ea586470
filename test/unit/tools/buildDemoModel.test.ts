// The demo package's one rebuild command (tools/build_demo_model.sh) and the scripts it ends
// with (tools/demo/write_results.mjs, tools/demo/finalize_package.mjs), so that CI keeps the
// pipeline from rotting while the real run takes hours:
// - options are checked before anything runs;
// - write_results.mjs decides each claim by its stated rule (crafted numbers on both sides of
//   every threshold) and refuses a malformed eval report without writing;
// - the export, generate (--jobs 2 equals one process), heads, eval and results stages run on the
//   tiny Llama fixture and committed HonestyBench records (test/fixtures/build-demo, made by its
//   make_fixture.sh from a stand-in demo model), and the training-free verdict of RESULTS.md
//   agrees with AUROCs computed by scikit-learn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePython, runPython } from '../../support/python.js';

const SCRIPT = 'tools/build_demo_model.sh';
const WRITE_RESULTS = 'tools/demo/write_results.mjs';
const FIXTURE = 'test/fixtures/build-demo';

function run(command: string, args: string[], timeoutMs = 120_000): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function readJson(path: string): Record<string, unknown> {
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), `${path} is not a JSON object`);
  return value as Record<string, unknown>;
}

test('build_demo_model.sh: --help lists every stage; bad options are refused before any stage runs', () => {
  const help = run('bash', [SCRIPT, '--help']);
  assert.equal(help.status, 0, help.stderr);
  for (const stage of ['data', 'train', 'knowledge', 'export', 'generate', 'heads', 'eval', 'results']) assert.match(help.stdout, new RegExp(`\\b${stage}\\b`));
  const dir = mkdtempSync(join(tmpdir(), 'build-demo-args-'));
  try {
    const cases: [string[], RegExp][] = [
      [['--from', 'nope'], /unknown stage nope/],
      [['--from', 'eval', '--to', 'heads'], /--from eval comes after --to heads/],
      [['--jobs', '0'], /--jobs must be at least 1/],
      [['--limit', 'ten'], /--limit must be a whole number, got ten/],
      [['--bogus'], /unknown argument --bogus/],
      [['--out'], /--out needs a value/],
    ];
    for (const [args, message] of cases) {
      const result = run('bash', [SCRIPT, '--out', join(dir, 'pkg'), '--work', join(dir, 'work'), ...args]);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.ok(!existsSync(join(dir, 'pkg')), `${args.join(' ')} created the package folder`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface CellSpec { scope: string; method: string; kind: string | null; budget?: number | 'all'; auroc: number | null }

/** A minimal `elical eval --format json` report with the given AUROCs (other metrics fixed). */
function evalReport(cells: CellSpec[], budgets: (number | 'all')[]): string {
  return JSON.stringify({
    model: 'crafted', train: 'data/train.jsonl', tests: [{ file: 'data/test_in.jsonl', domain: 'in', n: 100 }, { file: 'data/test_ood.jsonl', domain: 'ood', n: 100 }],
    judges: ['containment'], budgets, kinds: ['linear'], target: 'correctness', seed: 42, paperEce: false, bootstrap: 0,
    cells: cells.map(({ auroc, ...cell }) => ({ ...cell, metrics: { n: 100, auroc, aurocLower: null, aurocUpper: null, ece: 0.05, alignment: 70, brier: 0.2 } })),
    heads: [{ family: 'eli-only', kind: 'linear', budget: null, trainRows: 90, validationRows: 10, bestEpoch: 3, epochsRun: 7 }],
    exposureBuckets: [{ scope: 'data/test_in.jsonl', rows: [{ bucket: 'unseen', n: 10, correct: 1, accuracy: 0.1 }, { bucket: '>10', n: 10, correct: 9, accuracy: 0.9 }] }],
  });
}

function claimRow(markdown: string, claimStart: string): string {
  const row = markdown.split('\n').find((line) => line.startsWith(`| ${claimStart}`));
  assert.ok(row !== undefined, `no claim row starting "${claimStart}" in:\n${markdown}`);
  return row;
}

test('write_results.mjs decides every claim by its rule, at and beyond each threshold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'write-results-'));
  try {
    const knowledge = join(dir, 'knowledge.json');
    // 1/10, 3/10, 6/10, 9/10: strictly rising.
    writeFileSync(knowledge, JSON.stringify({ train: { n: 40, accuracy: 47.5, byBucket: { unseen: { accuracy: 10, n: 10 }, '1-2': { accuracy: 30, n: 10 }, '3-10': { accuracy: 60, n: 10 }, '>10': { accuracy: 90, n: 10 } } } }));
    const budgets: (number | 'all')[] = [100, 200, 500, 1000, 'all'];
    const base = (scope: string, consSem: number, nProb: number, eliOnly: number, cal: number[], eli: number[]): CellSpec[] => [
      { scope, method: 'N-Prob', kind: null, auroc: nProb },
      { scope, method: 'Cons-Sem', kind: null, auroc: consSem },
      { scope, method: 'Eli-Only', kind: 'linear', auroc: eliOnly },
      ...budgets.flatMap((budget, i) => [
        { scope, method: 'Cal-Only', kind: 'linear', budget, auroc: cal[i] },
        { scope, method: 'EliCal', kind: 'linear', budget, auroc: eli[i] },
      ]),
    ];
    // In-domain: Cons-Sem 70 > N-Prob 60; Eli-Only exactly 2 below (close); EliCal wins at 100/200/500;
    // EliCal(1000) 78 vs EliCal(all) 80: exactly 2 below (close). Advantage in: (5+4+3+1+0)/5 = 2.6.
    // OOD: Cons-Sem 60 > N-Prob 55; Eli-Only 57.9 (2.1 below: not close); advantage (8+8+8+8+8)/5 = 8.
    const first = join(dir, 'first.json');
    writeFileSync(first, evalReport([
      ...base('in-domain', 70, 60, 68, [60, 65, 70, 77, 80], [65, 69, 73, 78, 80]),
      ...base('out-of-domain', 60, 55, 57.9, [50, 50, 50, 50, 50], [58, 58, 58, 58, 58]),
    ], budgets));
    const out = join(dir, 'RESULTS.md');
    const ok = run('node', [WRITE_RESULTS, '--eval', first, '--knowledge', knowledge, '--out', out, '--command', 'CMD', '--lr', '0.001', '--batch-size', '32']);
    assert.equal(ok.status, 0, ok.stderr);
    const text = readFileSync(out, 'utf8');
    assert.match(claimRow(text, 'Among training-free'), /\*\*holds\*\*: in-domain: Cons-Sem 70\.0 vs N-Prob 60\.0; out-of-domain: Cons-Sem 60\.0 vs N-Prob 55\.0/);
    assert.match(claimRow(text, 'Eli-Only (no labels'), /\*\*partly\*\*: in-domain: Eli-Only 68\.0 vs Cons-Sem 70\.0 \(-2\.0\); out-of-domain: Eli-Only 57\.9 vs Cons-Sem 60\.0 \(-2\.1\)/);
    assert.match(claimRow(text, 'EliCal beats Cal-Only'), /\*\*holds\*\*: 100: EliCal 65\.0 vs Cal-Only 60\.0; 200: EliCal 69\.0 vs Cal-Only 65\.0; 500: EliCal 73\.0 vs Cal-Only 70\.0/);
    assert.match(claimRow(text, 'EliCal with 1,000'), /\*\*holds\*\*: EliCal\(1000\) 78\.0 vs EliCal\(all\) 80\.0 \(-2\.0\)/);
    assert.match(claimRow(text, 'Out of domain'), /\*\*holds\*\*: mean advantage in-domain \+2\.6, out-of-domain \+8\.0/);
    assert.match(text, /PyTorch check: \*\*holds\*\*/);
    assert.match(text, /\| unseen \| 10\.0 % \(1\/10\) \| 10\.0 % \(1\/10\) \|/);
    assert.match(text, /learning rate 0\.001, batch size 32/);
    assert.match(text, /\| EliCal\(1000\) \| 78\.0 \| 5\.0 \| 70\.0 \| 58\.0 \| 5\.0 \| 70\.0 \|/);

    // The other side of each threshold: N-Prob ahead everywhere, Eli-Only 2.1 below in both domains,
    // EliCal ahead at 100 only, EliCal(1000) 2.1 below all, advantage in (1+0-1-0.1+0)/5 = -0.02
    // larger than OOD's -1; knowledge falls.
    writeFileSync(knowledge, JSON.stringify({ train: { n: 20, accuracy: 50, byBucket: { unseen: { accuracy: 60, n: 10 }, '>10': { accuracy: 40, n: 10 } } } }));
    const second = join(dir, 'second.json');
    writeFileSync(second, evalReport([
      ...base('in-domain', 60, 61, 57.9, [60, 70, 70, 78, 80], [61, 70, 69, 77.9, 80]),
      ...base('out-of-domain', 50, 50, 47.9, [50, 50, 50, 50, 50], [49, 49, 49, 49, 49]),
    ], budgets));
    const again = run('node', [WRITE_RESULTS, '--eval', second, '--knowledge', knowledge, '--out', out]);
    assert.equal(again.status, 0, again.stderr);
    const worse = readFileSync(out, 'utf8');
    assert.match(claimRow(worse, 'Among training-free'), /\*\*does not hold\*\*/);
    assert.match(claimRow(worse, 'Eli-Only (no labels'), /\*\*does not hold\*\*/);
    assert.match(claimRow(worse, 'EliCal beats Cal-Only'), /\*\*partly\*\*: 100: EliCal 61\.0 vs Cal-Only 60\.0; 200: EliCal 70\.0 vs Cal-Only 70\.0/);
    assert.match(claimRow(worse, 'EliCal with 1,000'), /\*\*does not hold\*\*: EliCal\(1000\) 77\.9 vs EliCal\(all\) 80\.0 \(-2\.1\)/);
    assert.match(claimRow(worse, 'Out of domain'), /\*\*does not hold\*\*: mean advantage in-domain -0\.0, out-of-domain -1\.0/);
    assert.match(worse, /PyTorch check: \*\*does not hold\*\*/);

    // A single-class test set has no AUROC: the claim is not measurable, not decided.
    const third = join(dir, 'third.json');
    writeFileSync(third, evalReport(base('in-domain', 60, 61, 57.9, [60, 70, 70, 78, 80], [61, 70, 69, 77.9, null as unknown as number]), budgets));
    assert.equal(run('node', [WRITE_RESULTS, '--eval', third, '--knowledge', knowledge, '--out', out]).status, 0);
    assert.match(claimRow(readFileSync(out, 'utf8'), 'EliCal with 1,000'), /\*\*not measurable\*\*/);

    // Malformed input: named, exit 2, the old output untouched.
    const before = readFileSync(out, 'utf8');
    const bad = join(dir, 'bad.json');
    const parsed = JSON.parse(readFileSync(first, 'utf8')) as { cells: { metrics: Record<string, unknown> }[] };
    parsed.cells[3].metrics.auroc = '70';
    writeFileSync(bad, JSON.stringify(parsed));
    const refused = run('node', [WRITE_RESULTS, '--eval', bad, '--knowledge', knowledge, '--out', out]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /bad\.json: cells\[3\]\.metrics\.auroc: expected a number or null, got "70"/);
    assert.equal(readFileSync(out, 'utf8'), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** AUROC x100 of N-Prob and Cons-Sem on a HonestyBench file, by scikit-learn. */
function sklearnTrainingFree(file: string): { nProb: number; consSem: number } {
  const code = [
    'import json, math, sys',
    'from sklearn.metrics import roc_auc_score',
    'rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]',
    'y = [r["greedy_correctness"] for r in rows]',
    'n = [math.exp(r["greedy_cumulative_logprobs"][0] / len(r["greedy_tokens"][0])) for r in rows]',
    'c = [sum(r["consistency_judgement"]) / len(r["consistency_judgement"]) for r in rows]',
    'print(json.dumps({"nProb": 100 * roc_auc_score(y, n), "consSem": 100 * roc_auc_score(y, c)}))',
  ].join('\n');
  return JSON.parse(runPython(['-c', code, file])) as { nProb: number; consSem: number };
}

test('build_demo_model.sh stages export .. results on the tiny Llama and committed records', { timeout: 240_000 }, (t) => {
  if (!requirePython(t, ['torch', 'onnx', 'sklearn'])) return;
  const dir = mkdtempSync(join(tmpdir(), 'build-demo-'));
  try {
    const pkg = join(dir, 'pkg');
    const work = join(dir, 'work');
    const common = ['--hf', 'test/fixtures/tiny-llama/hf', '--out', pkg, '--work', work];
    const exported = run('bash', [SCRIPT, ...common, '--from', 'export', '--to', 'export'], 120_000);
    assert.equal(exported.status, 0, exported.stderr);
    assert.deepEqual(readJson(join(pkg, 'manifest.json')).heads, []);

    // Two processes over question ranges write exactly what one process writes.
    const one = run('bash', [SCRIPT, ...common, '--from', 'generate', '--to', 'generate', '--limit', '5', '--samples', '2'], 120_000);
    assert.equal(one.status, 0, one.stderr);
    const single = ['train', 'test_in', 'test_ood'].map((split) => readFileSync(join(pkg, 'data', `${split}.jsonl`), 'utf8'));
    const two = run('bash', [SCRIPT, ...common, '--from', 'generate', '--to', 'generate', '--limit', '5', '--samples', '2', '--jobs', '2'], 120_000);
    assert.equal(two.status, 0, two.stderr);
    ['train', 'test_in', 'test_ood'].forEach((split, i) => {
      const text = readFileSync(join(pkg, 'data', `${split}.jsonl`), 'utf8');
      assert.equal(text.split('\n').filter(Boolean).length, 5);
      assert.equal(text, single[i], `${split}: --jobs 2 differs from one process`);
    });

    // Heads, eval and results on records with both outcomes (the tiny model knows nothing).
    for (const split of ['train', 'test_in', 'test_ood']) copyFileSync(join(FIXTURE, `${split}.jsonl`), join(pkg, 'data', `${split}.jsonl`));
    mkdirSync(work, { recursive: true });
    copyFileSync(join(FIXTURE, 'knowledge.json'), join(work, 'knowledge.json'));
    const rest = run('bash', [SCRIPT, ...common, '--from', 'heads', '--kinds', 'linear', '--budgets', '20,all', '--bootstrap', '0', '--samples', '20'], 200_000);
    assert.equal(rest.status, 0, rest.stderr);

    const manifest = readJson(join(pkg, 'manifest.json')) as { heads: { id: string; metrics: Record<string, number> }[]; defaultHead: string; files: Record<string, string> };
    assert.deepEqual(manifest.heads.map((h) => h.id), ['eli-only-linear', 'cal-only-20-linear', 'elical-20-linear', 'cal-only-all-linear', 'elical-all-linear']);
    assert.equal(manifest.defaultHead, 'elical-20-linear');
    for (const head of manifest.heads) assert.equal(typeof head.metrics.aurocIn, 'number', `${head.id} has no in-domain AUROC`);
    const card = readFileSync(join(pkg, 'MODEL_CARD.md'));
    assert.equal(manifest.files['MODEL_CARD.md'], createHash('sha256').update(card).digest('hex'));
    assert.match(card.toString(), /demonstration model/);
    assert.match(card.toString(), /countries-list` 3\.4\.1 \(MIT\)/);
    for (const file of ['RESULTS.md', 'RESULTS.json', 'RESULTS.tables.md', 'knowledge.json', 'plots/auroc-vs-budget-in-linear.svg']) assert.ok(existsSync(join(pkg, file)), `${file} missing`);

    const results = readFileSync(join(pkg, 'RESULTS.md'), 'utf8');
    assert.match(results, /the head file's training record .* equals eval's/);
    const inDomain = sklearnTrainingFree(join(pkg, 'data', 'test_in.jsonl'));
    const ood = sklearnTrainingFree(join(pkg, 'data', 'test_ood.jsonl'));
    const row = claimRow(results, 'Among training-free');
    assert.ok(row.includes(`in-domain: Cons-Sem ${inDomain.consSem.toFixed(1)} vs N-Prob ${inDomain.nProb.toFixed(1)}`), `${row}\nsklearn in-domain ${JSON.stringify(inDomain)}`);
    assert.ok(row.includes(`out-of-domain: Cons-Sem ${ood.consSem.toFixed(1)} vs N-Prob ${ood.nProb.toFixed(1)}`), `${row}\nsklearn ood ${JSON.stringify(ood)}`);
    const both = inDomain.consSem > inDomain.nProb && ood.consSem > ood.nProb;
    const neither = inDomain.consSem <= inDomain.nProb && ood.consSem <= ood.nProb;
    assert.match(row, new RegExp(`\\*\\*${both ? 'holds' : neither ? 'does not hold' : 'partly'}\\*\\*`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
