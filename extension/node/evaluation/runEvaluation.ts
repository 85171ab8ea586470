/**
 * The evaluation pipeline shared by `elical eval` (cli/evalCommand.ts) and "EliCal: Evaluate a
 * Data Set…" (vscode/evaluateCommand.ts): reads a HonestyBench training pool and test files,
 * computes (or reads from the cache) their features with an already-open model, trains the heads
 * the comparison needs (core/evaluation/evaluateFamilies: N-Prob, Cons-Sem, Eli-Only, Cal-Only(k),
 * EliCal(k)), and returns the report as markdown, CSV and JSON text with the SVG plots.
 *
 * It writes no report and no plot (the caller decides where, and writes atomically); the only
 * file it may write is the feature cache (featureCache.ts). It never disposes the runner.
 * Errors: EvaluationError for bad input (the message names the file and line); the runner's own
 * errors unchanged (a remote endpoint's, say); an aborted signal rejects with its reason.
 */
import { readFile } from 'node:fs/promises';
import { accuracyByBucket } from '../../core/evaluation/accuracyByBucket';
import { BenchFileError, parseBenchJsonl, type BenchRecord } from '../../core/evaluation/benchRecord';
import { cellKey, domainScope, evaluateFamilies, type Domain, type EvaluationResult, type TestSet } from '../../core/evaluation/evaluateFamilies';
import { formatEvaluationCsv, formatEvaluationMarkdown } from '../../core/evaluation/formatEvaluation';
import type { TrainerSettings } from '../../core/evaluation/trainFamilyHead';
import type { HeadKind } from '../../core/heads/headMetadata';
import { reliabilityBins } from '../../core/metrics/reliabilityBins';
import { budgetCurveSvg } from '../../core/plots/budgetCurveSvg';
import { reliabilityDiagramSvg } from '../../core/plots/reliabilityDiagramSvg';
import type { ModelRunner } from '../../core/scoring/modelRunner';
import { loadOrComputeFeatures } from '../featureCache';
import type { ModelPackage } from '../modelPackage';
import { EvaluationError } from './evaluationError';

/** The label budgets compared by default; null = the whole pool ("all"). */
export const DEFAULT_EVALUATION_BUDGETS: readonly (number | null)[] = [100, 200, 500, 1000, 2000, null];

export interface EvaluationTestFile {
  file: string;
  domain: Domain;
}

/** What to evaluate on: file paths and budgets (null = all). */
export interface EvaluationFiles {
  train: string;
  tests: readonly EvaluationTestFile[];
  budgets: readonly (number | null)[];
}

/** The files read and checked (readEvaluationInput). */
export interface EvaluationInput {
  train: string;
  trainRecords: BenchRecord[];
  tests: (EvaluationTestFile & { records: BenchRecord[] })[];
  /** The budgets that fit the pool, in the order given (may be empty: runEvaluation refuses that). */
  budgets: (number | null)[];
  /** Budgets dropped because they exceed the pool's size. */
  droppedBudgets: number[];
}

export interface EvaluationOptions {
  /** Head kinds; default linear and mlp. */
  kinds?: readonly HeadKind[];
  /** Calibration target of Cal-Only and EliCal; default correctness. */
  target?: 'correctness' | 'sampling';
  /** Default 42. */
  seed?: number;
  /** The reference code's ECE (drops confidences of exactly 1.0); default false. */
  paperEce?: boolean;
  /** AUROC bootstrap resamples per cell; default 200 (0 = none). */
  bootstrap?: number;
  settings?: TrainerSettings;
  /** Folder of the feature cache files; default next to each data file. */
  cacheDir?: string;
}

/** Progress: feature rows of one file, a file's features ready, a head trained, a log line. */
export type EvaluationProgress =
  | { phase: 'features'; file: string; done: number; total: number }
  | { phase: 'features-ready'; file: string; cached: boolean; path: string }
  | { phase: 'heads'; done: number; total: number }
  | { phase: 'log'; message: string };

export interface RunEvaluationRequest extends EvaluationOptions {
  /** An open model: the package (for its name, tokenizer and prompt) and its runner. */
  model: { pkg: Pick<ModelPackage, 'manifest' | 'tokenizer'>; runner: ModelRunner };
  /** The files to read, or what readEvaluationInput made of them (so bad files fail before a model opens). */
  files: EvaluationFiles | EvaluationInput;
  signal?: AbortSignal;
  onProgress?: (event: EvaluationProgress) => void;
}

export interface EvaluationReport {
  /** The paper-style tables, as `elical eval --format md` prints them. */
  markdown: string;
  csv: string;
  json: string;
  /** SVG text by file name: AUROC against the budget and reliability diagrams, per domain and kind. */
  plots: Map<string, string>;
  result: EvaluationResult;
  /** The budgets compared (null = all) and those dropped for exceeding the pool. */
  budgets: (number | null)[];
  droppedBudgets: number[];
}

async function readBench(file: string): Promise<BenchRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new EvaluationError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return parseBenchJsonl(text, file);
  } catch (error) {
    if (error instanceof BenchFileError) throw new EvaluationError(error.message);
    throw error;
  }
}

/**
 * Reads and parses the pool and the test files and drops the budgets larger than the pool.
 * Errors (EvaluationError): no test file, a test file named twice, the pool also a test file, an
 * unreadable file, a malformed line ("FILE:LINE: reason").
 */
export async function readEvaluationInput(files: EvaluationFiles): Promise<EvaluationInput> {
  if (files.tests.length === 0) throw new EvaluationError('no test files');
  if (new Set(files.tests.map(({ file }) => file)).size !== files.tests.length) throw new EvaluationError('a test file is named twice');
  if (files.tests.some(({ file }) => file === files.train)) throw new EvaluationError(`${files.train} is both the training pool and a test set`);
  const trainRecords = await readBench(files.train);
  const tests: EvaluationInput['tests'] = [];
  for (const { file, domain } of files.tests) tests.push({ file, domain, records: await readBench(file) });
  const droppedBudgets = files.budgets.filter((b): b is number => b !== null && b > trainRecords.length);
  const budgets = files.budgets.filter((b) => b === null || b <= trainRecords.length);
  return { train: files.train, trainRecords, tests, budgets, droppedBudgets };
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

/**
 * Runs the comparison and formats it. The markdown, CSV and JSON are those of `elical eval
 * --format md|csv|json` for the same inputs and options.
 */
export async function runEvaluation(request: RunEvaluationRequest): Promise<EvaluationReport> {
  const { model, signal } = request;
  const progress = request.onProgress ?? (() => undefined);
  const kinds = [...(request.kinds ?? ['linear', 'mlp'])];
  const target = request.target ?? 'correctness';
  const seed = request.seed ?? 42;
  const paperEce = request.paperEce ?? false;
  const bootstrap = request.bootstrap ?? 200;
  signal?.throwIfAborted();
  const input = 'trainRecords' in request.files ? request.files : await readEvaluationInput(request.files);
  const { train: trainFile, trainRecords, budgets } = input;
  if (budgets.length === 0) throw new EvaluationError('no budget fits the training pool');
  if (kinds.length === 0) throw new EvaluationError('no head kinds to train');

  const source = { runner: model.runner, tokenizer: model.pkg.tokenizer, prompt: model.pkg.manifest.prompt, backboneSha256: model.pkg.manifest.backbone.sha256 };
  const features = async (file: string, records: readonly BenchRecord[]): Promise<{ features: Float32Array; hiddenSize: number }> => {
    const result = await loadOrComputeFeatures({
      source,
      dataFile: file,
      questions: records.map((record) => record.question),
      cacheDir: request.cacheDir,
      signal,
      onProgress: (done, total) => progress({ phase: 'features', file, done, total }),
    });
    progress({ phase: 'features-ready', file, cached: result.cached, path: result.path });
    return result;
  };
  const train = await features(trainFile, trainRecords);
  const tests: TestSet[] = [];
  for (const test of input.tests) tests.push({ name: test.file, domain: test.domain, records: test.records, features: (await features(test.file, test.records)).features });
  let result: EvaluationResult;
  try {
    result = await evaluateFamilies({
      hiddenSize: train.hiddenSize,
      train: { name: trainFile, records: trainRecords, features: train.features },
      tests, budgets, kinds, calibrationTarget: target, seed, paperEce, bootstrap, settings: request.settings, signal,
      log: (message) => progress({ phase: 'log', message }),
      onHeadTrained: (done, total) => progress({ phase: 'heads', done, total }),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    // Records lacking a field, or a trainer refusing its input: the data's problem.
    throw new EvaluationError((error as Error).message, { cause: error });
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
  const json = `${JSON.stringify({
    model: model.pkg.manifest.name, train: trainFile, tests: tests.map((set) => ({ file: set.name, domain: set.domain, n: set.records.length })),
    judges, budgets: budgets.map((b) => b ?? 'all'), kinds, target, seed, paperEce, bootstrap,
    cells: result.cells.map((cell) => ({ ...cell, budget: cell.budget === undefined ? undefined : cell.budget ?? 'all' })),
    heads: result.heads, exposureBuckets: buckets.filter((entry) => entry.rows.length > 0),
  }, null, 2)}\n`;
  const header = [
    `# EliCal evaluation: ${model.pkg.manifest.name}`,
    '',
    `Training pool ${trainFile} (${trainRecords.length} records); tests ${tests.map((set) => `${set.name} (${set.domain}, ${set.records.length})`).join(', ')}.`,
    `Judge: ${judges.join(', ')}. Calibration target: ${target}. Seed ${seed}. ECE ${paperEce ? 'paper-compatible (1.0 dropped)' : 'with 1.0 in the last bin'}.${bootstrap > 0 ? ` AUROC brackets: 95 % bootstrap interval (${bootstrap} resamples).` : ''}`,
    'Domain rows are averages over their test files weighted by size.',
    '',
  ].join('\n');
  return {
    markdown: `${header}\n${formatEvaluationMarkdown({ cells: result.cells, kinds, budgets, scopes, buckets })}`,
    csv: formatEvaluationCsv(result.cells),
    json,
    plots: plotFiles(result, tests, kinds, budgets, trainRecords.length),
    result,
    budgets,
    droppedBudgets: input.droppedBudgets,
  };
}
