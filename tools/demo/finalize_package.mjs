// Last step of tools/build_demo_model.sh: turns the exported package with its trained heads into
// the shipped demo package. It writes MODEL_CARD.md (what the model knows and does not, how it
// was made, data licences, how to rebuild), sets the default head (EliCal-1000 MLP: the
// paper's recommended budget, the head whose labels a user could realistically provide, and the
// reference code's head for a frozen backbone),
// records each head's test metrics from the eval report in the manifest, and refreshes the
// manifest's sha256 inventory for the card. The caller then loads the package (elical score),
// which re-checks every hash.
//
// Usage: node tools/demo/finalize_package.mjs --package DIR --eval RESULTS.json
//          --knowledge knowledge.json [--hf HF_DIR] [--command TEXT]
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUCKET_ORDER, parseEvalReport, parseKnowledge, poolBuckets, findCell, risesWithExposure } from './write_results.mjs';

const USAGE = 'usage: node tools/demo/finalize_package.mjs --package DIR --eval RESULTS.json --knowledge knowledge.json [--hf HF_DIR] [--command TEXT]\n';
// Not import.meta.dirname: that needs Node 20.11, and package.json promises any Node 20.
const DEMO_DIR = fileURLToPath(new URL('.', import.meta.url));

class InputError extends Error {}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: ${error.code === 'ENOENT' ? 'missing' : error.message}`);
  }
}

function writeAtomic(file, text) {
  writeFileSync(`${file}.partial`, text);
  renameSync(`${file}.partial`, file);
}

/**
 * The default head, chosen by rule and never by test scores: EliCal at 1,000 labels, preferring
 * the MLP (elical.md: the reference code's head for a frozen backbone) over the linear head;
 * without a 1,000-label head, the EliCal head of the largest numeric budget in the same kind
 * order; else the first head; null without heads.
 */
export function chooseDefaultHead(heads) {
  const elical = (kind) => heads.filter((h) => h.family === 'elical' && h.kind === kind);
  for (const kind of ['mlp', 'linear']) {
    const exact = elical(kind).find((h) => h.budget === 1000);
    if (exact !== undefined) return exact.id;
  }
  for (const kind of ['mlp', 'linear']) {
    const numeric = elical(kind).filter((h) => typeof h.budget === 'number').sort((a, b) => b.budget - a.budget);
    if (numeric.length > 0) return numeric[0].id;
  }
  return heads.find((h) => h.family === 'elical')?.id ?? heads[0]?.id ?? null;
}

/** Test metrics of one head from the eval cells: AUROC / Alignment x100 and ECE x100, 1 decimal. */
function headMetrics(report, head) {
  const method = { 'eli-only': 'Eli-Only', 'cal-only': 'Cal-Only', elical: 'EliCal' }[head.family];
  const metrics = {};
  for (const [scope, suffix] of [['in-domain', 'In'], ['out-of-domain', 'Ood']]) {
    const cell = report.cells.find((c) => c.scope === scope && c.method === method && c.kind === head.kind && (method === 'Eli-Only' || c.budget === (head.budget ?? null)));
    if (cell === undefined) continue;
    if (cell.metrics.auroc !== null) metrics[`auroc${suffix}`] = Math.round(cell.metrics.auroc * 10) / 10;
    metrics[`ece${suffix}`] = Math.round(cell.metrics.ece * 1000) / 10;
    metrics[`alignment${suffix}`] = Math.round(cell.metrics.alignment * 10) / 10;
  }
  return metrics;
}

function modelCard({ manifest, report, knowledge, sources, trainReport, command, hfDir }) {
  const a = manifest.architecture;
  const pooled = poolBuckets(Object.values(knowledge));
  const pct = (row) => (row.n === 0 ? 'n/a' : `${((100 * row.correct) / row.n).toFixed(1)} %`);
  const byBucket = BUCKET_ORDER.map((b) => pooled.find((r) => r.bucket === b)).filter(Boolean);
  const def = manifest.heads.find((h) => h.id === manifest.defaultHead);
  const fmt = (v) => (v === null || v === undefined ? 'n/a' : v.toFixed(1));
  const inCell = (method, kind, budget) => findCell(report.cells, 'in-domain', method, kind, budget)?.metrics.auroc ?? null;
  const s = trainReport?.settings;
  const lines = [
    `# ${manifest.name}: a demonstration model`, '',
    '**This is a demonstration model, not an assistant.** It exists so that EliCal Confidence works out of the box and every claim of the method can be measured on this machine: a tiny language model with a real, measurable knowledge boundary. Do not rely on its answers or its confidences for anything else.', '',
    '## What it knows and what it does not', '',
    'It answers short factual questions about countries (capital, continent, currency, language, calling code), chemical elements (symbol, atomic number) and US states and territories (postal abbreviation), in English, one fact per question. It knows nothing else: any other question gets a confident-sounding guess made of words from its small vocabulary.',
    'Facts were stated in its training text a heavy-tailed number of times, and a quarter of them never, so that it should know frequently stated facts, half-know rare ones and have to guess the unseen ones.',
    `Greedy accuracy by exposure (all question splits, PyTorch check): ${byBucket.map((r) => `${r.bucket}: ${pct(r)} (n = ${r.n})`).join(', ')}: ${risesWithExposure(pooled).holds ? 'it rises with exposure, a real knowledge boundary, and that boundary is what its confidence heads learn to predict.' : '**it does not rise strictly with exposure in this build** (see RESULTS.md), so its knowledge boundary is weaker than designed.'}`, '',
    '## How it was made', '',
    `- Data: ${sources.map((src) => `\`${src.name}\` ${src.version} (${src.license})`).join(', ')}, npm data packages read by \`tools/build_demo_corpus.mjs\`; statements and questions from templates by \`tools/build_demo_data.py\` (tools/demo/README.md).`,
    `- Backbone: Llama architecture (RMSNorm, RoPE, SwiGLU), ${a.numLayers} layers, hidden ${a.hiddenSize}, ${a.numAttentionHeads} attention heads (${a.numKeyValueHeads} key/value), word-level vocabulary of ${a.vocabSize}${trainReport ? `, ${trainReport.parameters.toLocaleString('en-US')} parameters` : ''}, trained from scratch by \`tools/train_demo_model.py\`${s ? ` (${s.steps} steps of ${s.tokens_per_step} tokens, peak lr ${s.lr}, seed ${trainReport.seed}, final loss ${trainReport.finalLoss.toFixed(3)})` : ''} from \`${basename(hfDir ?? 'the checkpoint')}\`, exported to ONNX by \`tools/export_onnx.py\`.`,
    '- Data files: `data/train.jsonl`, `data/test_in.jsonl`, `data/test_ood.jsonl` in HonestyBench format from `elical generate` (greedy answer and 20 samples per question, judged by containment against the gold answers and aliases).',
    `- Confidence heads (${manifest.heads.length}): Eli-Only on the whole training pool (self-consistency targets, no labels), Cal-Only and EliCal at budgets ${report.budgets.map((b) => b ?? 'all').join(', ')} on identical subsets, ${report.kinds.join(' and ')}; each picks its epoch on a grouped 10 % of its own records. Default head: \`${manifest.defaultHead}\`${def ? ` (in-domain AUROC ${fmt(def.metrics.aurocIn)}, out-of-domain ${fmt(def.metrics.aurocOod)})` : ''}.`,
    `- Measured (in-domain AUROC, linear heads): N-Prob ${fmt(inCell('N-Prob', 'linear'))}, Cons-Sem ${fmt(inCell('Cons-Sem', 'linear'))}, Eli-Only ${fmt(inCell('Eli-Only', 'linear'))}, EliCal(1000) ${fmt(inCell('EliCal', 'linear', 1000))}. All numbers and whether the paper's findings hold here: \`RESULTS.md\`.`, '',
    '## Licences', '',
    '| source | version | licence | used for |', '|---|---|---|---|',
    ...sources.map((src) => `| ${src.name} | ${src.version} | ${src.license} | facts (${src.homepage}) |`),
    '', 'The model weights, heads and data files are part of EliCal Confidence (MIT).', '',
    '## Rebuild with one command', '',
    '```', command, '```', '',
    'Every stage is seeded. `--hf DIR` reuses a trained checkpoint; `--from STAGE` reruns from a stage (`tools/build_demo_model.sh --help`). RESULTS.md states the tolerance within which a rebuild reproduces the shipped numbers.', '',
  ];
  return lines.join('\n');
}

function main(argv) {
  const args = {};
  const names = { '--package': 'package', '--eval': 'eval', '--knowledge': 'knowledge', '--hf': 'hf', '--command': 'command' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write(USAGE);
      return 0;
    }
    const name = names[argv[i]];
    if (name === undefined || argv[i + 1] === undefined) throw new InputError(`unknown argument or missing value: ${argv[i]}`);
    args[name] = argv[++i];
  }
  for (const required of ['package', 'eval', 'knowledge']) if (args[required] === undefined) throw new InputError(`--${required} is required`);
  const manifestPath = join(args.package, 'manifest.json');
  const manifest = readJson(manifestPath);
  if (manifest.format !== 'elical-model-package' || !Array.isArray(manifest.heads) || typeof manifest.files !== 'object' || manifest.files === null) throw new InputError(`${manifestPath}: not an EliCal model package manifest`);
  const report = parseEvalReport(readJson(args.eval), args.eval);
  const knowledge = parseKnowledge(readJson(args.knowledge), args.knowledge);
  const sourcesRaw = readJson(join(DEMO_DIR, 'sources.json'));
  if (sourcesRaw.schemaVersion !== 1 || !Array.isArray(sourcesRaw.sources)) throw new InputError('tools/demo/sources.json: expected schemaVersion 1 and a sources list');
  const trainReportPath = args.hf === undefined ? null : join(args.hf, 'train_report.json');
  const trainReport = trainReportPath !== null && existsSync(trainReportPath) ? readJson(trainReportPath) : null;

  for (const head of manifest.heads) head.metrics = headMetrics(report, head);
  manifest.defaultHead = chooseDefaultHead(manifest.heads);
  const size = trainReport === null ? '' : `${(trainReport.parameters / 1e6).toFixed(1)} M-parameter `;
  manifest.description = `Demonstration model: a ${size}Llama trained from scratch on country, element and US-state facts, with Eli-Only, Cal-Only and EliCal heads`;
  const card = modelCard({ manifest, report, knowledge, sources: sourcesRaw.sources, trainReport, command: args.command ?? 'tools/build_demo_model.sh', hfDir: args.hf });
  writeAtomic(join(args.package, 'MODEL_CARD.md'), card);
  manifest.files['MODEL_CARD.md'] = createHash('sha256').update(card).digest('hex');
  writeAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  process.stderr.write(`finalize_package: ${args.package}: default head ${manifest.defaultHead}, ${manifest.heads.length} heads with metrics, MODEL_CARD.md\n`);
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
    process.stderr.write(`finalize_package: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
  }
}
