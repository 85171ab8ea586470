/**
 * "EliCal: Evaluate a Data Set…": `elical eval` in the editor, on the model the extension has
 * open. Pickers choose the training pool (a HonestyBench JSONL; the package's data/train.jsonl
 * offered first), the test files with their domain (the package's test_in / test_ood offered
 * first) and the label budgets; node/evaluation/runEvaluation.ts trains the heads and compares
 * N-Prob, Cons-Sem, Eli-Only, Cal-Only(k) and EliCal(k) under a cancellable progress notification.
 * The markdown report and the SVG plots become one new folder, global storage
 * `evaluations/<timestamp>/`, written all at once (writeReportFolder), so a cancel or a failure
 * leaves nothing half-written; the report opens in the Markdown preview.
 *
 * A task or test runs it without pickers with `{ train, tests: [{ file, domain }], budgets? }`
 * (node/evaluation/evaluationArguments.ts); bad arguments or bad files are refused before the model
 * runs.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { Domain } from '../core/evaluation/evaluateFamilies';
import { parseEvaluationArguments } from '../node/evaluation/evaluationArguments';
import { EvaluationError } from '../node/evaluation/evaluationError';
import { DEFAULT_EVALUATION_BUDGETS, readEvaluationInput, runEvaluation, type EvaluationFiles, type EvaluationReport, type EvaluationTestFile } from '../node/evaluation/runEvaluation';
import { writeReportFolder } from '../node/evaluation/writeReportFolder';
import type { ModelService } from './modelService';

export interface EvaluateDeps {
  models: ModelService;
  /** Global storage folder: reports go to `evaluations/`, cached features to `evaluation-features/`. */
  storageDir: string;
  log: (line: string) => void;
}

const TITLE = 'EliCal: evaluate a data set';
const JSONL_FILTERS = { 'HonestyBench JSONL': ['jsonl', 'json'] };
const DOMAIN_LABELS: Record<Domain, string> = { in: 'in-domain', ood: 'out-of-domain' };

async function pickFile(openLabel: string): Promise<string | null> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, canSelectFiles: true, canSelectFolders: false, filters: JSONL_FILTERS, openLabel });
  return picked === undefined || picked.length === 0 ? null : picked[0].fsPath;
}

async function pickTrainingPool(packageDir: string): Promise<string | null> {
  const packaged = join(packageDir, 'data', 'train.jsonl');
  if (!existsSync(packaged)) return pickFile('Use as training pool');
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'train.jsonl', description: "the model package's training pool", detail: packaged, file: packaged as string | null },
      { label: 'Choose a file…', description: 'a HonestyBench JSONL judged by elical generate', file: null },
    ],
    { title: `${TITLE} (1/3)`, placeHolder: 'Training pool: the heads learn from it (never from the test files)', ignoreFocusOut: true },
  );
  if (picked === undefined) return null;
  return picked.file ?? pickFile('Use as training pool');
}

async function pickDomain(file: string): Promise<Domain | null> {
  const picked = await vscode.window.showQuickPick(
    (['in', 'ood'] as const).map((domain) => ({ label: DOMAIN_LABELS[domain], domain })),
    { title: `Domain of ${basename(file)}`, placeHolder: 'Is this test set from the same distribution as the training pool?', ignoreFocusOut: true },
  );
  return picked?.domain ?? null;
}

async function pickOtherTests(): Promise<EvaluationTestFile[] | null> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: true, canSelectFiles: true, canSelectFolders: false, filters: JSONL_FILTERS, openLabel: 'Use as test sets' });
  if (picked === undefined || picked.length === 0) return null;
  const tests: EvaluationTestFile[] = [];
  for (const uri of picked) {
    const domain = await pickDomain(uri.fsPath);
    if (domain === null) return null;
    tests.push({ file: uri.fsPath, domain });
  }
  return tests;
}

async function pickTests(packageDir: string, train: string): Promise<EvaluationTestFile[] | null> {
  const packaged = ([['test_in.jsonl', 'in'], ['test_ood.jsonl', 'ood']] as const)
    .map(([name, domain]) => ({ file: join(packageDir, 'data', name), domain }))
    .filter(({ file }) => file !== train && existsSync(file));
  if (packaged.length === 0) return pickOtherTests();
  const items: (vscode.QuickPickItem & { test: EvaluationTestFile | null })[] = [
    ...packaged.map((test) => ({ label: basename(test.file), description: DOMAIN_LABELS[test.domain], detail: test.file, picked: true, test })),
    { label: 'Other files…', description: 'choose HonestyBench files, then say whether each is in or out of domain', picked: false, test: null },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `${TITLE} (2/3)`, placeHolder: 'Test sets (never used for training)', canPickMany: true, ignoreFocusOut: true });
  if (picked === undefined || picked.length === 0) return null;
  const tests = picked.flatMap((item) => (item.test === null ? [] : [item.test]));
  if (picked.some((item) => item.test === null)) {
    const others = await pickOtherTests();
    if (others === null) return null;
    tests.push(...others);
  }
  return tests;
}

async function pickBudgets(): Promise<(number | null)[] | null> {
  const all = [...DEFAULT_EVALUATION_BUDGETS];
  const upTo1000 = all.filter((budget): budget is number => budget !== null && budget <= 1000);
  const text = (budgets: readonly (number | null)[]): string => budgets.map((budget) => budget ?? 'all').join(', ');
  const picked = await vscode.window.showQuickPick(
    [
      { label: text(all), description: "the paper's label budgets (default)", budgets: all },
      { label: text(upTo1000), description: 'budgets up to 1000 (faster)', budgets: upTo1000 },
    ],
    { title: `${TITLE} (3/3)`, placeHolder: 'Label budgets k for Cal-Only(k) and EliCal(k); those above the pool size are dropped', ignoreFocusOut: true },
  );
  return picked?.budgets ?? null;
}

/** The files and budgets from the arguments, else from the pickers; null when the user backed out. */
async function chooseFiles(deps: EvaluateDeps, args: unknown): Promise<EvaluationFiles | null> {
  const given = parseEvaluationArguments(args);
  if (given !== null) return given;
  const { pkg } = await deps.models.get();
  const train = await pickTrainingPool(pkg.dir);
  if (train === null) return null;
  const tests = await pickTests(pkg.dir, train);
  if (tests === null) return null;
  const budgets = await pickBudgets();
  if (budgets === null) return null;
  return { train, tests, budgets };
}

/** The report with its plots shown under it (the SVGs sit beside it in the folder). */
function reportWithPlots(report: EvaluationReport): string {
  if (report.plots.size === 0) return report.markdown;
  const images = [...report.plots.keys()].map((name) => `![${name}](${encodeURI(name)})`).join('\n\n');
  return `${report.markdown}\n## Plots\n\n${images}\n`;
}

export async function runEvaluate(deps: EvaluateDeps, args?: unknown): Promise<void> {
  const { log } = deps;
  const files = await chooseFiles(deps, args);
  if (files === null) return;
  // Bad files stop here, before any forward pass.
  const input = await readEvaluationInput(files);
  if (input.droppedBudgets.length > 0) log(`evaluate: budgets ${input.droppedBudgets.join(', ')} exceed the ${input.trainRecords.length} records of ${input.train}; dropped`);
  if (input.budgets.length === 0) throw new EvaluationError(`no budget fits the ${input.trainRecords.length} records of ${input.train}`);
  // Held until the work is done: a close() meanwhile (settings, another command) must not free
  // the runner this command is still using (ModelService.acquire).
  const lease = await deps.models.acquire();
  const { model } = lease;
  try {
    const rowsTotal = input.trainRecords.length + input.tests.reduce((sum, test) => sum + test.records.length, 0);
    const started = performance.now();

    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `EliCal: evaluating ${model.pkg.manifest.name}`, cancellable: true },
      async (progress, token): Promise<EvaluationReport | null> => {
        const abort = new AbortController();
        const subscription = token.onCancellationRequested(() => abort.abort());
        // Features take the first 30 % of the bar, training the heads the rest.
        let reported = 0;
        const advance = (fraction: number, message: string): void => {
          progress.report({ increment: Math.max(0, fraction * 100 - reported), message });
          reported = Math.max(reported, fraction * 100);
        };
        let rowsBefore = 0;
        try {
          return await runEvaluation({
            model,
            files: input,
            cacheDir: join(deps.storageDir, 'evaluation-features'),
            signal: abort.signal,
            onProgress: (event) => {
              switch (event.phase) {
                case 'features':
                  advance((0.3 * (rowsBefore + event.done)) / rowsTotal, `features of ${basename(event.file)} ${event.done}/${event.total}`);
                  break;
                case 'features-ready': {
                  const rows = event.file === input.train ? input.trainRecords.length : (input.tests.find((test) => test.file === event.file)?.records.length ?? 0);
                  rowsBefore += rows;
                  advance((0.3 * rowsBefore) / rowsTotal, `features of ${basename(event.file)} ${event.cached ? 'cached' : 'computed'}`);
                  break;
                }
                case 'heads':
                  advance(0.3 + (0.7 * event.done) / event.total, `heads trained ${event.done}/${event.total}`);
                  break;
                case 'log':
                  log(`evaluate: ${event.message}`);
                  break;
                default: {
                  const never: never = event;
                  throw new Error(`unknown progress ${JSON.stringify(never)}`);
                }
              }
            },
          });
        } catch (error) {
          if (abort.signal.aborted) return null;
          throw error;
        } finally {
          subscription.dispose();
        }
      },
    );
    if (report === null) {
      void vscode.window.showInformationMessage('EliCal: evaluation cancelled; nothing was written.');
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    const name = new Date().toISOString().replace(/[:.]/g, '-');
    const folder = await writeReportFolder(join(deps.storageDir, 'evaluations'), name, new Map([['report.md', reportWithPlots(report)], ...report.plots]));
    const reportUri = vscode.Uri.file(join(folder, 'report.md'));
    log(`evaluate: ${model.pkg.manifest.name} on ${input.tests.map((test) => `${test.file} (${test.domain})`).join(', ')}, trained on ${input.train}, budgets ${report.budgets.map((b) => b ?? 'all').join(', ')}, in ${seconds.toFixed(1)} s: report and plots in ${folder}`);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', reportUri);
    } catch {
      // The built-in Markdown extension may be disabled: the report is readable as text too.
      await vscode.window.showTextDocument(reportUri);
    }
    const reveal = 'Reveal folder';
    const choice = await vscode.window.showInformationMessage(`EliCal: evaluation done in ${seconds.toFixed(1)} s; report and plots in ${folder}.`, reveal);
    if (choice === reveal) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(folder));
  } finally {
    await lease.release();
  }
}
