/**
 * `elical eval`: the paper's comparison for any model package and HonestyBench files (issue 4,
 * item 7; the command behind a package's RESULTS.md). Trains the heads it needs on the training
 * file's cached features (core/evaluation/evaluateFamilies) and prints the five columns x budgets
 * for AUROC, ECE, Alignment and Brier per test set and as size-weighted domain averages.
 * The pipeline is node/evaluation/runEvaluation.ts (shared with "EliCal: Evaluate a Data Set…");
 * this file parses the options, maps its errors to usage errors and writes the output.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Domain } from '../../core/evaluation/evaluateFamilies';
import type { HeadKind } from '../../core/heads/headMetadata';
import { EvaluationError } from '../evaluation/evaluationError';
import { readEvaluationInput, runEvaluation, type EvaluationInput, type EvaluationReport } from '../evaluation/runEvaluation';
import { writeFileAtomic } from '../writeFileAtomic';
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

  // The files are read (and bad lines reported) before the model opens.
  let input: EvaluationInput;
  try {
    input = await readEvaluationInput({ train: trainFile, tests: testOptions, budgets });
  } catch (error) {
    if (error instanceof EvaluationError) throw new CliUsageError(`eval: ${error.message}`);
    throw error;
  }
  budgets = input.budgets;
  if (input.droppedBudgets.length > 0) io.stderr(`eval: budgets ${input.droppedBudgets.join(', ')} exceed the ${input.trainRecords.length} records of ${trainFile}; dropped\n`);
  if (budgets.length === 0) throw new CliUsageError('eval: no budget fits the training pool');

  const { pkg, runner } = await openModel(model, parseProvider(values.provider), io, parseCount('threads', values.threads, 0, 0));
  let evaluation: EvaluationReport;
  try {
    // Feature progress at most once a second per file (and at its end).
    let lastReport = 0;
    let lastFile = '';
    evaluation = await runEvaluation({
      model: { pkg, runner },
      files: input,
      kinds: kinds as HeadKind[], target, seed, paperEce: values['paper-ece'] ?? false, bootstrap, settings, cacheDir: values.cache,
      signal: io.signal,
      onProgress: (event) => {
        if (event.phase === 'features') {
          if (event.file === lastFile && Date.now() - lastReport < 1000 && event.done < event.total) return;
          lastFile = event.file;
          lastReport = Date.now();
          io.stderr(`eval: features of ${event.file}: ${event.done}/${event.total}\n`);
        } else if (event.phase === 'features-ready') {
          io.stderr(`eval: features of ${event.file}: ${event.cached ? 'cached' : 'computed'} (${event.path})\n`);
        } else if (event.phase === 'log') {
          io.stderr(`eval: ${event.message} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
        }
      },
    });
  } catch (error) {
    if (io.signal.aborted) {
      io.stderr('eval: interrupted; nothing was written\n');
      return 130;
    }
    throw new CliUsageError(`eval: ${(error as Error).message}`);
  } finally {
    await runner.dispose();
  }

  const report = format === 'csv' ? evaluation.csv : format === 'json' ? evaluation.json : evaluation.markdown;
  if (values.plots !== undefined) {
    await mkdir(values.plots, { recursive: true });
    for (const [name, svg] of evaluation.plots) await writeFileAtomic(join(values.plots, name), svg);
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
