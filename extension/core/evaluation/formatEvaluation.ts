/**
 * The evaluation as text: markdown tables shaped like the paper's (rows = budgets, columns = the
 * five methods, one table per metric, domain and head kind), or CSV with one row per cell.
 * Units: AUROC and Alignment x100, ECE x100 in markdown (a fraction in CSV/JSON, as the metric
 * returns it), Brier as a fraction.
 */
import type { HeadKind } from '../heads/headMetadata';
import type { BucketAccuracy } from './accuracyByBucket';
import { METHOD_NAMES, type EvaluationCell } from './evaluateFamilies';
import type { ScoreMetrics } from './scoreMetrics';

type MetricName = 'auroc' | 'ece' | 'alignment' | 'brier';
const METRICS: { name: MetricName; title: string; cell: (m: ScoreMetrics) => string }[] = [
  { name: 'auroc', title: 'AUROC (x100, higher is better)', cell: (m) => (m.auroc === null ? 'n/a' : `${m.auroc.toFixed(1)}${m.aurocLower !== null && m.aurocUpper !== null ? ` [${m.aurocLower.toFixed(1)}, ${m.aurocUpper.toFixed(1)}]` : ''}`) },
  { name: 'ece', title: 'ECE (x100, lower is better)', cell: (m) => (m.ece * 100).toFixed(1) },
  { name: 'alignment', title: 'Alignment (x100, higher is better)', cell: (m) => m.alignment.toFixed(1) },
  { name: 'brier', title: 'Brier (lower is better)', cell: (m) => m.brier.toFixed(3) },
];

export interface EvaluationTableInput {
  cells: readonly EvaluationCell[];
  kinds: readonly HeadKind[];
  budgets: readonly (number | null)[];
  /** Scopes to print, in order (e.g. in-domain, out-of-domain, then single files). */
  scopes: readonly string[];
  /** Greedy accuracy by exposure bucket per scope name, printed when non-empty. */
  buckets?: readonly { scope: string; rows: readonly BucketAccuracy[] }[];
}

function find(cells: readonly EvaluationCell[], scope: string, method: string, kind: HeadKind, budget: number | null): EvaluationCell | undefined {
  return cells.find((cell) =>
    cell.scope === scope && cell.method === method &&
    (cell.kind === null || cell.kind === kind) &&
    (cell.budget === undefined || cell.budget === budget));
}

const budgetLabel = (budget: number | null): string => (budget === null ? 'all' : String(budget));

/**
 * Markdown: for each scope, kind and metric a table whose rows are the budgets and whose columns
 * are N-Prob, Cons-Sem, Eli-Only, Cal-Only, EliCal (the first three do not depend on the budget
 * and repeat down their column, as in the paper). Missing cells print "-".
 */
export function formatEvaluationMarkdown(input: EvaluationTableInput): string {
  const lines: string[] = [];
  for (const scope of input.scopes) {
    const n = input.cells.find((cell) => cell.scope === scope)?.metrics.n;
    for (const kind of input.kinds) {
      lines.push(`## ${scope} (${n ?? '?'} questions), ${kind} heads`, '');
      for (const metric of METRICS) {
        lines.push(`### ${metric.title}`, '', `| budget | ${METHOD_NAMES.join(' | ')} |`, `|---|${METHOD_NAMES.map(() => '---:').join('|')}|`);
        for (const budget of input.budgets) {
          const row = METHOD_NAMES.map((method) => {
            const cell = find(input.cells, scope, method, kind, budget);
            return cell === undefined ? '-' : metric.cell(cell.metrics);
          });
          lines.push(`| ${budgetLabel(budget)} | ${row.join(' | ')} |`);
        }
        lines.push('');
      }
    }
  }
  for (const { scope, rows } of input.buckets ?? []) {
    if (rows.length === 0) continue;
    lines.push(`## Greedy accuracy by exposure bucket: ${scope}`, '', '| bucket | questions | correct | accuracy (%) |', '|---|---:|---:|---:|');
    for (const row of rows) lines.push(`| ${row.bucket} | ${row.n} | ${row.correct} | ${(row.accuracy * 100).toFixed(1)} |`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV, header then one line per cell: scope,method,kind,budget,n,auroc,auroc_lower,auroc_upper,ece,alignment,brier (empty = not applicable). */
export function formatEvaluationCsv(cells: readonly EvaluationCell[]): string {
  const header = 'scope,method,kind,budget,n,auroc,auroc_lower,auroc_upper,ece,alignment,brier';
  const rows = cells.map((cell) => {
    const m = cell.metrics;
    return [cell.scope, cell.method, cell.kind, cell.budget === undefined ? null : budgetLabel(cell.budget), m.n, m.auroc, m.aurocLower, m.aurocUpper, m.ece, m.alignment, m.brier].map(csvField).join(',');
  });
  return `${[header, ...rows].join('\n')}\n`;
}
