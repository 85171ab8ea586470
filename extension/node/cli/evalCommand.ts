/**
 * `elical eval`: the paper's comparison for any model package and HonestyBench files (issue 4,
 * item 7; the command behind a package's RESULTS.md). Trains the heads it needs on the training
 * file's cached features (core/evaluation/evaluateFamilies) and prints the five columns x budgets
 * for AUROC, ECE, Alignment and Brier per test set and as size-weighted domain averages.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { accuracyByBucket } from '../../core/evaluation/accuracyByBucket';
import { cellKey, domainScope, evaluateFamilies, type Domain, type EvaluationResult, type TestSet } from '../../core/evaluation/evaluateFamilies';
import { formatEvaluationCsv, formatEvaluationMarkdown } from '../../core/evaluation/formatEvaluation';
import type { HeadKind } from '../../core/heads/headMetadata';
import { reliabilityBins } from '../../core/metrics/reliabilityBins';
import { budgetCurveSvg } from '../../core/plots/budgetCurveSvg';
import { reliabilityDiagramSvg } from '../../core/plots/reliabilityDiagramSvg';
import { writeFileAtomic } from '../writeFileAtomic';
import { benchFeatures, readBenchFile } from './benchInput';
import { CliUsageError, type CliCommand, type CliIo } from './cliIo';
import { parseCommandArgs } from './parseCommandArgs';
import { openModel, parseCount, parseProvider } from './openModel';
import { parseTrainerSettings, TRAINER_OPTIONS, TRAINER_OPTIONS_HELP } from './trainerOptions';

const HELP = `usage: elical eval --model DIR [--train FILE] [--test FILE:in|ood ...] [--budgets 100,200,500,1000,2000,all]
       [--kinds linear,mlp] [--target correctness|sampling] [--paper-ece] [--format md|csv|json]
       [--plots DIR] [--out FILE] [--seed 42] [--bootstrap 200] [--cache DIR] [--provider cpu|cuda|auto] [--threads N]

Compares N-Prob, Cons-Sem, Eli-Only, Cal-Only(k) and EliCal(k) (elical.md) on HonestyBench files
judged by elical generate (greedy_correctness, consistency_judgement, greedy tokens/log-probs).
  --train FILE      the training pool (default DIR/data/train.jsonl). Eli-Only learns Cons-Sem
                    on all of it; Cal-Only and EliCal learn --target on the same k records per
                    budget (chosen by --seed); every head holds out a grouped 10 % of its
                    records (by fact_id, else question) to choose its epoch. Test files are
                    never used for training or model selection.
  --test FILE:DOM   a test set and its domain, in or ood; repeatable (default
                    DIR/data/test_in.jsonl:in and DIR/data/test_ood.jsonl:ood, those that exist)
  --budgets LIST    label budgets; "all" = the whole pool; budgets above the pool size are
                    dropped with a note (default 100,200,500,1000,2000,all)
  --kinds LIST      head kinds (default linear,mlp)
  --paper-ece       the reference code's ECE (drops confidences of exactly 1.0)
  --format          md (default: tables like the paper's), csv, json
  --bootstrap N     AUROC 95 % bootstrap resamples per cell (default 200; 0 = none)
  --plots DIR       SVG: AUROC of EliCal vs Cal-Only against the budget, reliability diagrams
  --out FILE        write the report there (atomically) instead of stdout
Features are cached next to each file (or in --cache DIR). Progress goes to stderr; Ctrl-C
leaves no partial output.
${TRAINER_OPTIONS_HELP}`;

const DEFAULT_BUDGETS = '100,200,500,1000,2000,all';

/** --budgets: comma-separated positive integers or "all", no duplicates, in the order given. */
export function parseBudgetList(text: string): (number | null)[] {
  const budgets = text.split(',').map((part) => part.trim()).map((part) => {
    if (part === 'all') return null;
    if (!/^[1-9][0-9]*$/.test(part) || !Number.isSafeInteger(Number(part))) throw new CliUsageError(`eval: --budgets takes positive integers or "all", got ${JSON.stringify(part)}`);
    return Number(part);
  });
  if (new Set(budgets).size !== budgets.length) throw new CliUsageError(`eval: --budgets lists a budget twice: ${text}`);
  return budgets;
}

/** --test FILE:in|ood (the last colon separates the domain, so paths may contain colons). */
export function parseTestOption(value: string): { file: string; domain: Domain } {
  const at = value.lastIndexOf(':');
  const domain = at === -1 ? '' : value.slice(at + 1);
  if (at <= 0 || (domain !== 'in' && domain !== 'ood')) throw new CliUsageError(`eval: --test must be FILE:in or FILE:ood, got ${JSON.stringify(value)}`);
  return { file: value.slice(0, at), domain };
}

const COLORS = { calOnly: '#c0392b', elical: '#2471a3', eliOnly: '#27ae60', consSem: '#7f8c8d' };

function plotFiles(result: EvaluationResult, tests: readonly TestSet[], kinds: readonly HeadKind[], budgets: readonly (number | null)[], poolSize: number): Map<string, string> {
  const files = new Map<string, string>();
  const allAt = poolSize;
  const tickLabels = new Map<number, string>(budgets.map((b) => [b ?? allAt, b === null ? `all (${allAt})` : String(b)]));
  const finite = budgets.filter((b): b is number => b !== null);
  const reliabilityBudget = finite.includes(1000) ? 1000 : finite.length > 0 ? Math.max(...finite) : null;
  for (const domain of ['in', 'ood'] as const) {
    const sets = tests.filter((set) => set.domain === domain);
    if (sets.length === 0) continue;
    const scope = domainScope(domain);
    for (const kind of kinds) {
      const auroc = (method: 'Cal-Only' | 'EliCal' | 'Eli-Only' | 'Cons-Sem', budget?: number | null): number | null =>
        result.cells.find((cell) => cell.scope === scope && cell.method === method && (cell.kind === null || cell.kind === kind) && cell.budget === budget)?.metrics.auroc ?? null;
      const curve = (method: 'Cal-Only' | 'EliCal') => budgets.map((b) => ({ budget: b ?? allAt, value: auroc(method, b) }));
      files.set(`auroc-vs-budget-${domain}-${kind}.svg`, budgetCurveSvg({
        title: `AUROC against labels, ${scope}, ${kind} heads`,
        yLabel: 'AUROC (x100)',
        tickLabels,
        curves: [
          { label: 'EliCal', color: COLORS.elical, points: curve('EliCal') },
          { label: 'Cal-Only', color: COLORS.calOnly, points: curve('Cal-Only') },
          { label: 'Eli-Only (no labels)', color: COLORS.eliOnly, points: [{ budget: finite[0] ?? allAt, value: auroc('Eli-Only') }], reference: true },
          { label: 'Cons-Sem', color: COLORS.consSem, points: [{ budget: finite[0] ?? allAt, value: auroc('Cons-Sem') }], reference: true },
        ],
      }));
      const pooled = (key: string): { conf: number[]; correct: number[] } => ({
        conf: sets.flatMap((set) => Array.from(result.confidences.get(set.name)?.get(key) ?? [])),
        correct: sets.flatMap((set) => Array.from(result.correct.get(set.name) ?? [])),
      });
      const panels = [
        { title: 'N-Prob', key: cellKey('N-Prob', null) },
        { title: 'Cons-Sem', key: cellKey('Cons-Sem', null) },
        { title: 'Eli-Only', key: cellKey('Eli-Only', kind) },
        { title: `Cal-Only (${reliabilityBudget ?? 'all'})`, key: cellKey('Cal-Only', kind, reliabilityBudget) },
        { title: `EliCal (${reliabilityBudget ?? 'all'})`, key: cellKey('EliCal', kind, reliabilityBudget) },
      ].map(({ title, key }) => {
        const { conf, correct } = pooled(key);
        return { title, bins: reliabilityBins(conf, correct) };
      });
      files.set(`reliability-${domain}-${kind}.svg`, reliabilityDiagramSvg(`Reliability, ${scope}, ${kind} heads`, panels));
    }
  }
  return files;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('eval', HELP, args, {
    model: { type: 'string' },
    train: { type: 'string' },
    test: { type: 'string', multiple: true },
    budgets: { type: 'string' },
    kinds: { type: 'string' },
    target: { type: 'string' },
    'paper-ece': { type: 'boolean' },
    format: { type: 'string' },
    plots: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    bootstrap: { type: 'string' },
    cache: { type: 'string' },
    provider: { type: 'string' },
    threads: { type: 'string' },
    ...TRAINER_OPTIONS,
  }, (text) => io.stdout(text));
  if (parsed === null) return 0;
  const { values } = parsed;
  const started = Date.now();
  if (!values.model) throw new CliUsageError(`eval: --model is required\n${HELP}`);
  const model = values.model;
  const format = values.format ?? 'md';
  if (format !== 'md' && format !== 'csv' && format !== 'json') throw new CliUsageError(`eval: --format must be md, csv or json, got ${JSON.stringify(format)}`);
  const kinds = (values.kinds ?? 'linear,mlp').split(',').map((kind) => kind.trim());
  for (const kind of kinds) if (kind !== 'linear' && kind !== 'mlp') throw new CliUsageError(`eval: --kinds takes linear and/or mlp, got ${JSON.stringify(kind)}`);
  const target = values.target ?? 'correctness';
  if (target !== 'correctness' && target !== 'sampling') throw new CliUsageError(`eval: --target must be correctness or sampling, got ${JSON.stringify(target)}`);
  const seed = parseCount('seed', values.seed, 42, 0);
  const bootstrap = parseCount('bootstrap', values.bootstrap, 200, 0);
  const settings = parseTrainerSettings(values);
  let budgets = parseBudgetList(values.budgets ?? DEFAULT_BUDGETS);
  const trainFile = values.train ?? join(model, 'data', 'train.jsonl');
  const testOptions = values.test !== undefined
    ? values.test.map(parseTestOption)
    : [{ file: join(model, 'data', 'test_in.jsonl'), domain: 'in' as const }, { file: join(model, 'data', 'test_ood.jsonl'), domain: 'ood' as const }].filter(({ file }) => existsSync(file));
  if (testOptions.length === 0) throw new CliUsageError(`eval: no test files: pass --test FILE:in|ood, or put test_in.jsonl / test_ood.jsonl in ${join(model, 'data')}`);
  if (new Set(testOptions.map(({ file }) => file)).size !== testOptions.length) throw new CliUsageError('eval: a --test file is named twice');
  if (testOptions.some(({ file }) => file === trainFile)) throw new CliUsageError(`eval: ${trainFile} is both the training pool and a test set`);

  const trainRecords = await readBenchFile(trainFile, 'eval');
  const testRecords = [];
  for (const option of testOptions) testRecords.push({ ...option, records: await readBenchFile(option.file, 'eval') });
  const dropped = budgets.filter((b) => b !== null && b > trainRecords.length);
  if (dropped.length > 0) io.stderr(`eval: budgets ${dropped.join(', ')} exceed the ${trainRecords.length} records of ${trainFile}; dropped\n`);
  budgets = budgets.filter((b) => b === null || b <= trainRecords.length);
  if (budgets.length === 0) throw new CliUsageError('eval: no budget fits the training pool');

  const { pkg, runner } = await openModel(model, parseProvider(values.provider), io, parseCount('threads', values.threads, 0, 0));
  let result: EvaluationResult;
  let tests: TestSet[];
  try {
    const source = { runner, tokenizer: pkg.tokenizer, prompt: pkg.manifest.prompt, backboneSha256: pkg.manifest.backbone.sha256 };
    const train = await benchFeatures(trainFile, trainRecords, source, io, 'eval', values.cache);
    tests = [];
    for (const test of testRecords) {
      const input = await benchFeatures(test.file, test.records, source, io, 'eval', values.cache);
      tests.push({ name: test.file, domain: test.domain, records: test.records, features: input.features });
    }
    result = await evaluateFamilies({
      hiddenSize: train.hiddenSize,
      train: { name: trainFile, records: trainRecords, features: train.features },
      tests, budgets, kinds: kinds as HeadKind[], calibrationTarget: target, seed,
      paperEce: values['paper-ece'] ?? false, bootstrap, settings, signal: io.signal,
      log: (message) => io.stderr(`eval: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`),
    });
  } catch (error) {
    if (io.signal.aborted) {
      io.stderr('eval: interrupted; nothing was written\n');
      return 130;
    }
    if (error instanceof CliUsageError) throw error;
    throw new CliUsageError(`eval: ${(error as Error).message}`);
  } finally {
    await runner.dispose();
  }

  const domains = (['in', 'ood'] as const).filter((domain) => tests.some((set) => set.domain === domain));
  const scopes = [
    ...domains.map(domainScope),
    ...domains.flatMap((domain) => {
      const names = tests.filter((set) => set.domain === domain).map((set) => set.name);
      return names.length > 1 ? names : [];
    }),
  ];
  const buckets = [
    { scope: trainFile, rows: accuracyByBucket(trainRecords) },
    ...tests.map((set) => ({ scope: set.name, rows: accuracyByBucket(set.records) })),
  ];
  const judges = [...new Set([trainRecords, ...tests.map((set) => set.records)].flatMap((records) => records.map((r) => r.judge ?? 'unnamed')))];
  let report: string;
  if (format === 'csv') report = formatEvaluationCsv(result.cells);
  else if (format === 'json') {
    report = `${JSON.stringify({
      model: pkg.manifest.name, train: trainFile, tests: tests.map((set) => ({ file: set.name, domain: set.domain, n: set.records.length })),
      judges, budgets: budgets.map((b) => b ?? 'all'), kinds, target, seed, paperEce: values['paper-ece'] ?? false, bootstrap,
      cells: result.cells.map((cell) => ({ ...cell, budget: cell.budget === undefined ? undefined : cell.budget ?? 'all' })),
      heads: result.heads, exposureBuckets: buckets.filter((entry) => entry.rows.length > 0),
    }, null, 2)}\n`;
  } else {
    const header = [
      `# EliCal evaluation: ${pkg.manifest.name}`,
      '',
      `Training pool ${trainFile} (${trainRecords.length} records); tests ${tests.map((set) => `${set.name} (${set.domain}, ${set.records.length})`).join(', ')}.`,
      `Judge: ${judges.join(', ')}. Calibration target: ${target}. Seed ${seed}. ECE ${values['paper-ece'] ? 'paper-compatible (1.0 dropped)' : 'with 1.0 in the last bin'}.${bootstrap > 0 ? ` AUROC brackets: 95 % bootstrap interval (${bootstrap} resamples).` : ''}`,
      'Domain rows are averages over their test files weighted by size.',
      '',
    ].join('\n');
    report = `${header}\n${formatEvaluationMarkdown({ cells: result.cells, kinds: kinds as HeadKind[], budgets, scopes, buckets })}`;
  }
  if (values.plots !== undefined) {
    await mkdir(values.plots, { recursive: true });
    for (const [name, svg] of plotFiles(result, tests, kinds as HeadKind[], budgets, trainRecords.length)) await writeFileAtomic(join(values.plots, name), svg);
    io.stderr(`eval: plots in ${values.plots}\n`);
  }
  if (values.out !== undefined) {
    await writeFileAtomic(values.out, report);
    io.stderr(`eval: wrote ${values.out}\n`);
  } else io.stdout(report);
  io.stderr(`eval: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

export const evalCommand: CliCommand = { name: 'eval', summary: 'compare N-Prob, Cons-Sem, Eli-Only, Cal-Only and EliCal across label budgets', run };
