import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvaluationArguments } from '../../../../extension/node/evaluation/evaluationArguments';
import { EvaluationError } from '../../../../extension/node/evaluation/evaluationError';
import { DEFAULT_EVALUATION_BUDGETS } from '../../../../extension/node/evaluation/runEvaluation';

test('evaluation arguments: the documented example, defaults, and no arguments', () => {
  assert.deepEqual(parseEvaluationArguments({ train: '/d/train.jsonl', tests: [{ file: '/d/t.jsonl', domain: 'ood' }], budgets: [100, 'all'] }), {
    train: '/d/train.jsonl',
    tests: [{ file: '/d/t.jsonl', domain: 'ood' }],
    budgets: [100, null],
  });
  assert.deepEqual(parseEvaluationArguments({ train: '/d/train.jsonl', tests: [{ file: '/d/a.jsonl', domain: 'in' }, { file: '/d/b.jsonl', domain: 'ood' }] })?.budgets, [...DEFAULT_EVALUATION_BUDGETS]);
  assert.deepEqual(DEFAULT_EVALUATION_BUDGETS, [100, 200, 500, 1000, 2000, null]);
  assert.equal(parseEvaluationArguments(undefined), null);
  assert.equal(parseEvaluationArguments(null), null);
});

test('evaluation arguments: anything else is refused with a message naming the field', () => {
  const tests = [{ file: '/d/t.jsonl', domain: 'in' }];
  const cases: [unknown, RegExp][] = [
    ['/d/train.jsonl', /arguments must be \{ train: string, tests/],
    [[1], /arguments must be/],
    [{ train: '/d/train.jsonl', tests, budget: [100] }, /unknown argument "budget"/],
    [{ tests }, /train must be a file path, got undefined/],
    [{ train: 'train.jsonl', tests }, /train must be an absolute path, got "train.jsonl"/],
    [{ train: '/d/train.jsonl' }, /tests must be a non-empty array/],
    [{ train: '/d/train.jsonl', tests: [] }, /tests must be a non-empty array/],
    [{ train: '/d/train.jsonl', tests: ['/d/t.jsonl'] }, /tests\[0\] must be \{ file, domain/],
    [{ train: '/d/train.jsonl', tests: [{ file: '/d/t.jsonl', domain: 'both' }] }, /tests\[0\]\.domain must be "in" or "ood", got "both"/],
    [{ train: '/d/train.jsonl', tests: [{ file: '/d/t.jsonl' }] }, /tests\[0\]\.domain must be "in" or "ood", got undefined/],
    [{ train: '/d/train.jsonl', tests: [...tests, { file: '', domain: 'ood' }] }, /tests\[1\]\.file must be a file path, got ""/],
    [{ train: '/d/train.jsonl', tests: [...tests, { file: '/d/t.jsonl', domain: 'ood' }] }, /a test file is named twice/],
    [{ train: '/d/t.jsonl', tests }, /\/d\/t\.jsonl is both the training pool and a test set/],
    [{ train: '/d/train.jsonl', tests, budgets: [] }, /budgets must be a non-empty array/],
    [{ train: '/d/train.jsonl', tests, budgets: '100,all' }, /budgets must be a non-empty array/],
    [{ train: '/d/train.jsonl', tests, budgets: [100, 0] }, /budgets takes positive integers or "all", got 0/],
    [{ train: '/d/train.jsonl', tests, budgets: [1.5] }, /got 1\.5/],
    [{ train: '/d/train.jsonl', tests, budgets: ['100'] }, /got "100"/],
    [{ train: '/d/train.jsonl', tests, budgets: [100, 'all', 100] }, /budgets lists a budget twice/],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => parseEvaluationArguments(value), (error) => error instanceof EvaluationError && message.test(error.message), JSON.stringify(value));
  }
});
