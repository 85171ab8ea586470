import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BenchFileError, parseBenchJsonl, requireBenchField, type BenchRecord } from '../../../../extension/core/evaluation/benchRecord';
import { groupedValidationSplit } from '../../../../extension/core/evaluation/groupedValidationSplit';
import { scoreMetrics, weightedAverage } from '../../../../extension/core/evaluation/scoreMetrics';
import { accuracyByBucket } from '../../../../extension/core/evaluation/accuracyByBucket';
import { maxEpochsFor, recordTarget, validationGroup } from '../../../../extension/core/evaluation/trainFamilyHead';

const LINE = { question: 'Q?', answer: ['a'], greedy_response: ['a'], greedy_tokens: [['a', '</s>']], greedy_cumulative_logprobs: [-0.5], greedy_correctness: 1, consistency_judgement: [1, 0, 1, 1], sampling_correctness: [1, 0, 0, 1], fact_id: 'f1', exposure_bucket: '1-2', judge: 'exact' };

test('parseBenchJsonl reads the fields the harness needs', () => {
  const [record] = parseBenchJsonl(`\n${JSON.stringify(LINE)}\r\n`, 'b.jsonl');
  assert.deepEqual(record, {
    line: 2, question: 'Q?', answer: ['a'], greedyResponse: 'a', greedyTokenCount: 2, greedyCumulativeLogprob: -0.5,
    greedyCorrectness: 1, samplingCorrectness: [1, 0, 0, 1], consistencyJudgement: [1, 0, 1, 1], judge: 'exact', factId: 'f1', exposureBucket: '1-2',
  });
  assert.equal(recordTarget(record, 'consistency'), 0.75);
  assert.equal(recordTarget(record, 'correctness'), 1);
  assert.equal(recordTarget(record, 'sampling'), 0.5);
  assert.equal(validationGroup(record), 'fact:f1');
  const bare = parseBenchJsonl('{"question":"Only?"}', 'b.jsonl')[0];
  assert.equal(validationGroup(bare), 'question:Only?');
  assert.throws(() => recordTarget(bare, 'correctness'), /line 1: the correctness target needs greedy_correctness/);
  assert.throws(() => requireBenchField([record, bare], 'b.jsonl', 'consistencyJudgement', 'Cons-Sem needs'), /b\.jsonl:1: missing consistency_judgement, which Cons-Sem needs/);
});

test('parseBenchJsonl: every bad line is named with its number and nothing is returned', () => {
  const good = JSON.stringify(LINE);
  const cases: [string, RegExp][] = [
    [`${good}\n{"question": "Q", "greedy_correctness": 2}`, /^b\.jsonl:2: field greedy_correctness must be one of 0, 1, got 2$/],
    [`${good}\n\nnot json`, /^b\.jsonl:3: not valid JSON/],
    [`{"question": ""}`, /^b\.jsonl:1: field question must be a non-empty string/],
    [`[1]`, /^b\.jsonl:1: a HonestyBench record must be a JSON object/],
    [`{"question": "Q", "consistency_judgement": [1, 0.5]}`, /b\.jsonl:1: field consistency_judgement\[1\] must be 0 or 1, got 0.5/],
    [`{"question": "Q", "greedy_tokens": [["a"]], "greedy_cumulative_logprobs": [0.7]}`, /b\.jsonl:1: field greedy_cumulative_logprobs must be a list holding a finite log-probability <= 0/],
    [`{"question": "Q", "greedy_tokens": [[]], "greedy_cumulative_logprobs": [-1]}`, /b\.jsonl:1: field greedy_tokens must be/],
    [`{"question": "Q", "fact_id": 3}`, /b\.jsonl:1: field fact_id must be a string, got 3/],
    ['\n \n', /^b\.jsonl: no records/],
  ];
  for (const [text, message] of cases) assert.throws(() => parseBenchJsonl(text, 'b.jsonl'), (error: unknown) => error instanceof BenchFileError && message.test(error.message));
});

test('groupedValidationSplit: worked example, groups never straddle, determinism', () => {
  const keys = ['a', 'a', 'b', 'c', 'c', 'd'];
  assert.deepEqual(groupedValidationSplit([0, 1, 2, 3, 4, 5], (row) => keys[row], 0.25, 42), { train: [2, 3, 4, 5], validation: [0, 1] });
  const rows = Array.from({ length: 400 }, (_, i) => i);
  const key = (row: number): string => `g${Math.floor(row / 4)}`;
  const split = groupedValidationSplit(rows, key, 0.1, 7);
  assert.equal(split.validation.length, 40, '10 of 100 groups of 4');
  const validationGroups = new Set(split.validation.map(key));
  assert.ok(split.train.every((row) => !validationGroups.has(key(row))));
  assert.deepEqual([...split.train, ...split.validation].sort((a, b) => a - b), rows);
  assert.deepEqual(groupedValidationSplit(rows, key, 0.1, 7), split);
  assert.throws(() => groupedValidationSplit([1, 1], key, 0.1, 7), /duplicate rows/);
});

test('scoreMetrics: worked example; weightedAverage weights by size', () => {
  const m = scoreMetrics([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
  assert.equal(m.auroc, 75);
  assert.ok(Math.abs(m.ece - 0.3375) < 1e-12);
  assert.equal(m.alignment, 75);
  assert.ok(Math.abs(m.brier - 0.158125) < 1e-12);
  assert.equal(m.aurocLower, null);
  assert.equal(scoreMetrics([0.2, 0.9], [1, 1]).auroc, null, 'one class: AUROC undefined, not an error');
  const withCi = scoreMetrics([0.1, 0.4, 0.35, 0.8, 0.3, 0.9], [0, 0, 1, 1, 0, 1], { bootstrap: 50, seed: 3 });
  assert.ok(withCi.aurocLower !== null && withCi.aurocUpper !== null && withCi.aurocLower <= (withCi.auroc as number) + 1e-9 && (withCi.auroc as number) <= withCi.aurocUpper + 1e-9);
  const base = { aurocLower: null, aurocUpper: null, ece: 0.1, alignment: 50, brier: 0.2 };
  const avg = weightedAverage([{ ...base, n: 100, auroc: 80 }, { ...base, n: 300, auroc: 60, ece: 0.3 }, { ...base, n: 50, auroc: null }]);
  assert.equal(avg.n, 450);
  assert.equal(avg.auroc, 65);
  assert.ok(Math.abs(avg.ece - (100 * 0.1 + 300 * 0.3 + 50 * 0.1) / 450) < 1e-15);
});

test('accuracyByBucket: worked example and bucket order', () => {
  const records = ['unseen', '>10', 'unseen', '1-2', null, 'zzz'].map((bucket, i) => ({ exposureBucket: bucket, greedyCorrectness: [0, 1, 1, 1, 1, 0][i] }) as unknown as BenchRecord);
  assert.deepEqual(accuracyByBucket(records), [
    { bucket: 'unseen', n: 2, correct: 1, accuracy: 0.5 },
    { bucket: '1-2', n: 1, correct: 1, accuracy: 1 },
    { bucket: '>10', n: 1, correct: 1, accuracy: 1 },
    { bucket: 'zzz', n: 1, correct: 0, accuracy: 0 },
  ]);
});

test('maxEpochsFor follows elical.md', () => {
  assert.equal(maxEpochsFor(3000, null), 50);
  assert.equal(maxEpochsFor(20000, null), 10);
  assert.equal(maxEpochsFor(20000, 20000), 15);
});
