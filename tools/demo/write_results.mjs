// Writes a model package's RESULTS.md from `elical eval --format json` and the knowledge check
// (tools/demo/check_knowledge.py --json), so that every number and every verdict in it comes
// from a file the build produced and a rule stated next to it, never from hand editing.
//
// Usage: node tools/demo/write_results.mjs --eval RESULTS.json --knowledge knowledge.json
//          --out RESULTS.md [--package DIR] [--timing generate-timing.txt] [--command TEXT]
//          [--lr X] [--batch-size N]
// Bad input (a missing file, a field of the wrong type) stops with a message naming the file
// and the field; nothing is written then.
import { readFileSync, realpathSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

/** AUROC points within which two heads count as "close" (issue 4's rules). */
export const CLOSE_POINTS = 2;
/** The small budgets at which EliCal should beat Cal-Only. */
export const SMALL_BUDGETS = [100, 200, 500];
export const BUCKET_ORDER = ['unseen', '1-2', '3-10', '>10'];

export class InputError extends Error {}

function fail(where, message) {
  throw new InputError(`${where}: ${message}`);
}

function object(value, where) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, `expected an object, got ${JSON.stringify(value)?.slice(0, 60)}`);
  return value;
}

function array(value, where) {
  if (!Array.isArray(value)) fail(where, `expected a list, got ${JSON.stringify(value)?.slice(0, 60)}`);
  return value;
}

function number(value, where, nullable = false) {
  if (nullable && value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, `expected a number${nullable ? ' or null' : ''}, got ${JSON.stringify(value)}`);
  return value;
}

function string(value, where) {
  if (typeof value !== 'string') fail(where, `expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function readJson(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read (${error.code ?? error.message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${error.message})`);
  }
}

/** Parses `elical eval --format json` output from unknown JSON; only the fields used here. */
export function parseEvalReport(raw, file) {
  const root = object(raw, file);
  const cells = array(root.cells, `${file}: cells`).map((item, i) => {
    const where = `${file}: cells[${i}]`;
    const cell = object(item, where);
    const m = object(cell.metrics, `${where}.metrics`);
    const budget = cell.budget === undefined ? undefined : cell.budget === 'all' ? null : number(cell.budget, `${where}.budget`);
    const kind = cell.kind === null ? null : string(cell.kind, `${where}.kind`);
    return {
      scope: string(cell.scope, `${where}.scope`), method: string(cell.method, `${where}.method`), kind, budget,
      metrics: {
        n: number(m.n, `${where}.metrics.n`), auroc: number(m.auroc, `${where}.metrics.auroc`, true),
        aurocLower: number(m.aurocLower ?? null, `${where}.metrics.aurocLower`, true), aurocUpper: number(m.aurocUpper ?? null, `${where}.metrics.aurocUpper`, true),
        ece: number(m.ece, `${where}.metrics.ece`), alignment: number(m.alignment, `${where}.metrics.alignment`), brier: number(m.brier, `${where}.metrics.brier`),
      },
    };
  });
  const tests = array(root.tests, `${file}: tests`).map((item, i) => {
    const t = object(item, `${file}: tests[${i}]`);
    return { file: string(t.file, `${file}: tests[${i}].file`), domain: string(t.domain, `${file}: tests[${i}].domain`), n: number(t.n, `${file}: tests[${i}].n`) };
  });
  const buckets = array(root.exposureBuckets ?? [], `${file}: exposureBuckets`).map((item, i) => {
    const entry = object(item, `${file}: exposureBuckets[${i}]`);
    return {
      scope: string(entry.scope, `${file}: exposureBuckets[${i}].scope`),
      rows: array(entry.rows, `${file}: exposureBuckets[${i}].rows`).map((row, j) => {
        const where = `${file}: exposureBuckets[${i}].rows[${j}]`;
        const r = object(row, where);
        return { bucket: string(r.bucket, `${where}.bucket`), n: number(r.n, `${where}.n`), correct: number(r.correct, `${where}.correct`) };
      }),
    };
  });
  const heads = array(root.heads ?? [], `${file}: heads`).map((item, i) => {
    const where = `${file}: heads[${i}]`;
    const h = object(item, where);
    return {
      family: string(h.family, `${where}.family`), kind: string(h.kind, `${where}.kind`), budget: h.budget === null ? null : number(h.budget, `${where}.budget`),
      trainRows: number(h.trainRows, `${where}.trainRows`), validationRows: number(h.validationRows, `${where}.validationRows`),
      bestEpoch: number(h.bestEpoch, `${where}.bestEpoch`), epochsRun: number(h.epochsRun, `${where}.epochsRun`),
    };
  });
  const budgets = array(root.budgets, `${file}: budgets`).map((b, i) => (b === 'all' ? null : number(b, `${file}: budgets[${i}]`)));
  const kinds = array(root.kinds, `${file}: kinds`).map((k, i) => string(k, `${file}: kinds[${i}]`));
  return {
    model: string(root.model, `${file}: model`), train: string(root.train, `${file}: train`), tests, cells, buckets, heads, budgets, kinds,
    judges: array(root.judges, `${file}: judges`).map((j, i) => string(j, `${file}: judges[${i}]`)),
    target: string(root.target, `${file}: target`), seed: number(root.seed, `${file}: seed`),
    paperEce: root.paperEce === true, bootstrap: number(root.bootstrap, `${file}: bootstrap`),
  };
}

/** Parses check_knowledge.py --json: per split, accuracy (percent, 1 decimal) and n per bucket. */
export function parseKnowledge(raw, file) {
  const root = object(raw, file);
  const splits = {};
  for (const [split, value] of Object.entries(root)) {
    const entry = object(value, `${file}: ${split}`);
    const byBucket = object(entry.byBucket, `${file}: ${split}.byBucket`);
    splits[split] = Object.entries(byBucket).map(([bucket, cell]) => {
      const c = object(cell, `${file}: ${split}.byBucket.${bucket}`);
      const n = number(c.n, `${file}: ${split}.byBucket.${bucket}.n`);
      const accuracy = number(c.accuracy, `${file}: ${split}.byBucket.${bucket}.accuracy`);
      // accuracy is rounded to 0.1 %, so accuracy x n / 100 is within 0.05 n / 100 < 0.5 of the count for n < 1000.
      return { bucket, n, correct: Math.round((accuracy * n) / 100) };
    });
  }
  return splits;
}

/** Sums bucket counts over several lists; buckets in BUCKET_ORDER, then others alphabetically. */
export function poolBuckets(lists) {
  const pooled = new Map();
  for (const rows of lists) {
    for (const { bucket, n, correct } of rows) {
      const cell = pooled.get(bucket) ?? { bucket, n: 0, correct: 0 };
      cell.n += n;
      cell.correct += correct;
      pooled.set(bucket, cell);
    }
  }
  const rank = (b) => (BUCKET_ORDER.includes(b) ? BUCKET_ORDER.indexOf(b) : BUCKET_ORDER.length);
  return [...pooled.values()].sort((a, b) => rank(a.bucket) - rank(b.bucket) || a.bucket.localeCompare(b.bucket));
}

/**
 * Knowledge-boundary rule: accuracy (correct / n) strictly rises from each exposure bucket to the
 * next (unseen < 1-2 < 3-10 < >10) over the buckets present. Returns { holds, accuracies }.
 * Example (a test case): unseen 1/10, 1-2 3/10, 3-10 6/10, >10 9/10 -> holds.
 */
export function risesWithExposure(pooled) {
  const ordered = pooled.filter((row) => BUCKET_ORDER.includes(row.bucket) && row.n > 0);
  const accuracies = ordered.map((row) => row.correct / row.n);
  const holds = ordered.length >= 2 && accuracies.every((a, i) => i === 0 || a > accuracies[i - 1]);
  return { holds, accuracies };
}

/** The cell of a method in a scope; kind null for the training-free methods. */
export function findCell(cells, scope, method, kind, budget) {
  return cells.find((c) => c.scope === scope && c.method === method && (c.kind === null || c.kind === kind) && (budget === undefined || c.budget === budget)) ?? null;
}

const fmt = (value, digits = 1) => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));
const auroc = (cell) => cell?.metrics.auroc ?? null;

/**
 * The five claims (elical.md, "Headline claims") decided from the numbers for one head kind.
 * Each result: { claim, rule, verdict: 'holds' | 'does not hold' | 'partly' | 'not measurable', evidence, margin }.
 * Rules (AUROC x100; IN = in-domain, OOD = out-of-domain weighted averages):
 *  1. Cons-Sem > N-Prob in every domain present.
 *  2. Eli-Only >= Cons-Sem - CLOSE_POINTS in every domain present.
 *  3. EliCal > Cal-Only at each small budget (100/200/500) present, IN; 'partly' when at some.
 *  4. EliCal(1000) >= EliCal(all) - CLOSE_POINTS, IN.
 *  5. mean over budgets of EliCal - Cal-Only is larger OOD than IN.
 * A claim whose numbers are missing (a budget not run, a single-class test set) is 'not measurable'.
 * `margin` is how far (AUROC points) the closest compared number is from flipping its rule, null
 * when not measurable: compare_rebuild.mjs lets a rebuild change only verdicts with margin < 2.
 */
export function decideClaims(report, kind) {
  const { cells } = report;
  const domains = ['in-domain', 'out-of-domain'].filter((scope) => cells.some((c) => c.scope === scope));
  const results = [];
  const numbersOrNull = (pairs) => (pairs.some(([a, b]) => a === null || b === null) ? null : pairs);

  const c1 = numbersOrNull(domains.map((d) => [auroc(findCell(cells, d, 'Cons-Sem', null)), auroc(findCell(cells, d, 'N-Prob', null))]));
  results.push({
    claim: 'Among training-free methods, Cons-Sem discriminates better than N-Prob',
    rule: 'Cons-Sem AUROC > N-Prob AUROC in each domain',
    verdict: c1 === null ? 'not measurable' : c1.every(([a, b]) => a > b) ? 'holds' : c1.some(([a, b]) => a > b) ? 'partly' : 'does not hold',
    margin: c1 === null ? null : Math.min(...c1.map(([a, b]) => Math.abs(a - b))),
    evidence: domains.map((d, i) => `${d}: Cons-Sem ${fmt(c1?.[i][0] ?? null)} vs N-Prob ${fmt(c1?.[i][1] ?? null)}`).join('; '),
  });

  const c2 = numbersOrNull(domains.map((d) => [auroc(findCell(cells, d, 'Eli-Only', kind)), auroc(findCell(cells, d, 'Cons-Sem', null))]));
  results.push({
    claim: 'Eli-Only (no labels, one forward pass) matches or beats Cons-Sem (21 generations)',
    rule: `Eli-Only AUROC >= Cons-Sem AUROC - ${CLOSE_POINTS} in each domain`,
    verdict: c2 === null ? 'not measurable' : c2.every(([a, b]) => a >= b - CLOSE_POINTS) ? 'holds' : c2.some(([a, b]) => a >= b - CLOSE_POINTS) ? 'partly' : 'does not hold',
    margin: c2 === null ? null : Math.min(...c2.map(([a, b]) => Math.abs(a - (b - CLOSE_POINTS)))),
    evidence: domains.map((d, i) => `${d}: Eli-Only ${fmt(c2?.[i][0] ?? null)} vs Cons-Sem ${fmt(c2?.[i][1] ?? null)} (${c2 === null ? 'n/a' : `${c2[i][0] - c2[i][1] >= 0 ? '+' : ''}${(c2[i][0] - c2[i][1]).toFixed(1)}`})`).join('; '),
  });

  const small = SMALL_BUDGETS.filter((b) => report.budgets.includes(b));
  const c3 = numbersOrNull(small.map((b) => [auroc(findCell(cells, 'in-domain', 'EliCal', kind, b)), auroc(findCell(cells, 'in-domain', 'Cal-Only', kind, b))]));
  const wins = c3 === null ? 0 : c3.filter(([a, b]) => a > b).length;
  results.push({
    claim: 'EliCal beats Cal-Only at small label budgets',
    rule: `EliCal AUROC > Cal-Only AUROC in-domain at each of ${SMALL_BUDGETS.join(', ')} labels (those run)`,
    verdict: small.length === 0 || c3 === null ? 'not measurable' : wins === small.length ? 'holds' : wins > 0 ? 'partly' : 'does not hold',
    margin: small.length === 0 || c3 === null ? null : Math.min(...c3.map(([a, b]) => Math.abs(a - b))),
    evidence: small.length === 0 ? 'no small budget was run' : small.map((b, i) => `${b}: EliCal ${fmt(c3?.[i][0] ?? null)} vs Cal-Only ${fmt(c3?.[i][1] ?? null)}`).join('; '),
  });

  const at1000 = auroc(findCell(cells, 'in-domain', 'EliCal', kind, 1000));
  const atAll = auroc(findCell(cells, 'in-domain', 'EliCal', kind, null));
  results.push({
    claim: 'EliCal with 1,000 labels is close to the all-labels model',
    rule: `EliCal(1000) AUROC >= EliCal(all) AUROC - ${CLOSE_POINTS}, in-domain`,
    verdict: at1000 === null || atAll === null ? 'not measurable' : at1000 >= atAll - CLOSE_POINTS ? 'holds' : 'does not hold',
    margin: at1000 === null || atAll === null ? null : Math.abs(at1000 - (atAll - CLOSE_POINTS)),
    evidence: `EliCal(1000) ${fmt(at1000)} vs EliCal(all) ${fmt(atAll)}${at1000 !== null && atAll !== null ? ` (${(at1000 - atAll).toFixed(1)})` : ''}`,
  });

  const advantage = (scope) => {
    const diffs = report.budgets.map((b) => {
      const e = auroc(findCell(cells, scope, 'EliCal', kind, b));
      const c = auroc(findCell(cells, scope, 'Cal-Only', kind, b));
      return e === null || c === null ? null : e - c;
    });
    return diffs.length === 0 || diffs.some((d) => d === null) ? null : diffs.reduce((s, d) => s + d, 0) / diffs.length;
  };
  const inAdv = advantage('in-domain');
  const oodAdv = domains.includes('out-of-domain') ? advantage('out-of-domain') : null;
  results.push({
    claim: 'Out of domain, EliCal keeps a larger advantage over Cal-Only',
    rule: 'mean over the budgets of (EliCal - Cal-Only) AUROC is larger out-of-domain than in-domain',
    verdict: inAdv === null || oodAdv === null ? 'not measurable' : oodAdv > inAdv ? 'holds' : 'does not hold',
    margin: inAdv === null || oodAdv === null ? null : Math.abs(oodAdv - inAdv),
    evidence: `mean advantage in-domain ${inAdv === null ? 'n/a' : `${inAdv >= 0 ? '+' : ''}${inAdv.toFixed(1)}`}, out-of-domain ${oodAdv === null ? 'n/a' : `${oodAdv >= 0 ? '+' : ''}${oodAdv.toFixed(1)}`}`,
  });
  return results;
}

function methodRows(report, kind) {
  const rows = [['N-Prob', 'N-Prob', null, undefined], ['Cons-Sem', 'Cons-Sem', null, undefined], ['Eli-Only', 'Eli-Only', kind, undefined]];
  for (const method of ['Cal-Only', 'EliCal']) {
    for (const b of report.budgets) rows.push([`${method}(${b === null ? 'all' : b})`, method, kind, b]);
  }
  return rows;
}

function paperTable(report, kind) {
  const domains = ['in-domain', 'out-of-domain'].filter((scope) => report.cells.some((c) => c.scope === scope));
  const head = `| Method | ${domains.map((d) => `${d} AUROC | ECE | Alignment`).join(' | ')} |`;
  const rule = `|---|${domains.map(() => '---:|---:|---:').join('|')}|`;
  const lines = [head, rule];
  for (const [label, method, k, budget] of methodRows(report, kind)) {
    const cells = domains.map((d) => {
      const cell = findCell(report.cells, d, method, k, budget);
      if (cell === null) return 'n/a | n/a | n/a';
      const m = cell.metrics;
      const interval = m.aurocLower !== null && m.aurocUpper !== null ? ` [${fmt(m.aurocLower)}, ${fmt(m.aurocUpper)}]` : '';
      return `${fmt(m.auroc)}${interval} | ${fmt(m.ece * 100)} | ${fmt(m.alignment)}`;
    });
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function bucketTable(knowledge, report) {
  const splits = Object.keys(knowledge);
  const fromKnowledge = poolBuckets(splits.map((s) => knowledge[s]));
  const fromGenerate = poolBuckets(report.buckets.map((entry) => entry.rows));
  const buckets = poolBuckets([fromKnowledge.map((r) => ({ ...r, n: 0, correct: 0 })), fromGenerate.map((r) => ({ ...r, n: 0, correct: 0 }))]).map((r) => r.bucket);
  const pct = (rows, bucket) => {
    const row = rows.find((r) => r.bucket === bucket);
    return row === undefined || row.n === 0 ? 'n/a' : `${((100 * row.correct) / row.n).toFixed(1)} % (${row.correct}/${row.n})`;
  };
  const lines = ['| exposures | check_knowledge.py (PyTorch greedy) | package greedy (elical generate) |', '|---|---:|---:|'];
  for (const bucket of buckets) lines.push(`| ${bucket} | ${pct(fromKnowledge, bucket)} | ${pct(fromGenerate, bucket)} |`);
  return { table: lines.join('\n'), fromKnowledge, fromGenerate };
}

function readTiming(file) {
  if (file === undefined || !existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line, i) => {
    const [split, n, seconds] = line.trim().split(/\s+/);
    if (!/^[0-9]+$/.test(n ?? '') || !/^[0-9]+$/.test(seconds ?? '')) fail(`${file}:${i + 1}`, 'expected "SPLIT QUESTIONS SECONDS"');
    return { split, n: Number(n), seconds: Number(seconds) };
  });
}

/** The whole RESULTS.md text. */
export function renderResults({ report, knowledge, command, lr, batchSize, timing, headsMatch }) {
  const kinds = report.kinds;
  const { table, fromKnowledge, fromGenerate } = bucketTable(knowledge, report);
  const riseK = risesWithExposure(fromKnowledge);
  const riseG = risesWithExposure(fromGenerate);
  const trainN = report.heads.find((h) => h.family === 'eli-only')?.trainRows;
  const poolSize = trainN === undefined ? null : trainN + (report.heads.find((h) => h.family === 'eli-only')?.validationRows ?? 0);
  const out = [];
  out.push(`# Results: ${report.model}`, '');
  out.push('EliCal on the embedded demonstration model: the paper\'s comparison (elical.md) measured here, on this small model\'s own data.',
    'Generated by `tools/demo/write_results.mjs` from `RESULTS.json` (`elical eval --format json`) and `knowledge.json`',
    '(`tools/demo/check_knowledge.py`); do not edit by hand. Full tables with Brier scores: `RESULTS.tables.md`; plots: `plots/`.', '');
  out.push('## How these numbers were made', '');
  out.push(`- Rebuild: \`${command}\` (one command; \`--hf DIR\` reuses a trained checkpoint, \`--from STAGE\` reruns from a stage).`);
  out.push(`- Training pool \`${basename(report.train)}\`${poolSize === null ? '' : ` (${poolSize} records)`}; tests ${report.tests.map((t) => `\`${basename(t.file)}\` (${t.domain}, ${t.n})`).join(', ')}. Domain rows are size-weighted averages of their test files.`);
  out.push(`- Answers: \`elical generate\`, greedy plus 20 samples per question (temperature 1.0, top-p 0.95, top-k 50, repetition penalty 1.05, base seed 0), judge: ${report.judges.join(', ')}.`);
  out.push(`- Heads: seed ${report.seed}; every family and kind with the same trainer: AdamW, learning rate ${lr}, batch size ${batchSize}, epochs by \`elical\`'s default (50 up to 10,000 rows), early stopping with patience 4 on a grouped 10 % of each head's own records. The default lr 1e-3 with batch 512 takes one step per epoch on a 100-label pool, too few to fit; batch ${batchSize} gives every budget enough steps.`);
  out.push(`- Cal-Only and EliCal use identical subsets per budget (one seeded permutation, nested); EliCal starts from the Eli-Only head of its kind. Target: ${report.target}. ECE: 10 bins${report.paperEce ? ', paper-compatible (confidence 1.0 dropped)' : ', 1.0 in the last bin'}. AUROC brackets: 95 % bootstrap interval (${report.bootstrap} resamples).`);
  if (headsMatch !== undefined) out.push(`- The package's heads are the evaluated heads: ${headsMatch}`);
  if (timing.length > 0) {
    const n = timing.reduce((s, t) => s + t.n, 0);
    const seconds = timing.reduce((s, t) => s + t.seconds, 0);
    out.push(`- Generation time in this build: ${n} questions in ${seconds} s (${seconds > 0 ? (n / seconds).toFixed(2) : 'n/a'} questions/s, 21 answers each).`);
  }
  out.push('', '## Knowledge boundary: greedy accuracy by exposure', '');
  out.push('Exposures = how often the fact was stated in the training corpus (tools/demo/README.md); all splits pooled.', '', table, '');
  out.push(`Rule: accuracy rises strictly from each bucket to the next. PyTorch check: **${riseK.holds ? 'holds' : 'does not hold'}**; package answers: **${riseG.holds ? 'holds' : 'does not hold'}**.`, '');
  for (const kind of kinds) {
    out.push(`## The paper's table, ${kind} heads`, '', 'AUROC and Alignment x100 (higher is better), ECE x100 (lower is better).', '', paperTable(report, kind), '');
  }
  out.push('## Do the paper\'s findings hold here?', '');
  out.push(`Each verdict follows the stated rule from the numbers above ("close" = within ${CLOSE_POINTS} AUROC points).`, '');
  out.push(`| claim | rule | ${kinds.map((k) => `${k} heads`).join(' | ')} |`, `|---|---|${kinds.map(() => '---|').join('')}`);
  const decided = kinds.map((kind) => decideClaims(report, kind));
  decided[0].forEach((first, i) => {
    out.push(`| ${first.claim} | ${first.rule} | ${decided.map((d) => `**${d[i].verdict}**: ${d[i].evidence}`).join(' | ')} |`);
  });
  out.push('', '## Rebuild tolerance', '');
  out.push('Every stage is seeded (corpus, training, sample seeds, head subsets, validation splits, head initialisation, bootstrap), so a rebuild on the same machine from the same checkpoint gives the same files.',
    'Across machines, float rounding in PyTorch and ONNX Runtime can change a near-tie greedy or sampled token and so a few labels.',
    'A rebuild reproduces these results when every AUROC and Alignment cell above is within 2 points and every ECE (x100) within 2 points, the knowledge-boundary verdicts are the same, and no claim\'s verdict changes except where its margin here is under 2 points.', '');
  return `${out.join('\n')}\n`;
}

function parseArgs(argv) {
  const args = { lr: '1e-3', batchSize: '32', command: 'tools/build_demo_model.sh' };
  const names = { '--eval': 'eval', '--knowledge': 'knowledge', '--out': 'out', '--package': 'package', '--timing': 'timing', '--command': 'command', '--lr': 'lr', '--batch-size': 'batchSize' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help' || argv[i] === '-h') return { help: true };
    const name = names[argv[i]];
    if (name === undefined || argv[i + 1] === undefined) throw new InputError(`unknown argument or missing value: ${argv[i]}`);
    args[name] = argv[++i];
  }
  for (const required of ['eval', 'knowledge', 'out']) if (args[required] === undefined) throw new InputError(`--${required} is required`);
  return args;
}

const USAGE = 'usage: node tools/demo/write_results.mjs --eval RESULTS.json --knowledge knowledge.json --out RESULTS.md [--package DIR] [--timing FILE] [--command TEXT] [--lr X] [--batch-size N]\n';

/** Compares the package's head files (safetensors metadata) with the heads eval trained. */
function compareHeads(report, packageDir) {
  const manifest = object(readJson(`${packageDir}/manifest.json`), `${packageDir}/manifest.json`);
  const entries = array(manifest.heads, `${packageDir}/manifest.json: heads`);
  const mismatches = [];
  for (const h of report.heads) {
    const entry = entries.find((e) => e.family === h.family && e.kind === h.kind && (e.budget ?? null) === h.budget);
    if (entry === undefined) {
      mismatches.push(`${h.family} ${h.kind} ${h.budget ?? 'all'}: not in the package`);
      continue;
    }
    const bytes = readFileSync(`${packageDir}/${entry.file}`);
    const length = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8'));
    const training = JSON.parse(header.__metadata__?.training ?? 'null');
    const same = training !== null && training.trainSize === h.trainRows && training.validationSize === h.validationRows && training.bestEpoch === h.bestEpoch && training.epochsRun === h.epochsRun;
    if (!same) mismatches.push(`${entry.id}: package ${JSON.stringify(training)} vs eval ${JSON.stringify(h)}`);
  }
  return mismatches;
}

function main(argv) {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const report = parseEvalReport(readJson(args.eval), args.eval);
  const knowledge = parseKnowledge(readJson(args.knowledge), args.knowledge);
  let headsMatch;
  if (args.package !== undefined) {
    const mismatches = compareHeads(report, args.package);
    if (mismatches.length > 0) throw new InputError(`the package's heads differ from the heads eval trained (rerun the heads stage with the same settings):\n  ${mismatches.join('\n  ')}`);
    headsMatch = `for each of the ${report.heads.length} heads, the head file's training record (train/validation rows, best epoch, epochs run) equals eval's.`;
  }
  const text = renderResults({ report, knowledge, command: args.command, lr: args.lr, batchSize: args.batchSize, timing: readTiming(args.timing), headsMatch });
  const temporary = `${args.out}.partial`;
  writeFileSync(temporary, text);
  renameSync(temporary, args.out);
  process.stderr.write(`write_results: wrote ${args.out}\n`);
  return 0;
}

// Run only when started as a script, not when imported. import.meta.url is the module's real path,
// percent-encoded; compare it with argv[1] resolved the same way, so that a path through a symlink
// or one holding '#', '%' or spaces still runs main rather than silently doing nothing.
function startedAsScript() {
  if (process.argv[1] === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false; // argv[1] is no file on disk (e.g. node -e), so it is not this module
  }
}

if (startedAsScript()) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    process.stderr.write(`write_results: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
  }
}
