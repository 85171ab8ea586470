/**
 * The arguments of "EliCal: Evaluate a Data Set…" when a task, keybinding or test runs it without
 * the pickers: `{ train: string, tests: { file: string, domain: 'in' | 'ood' }[], budgets?:
 * (number | 'all')[] }`, with absolute paths. No arguments (undefined or null) means "ask with the
 * pickers". Anything else that does not fit is refused with an EvaluationError naming the field,
 * before any file is read or model opened.
 * Example (also a unit test): `{ train: '/d/train.jsonl', tests: [{ file: '/d/t.jsonl', domain:
 * 'ood' }], budgets: [100, 'all'] }` gives `{ train: '/d/train.jsonl', tests: [...], budgets:
 * [100, null] }`; without budgets, DEFAULT_EVALUATION_BUDGETS.
 */
import { isAbsolute } from 'node:path';
import { EvaluationError } from './evaluationError';
import { DEFAULT_EVALUATION_BUDGETS, type EvaluationFiles, type EvaluationTestFile } from './runEvaluation';

const SHAPE = "{ train: string, tests: { file: string, domain: 'in' | 'ood' }[], budgets?: (number | 'all')[] }";

function path(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new EvaluationError(`${what} must be a file path, got ${JSON.stringify(value) ?? String(value)}`);
  if (!isAbsolute(value)) throw new EvaluationError(`${what} must be an absolute path, got ${JSON.stringify(value)}`);
  return value;
}

/** The files and budgets the arguments name, or null when there are none. Errors: EvaluationError. */
export function parseEvaluationArguments(value: unknown): EvaluationFiles | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new EvaluationError(`arguments must be ${SHAPE}`);
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== 'train' && key !== 'tests' && key !== 'budgets');
  if (unknown.length > 0) throw new EvaluationError(`unknown argument ${unknown.map((key) => JSON.stringify(key)).join(', ')}; arguments are ${SHAPE}`);
  const train = path(record.train, 'train');
  if (!Array.isArray(record.tests) || record.tests.length === 0) throw new EvaluationError(`tests must be a non-empty array of { file, domain: 'in' | 'ood' }`);
  const tests = record.tests.map((item: unknown, index): EvaluationTestFile => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new EvaluationError(`tests[${index}] must be { file, domain: 'in' | 'ood' }`);
    const test = item as Record<string, unknown>;
    const file = path(test.file, `tests[${index}].file`);
    const domain = test.domain;
    if (domain !== 'in' && domain !== 'ood') throw new EvaluationError(`tests[${index}].domain must be "in" or "ood", got ${JSON.stringify(domain) ?? String(domain)}`);
    return { file, domain };
  });
  if (new Set(tests.map(({ file }) => file)).size !== tests.length) throw new EvaluationError('a test file is named twice');
  if (tests.some(({ file }) => file === train)) throw new EvaluationError(`${train} is both the training pool and a test set`);
  let budgets: (number | null)[] = [...DEFAULT_EVALUATION_BUDGETS];
  if (record.budgets !== undefined) {
    if (!Array.isArray(record.budgets) || record.budgets.length === 0) throw new EvaluationError('budgets must be a non-empty array of positive integers or "all"');
    budgets = record.budgets.map((budget: unknown) => {
      if (budget === 'all') return null;
      if (typeof budget !== 'number' || !Number.isSafeInteger(budget) || budget < 1) throw new EvaluationError(`budgets takes positive integers or "all", got ${JSON.stringify(budget) ?? String(budget)}`);
      return budget;
    });
    if (new Set(budgets).size !== budgets.length) throw new EvaluationError('budgets lists a budget twice');
  }
  return { train, tests, budgets };
}
