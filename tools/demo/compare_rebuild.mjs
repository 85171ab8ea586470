// Checks a rebuilt demo package against the shipped one by the tolerance RESULTS.md states:
// every AUROC and Alignment cell within 2 points, every ECE (x100) within 2 points, the same
// knowledge-boundary verdict, and no claim's verdict changed unless its margin in the shipped
// results is under 2 points. It also says which package files came out byte for byte the same,
// since on the same software a seeded rebuild is expected to reproduce them exactly.
//
//   node tools/demo/compare_rebuild.mjs REBUILT_DIR [--shipped models/demo-facts] [--json]
// Exit 0: the rebuild reproduces the shipped results; 1: it does not (each reason printed);
// 2: bad arguments or unreadable files.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLOSE_POINTS, decideClaims, InputError, parseEvalReport, parseKnowledge, poolBuckets, risesWithExposure } from './write_results.mjs';

export const TOLERANCE_POINTS = 2;

class UsageError extends Error {}

function readJson(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${file}: cannot read (${error.code ?? error.message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${error.message})`);
  }
}

/** A cell's identity independent of where the package lives: test files by name, domains by label. */
function cellKey(cell) {
  const scope = cell.scope === 'in-domain' || cell.scope === 'out-of-domain' ? cell.scope : basename(cell.scope);
  const budget = cell.budget === undefined ? '' : cell.budget === null ? 'all' : String(cell.budget);
  return `${scope} | ${cell.method}${cell.kind === null ? '' : ` ${cell.kind}`}${budget === '' ? '' : `(${budget})`}`;
}

/** Metric differences (points; ECE x100) of every shipped cell against the rebuilt one. */
export function compareCells(shipped, rebuilt) {
  const byKey = new Map(rebuilt.cells.map((cell) => [cellKey(cell), cell]));
  const rows = [];
  const missing = [];
  for (const cell of shipped.cells) {
    const other = byKey.get(cellKey(cell));
    if (other === undefined) {
      missing.push(cellKey(cell));
      continue;
    }
    const diff = (a, b, scale = 1) => (a === null || b === null ? (a === b ? 0 : Infinity) : Math.abs(a - b) * scale);
    rows.push({
      key: cellKey(cell),
      auroc: diff(cell.metrics.auroc, other.metrics.auroc),
      alignment: diff(cell.metrics.alignment, other.metrics.alignment),
      ece: diff(cell.metrics.ece, other.metrics.ece, 100),
    });
  }
  return { rows, missing };
}

/** Claim verdicts per head kind that differ, each with whether the shipped margin allows it. */
export function compareClaims(shipped, rebuilt) {
  const changes = [];
  for (const kind of shipped.kinds) {
    const before = decideClaims(shipped, kind);
    const after = decideClaims(rebuilt, kind);
    before.forEach((claim, i) => {
      if (claim.verdict === after[i].verdict) return;
      changes.push({ kind, claim: claim.claim, shipped: claim.verdict, rebuilt: after[i].verdict, margin: claim.margin, allowed: claim.margin !== null && claim.margin < TOLERANCE_POINTS });
    });
  }
  return changes;
}

function fileHashes(dir) {
  const hashes = new Map();
  const walk = (folder) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else hashes.set(relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(dir);
  return hashes;
}

/** The package's own files (those the manifest lists and the data), compared byte for byte. */
function compareFiles(shippedDir, rebuiltDir) {
  const shipped = fileHashes(shippedDir);
  const rebuilt = fileHashes(rebuiltDir);
  // RESULTS.*, MODEL_CARD.md and manifest.json name the build's folder and timing; plots embed them.
  const compared = [...shipped.keys()].filter((path) => /^(backbone\.onnx|tokenizer.*\.json|heads\/.*|data\/.*)$/.test(path)).sort();
  return compared.map((path) => ({ path, same: rebuilt.get(path) === shipped.get(path), present: rebuilt.has(path) }));
}

function knowledgeVerdict(dir) {
  const knowledge = parseKnowledge(readJson(join(dir, 'knowledge.json')), join(dir, 'knowledge.json'));
  return risesWithExposure(poolBuckets(Object.values(knowledge))).holds;
}

export function compareRebuild(shippedDir, rebuiltDir) {
  const shipped = parseEvalReport(readJson(join(shippedDir, 'RESULTS.json')), join(shippedDir, 'RESULTS.json'));
  const rebuilt = parseEvalReport(readJson(join(rebuiltDir, 'RESULTS.json')), join(rebuiltDir, 'RESULTS.json'));
  const cells = compareCells(shipped, rebuilt);
  const claims = compareClaims(shipped, rebuilt);
  const knowledge = { shipped: knowledgeVerdict(shippedDir), rebuilt: knowledgeVerdict(rebuiltDir) };
  const files = compareFiles(shippedDir, rebuiltDir);
  const max = (metric) => Math.max(0, ...cells.rows.map((row) => row[metric]));
  const problems = [
    ...cells.missing.map((key) => `cell missing from the rebuild: ${key}`),
    ...cells.rows.flatMap((row) => ['auroc', 'alignment', 'ece'].filter((metric) => row[metric] > TOLERANCE_POINTS).map((metric) => `${row.key}: ${metric} differs by ${row[metric].toFixed(2)} points`)),
    ...(knowledge.shipped === knowledge.rebuilt ? [] : [`knowledge boundary verdict changed: shipped ${knowledge.shipped ? 'holds' : 'does not hold'}, rebuilt ${knowledge.rebuilt ? 'holds' : 'does not hold'}`]),
    ...claims.filter((change) => !change.allowed).map((change) => `${change.kind} heads, "${change.claim}": ${change.shipped} -> ${change.rebuilt} with a shipped margin of ${change.margin === null ? 'n/a' : change.margin.toFixed(1)} points`),
    // A file that differs may be fine (the metrics decide), but one the rebuild did not produce at
    // all (a head, the backbone, the data) means the rebuilt package is not the shipped package.
    ...files.filter((file) => !file.present).map((file) => `file missing from the rebuild: ${file.path}`),
  ];
  return {
    reproduces: problems.length === 0,
    problems,
    cells: cells.rows.length,
    maxDifference: { auroc: max('auroc'), alignment: max('alignment'), ece: max('ece') },
    claimChanges: claims,
    knowledge,
    files: { compared: files.length, identical: files.filter((file) => file.same).length, differing: files.filter((file) => !file.same).map((file) => file.path) },
  };
}

function main(argv) {
  const args = { shipped: 'models/demo-facts', json: false, rebuilt: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--shipped') {
      if (argv[i + 1] === undefined) throw new UsageError('--shipped needs a folder');
      args.shipped = argv[(i += 1)];
    } else if (arg === '--json') args.json = true;
    else if (arg.startsWith('--')) throw new UsageError(`unknown argument ${arg}`);
    else if (args.rebuilt === undefined) args.rebuilt = arg;
    else throw new UsageError(`one rebuilt folder only, got ${arg} too`);
  }
  if (args.rebuilt === undefined) throw new UsageError('usage: node tools/demo/compare_rebuild.mjs REBUILT_DIR [--shipped models/demo-facts] [--json]');
  for (const dir of [args.rebuilt, args.shipped]) if (!existsSync(join(dir, 'RESULTS.json'))) throw new UsageError(`${dir} has no RESULTS.json: is it a built demo package?`);
  const result = compareRebuild(args.shipped, args.rebuilt);
  if (args.json) process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
  else {
    const { maxDifference: d } = result;
    process.stdout.write(
      [
        `${result.cells} cells compared; largest difference AUROC ${d.auroc.toFixed(2)}, Alignment ${d.alignment.toFixed(2)}, ECE x100 ${d.ece.toFixed(2)} (tolerance ${TOLERANCE_POINTS}; claims "close" at ${CLOSE_POINTS})`,
        `knowledge boundary: shipped ${result.knowledge.shipped ? 'holds' : 'does not hold'}, rebuilt ${result.knowledge.rebuilt ? 'holds' : 'does not hold'}`,
        `claim verdicts changed: ${result.claimChanges.length === 0 ? 'none' : result.claimChanges.map((c) => `${c.kind} "${c.claim}" ${c.shipped} -> ${c.rebuilt} (margin ${c.margin?.toFixed(1)}${c.allowed ? ', within tolerance' : ''})`).join('; ')}`,
        `package files byte for byte identical: ${result.files.identical} of ${result.files.compared}${result.files.differing.length > 0 ? ` (differ: ${result.files.differing.join(', ')})` : ''}`,
        ...result.problems.map((problem) => `NOT REPRODUCED: ${problem}`),
        result.reproduces ? 'the rebuild reproduces the shipped results' : 'the rebuild does not reproduce the shipped results',
        '',
      ].join('\n'),
    );
  }
  return result.reproduces ? 0 : 1;
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
    if (!(error instanceof UsageError) && !(error instanceof InputError)) throw error;
    process.stderr.write(`compare_rebuild: ${error.message}\n`);
    process.exitCode = 2;
  }
}
