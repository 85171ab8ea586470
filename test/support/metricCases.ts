/**
 * Loads test/fixtures/metrics/cases.json (written by make_metric_cases.py with scikit-learn and
 * numpy) for the metric tests, checking its shape so a stale or hand-edited file fails loudly
 * instead of making every comparison vacuous.
 */
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

export const METRIC_CASES_PATH = 'test/fixtures/metrics/cases.json';
export const METRIC_CASES_SCRIPT = 'test/fixtures/metrics/make_metric_cases.py';

export interface ExpectedBootstrap {
  metric: 'auroc' | 'ece';
  resamples: number;
  level: number;
  seed: number;
  estimate: number;
  lower: number;
  upper: number;
  used: number;
  skippedSingleClass: number;
}

export interface MetricCase {
  name: string;
  confidences: number[];
  correct: number[];
  auroc: number | null;
  ece: number;
  ecePaper: number;
  brier: number;
  reliabilityBins: Array<{ count: number; meanConfidence: number | null; accuracy: number | null }>;
  alignment: { accuracy: number; threshold: number; thresholdTuned: boolean; tuningCount: number; evaluationCount: number };
  riskCoverage: Array<{ threshold: number; coverage: number; risk: number }>;
  prr: number | null;
  bootstrap: ExpectedBootstrap[];
}

/** What `elical metrics test/fixtures/metrics/quickstart.jsonl` must print, by scikit-learn/numpy. */
export interface QuickstartExpectation {
  n: number;
  auroc: number;
  ece: number;
  ecePaper: number;
  alignment: number;
  brier: number;
}

let cached: { cases: MetricCase[]; quickstart: QuickstartExpectation } | undefined;

function load(): { cases: MetricCase[]; quickstart: QuickstartExpectation } {
  if (cached) return cached;
  const parsed: unknown = JSON.parse(readFileSync(METRIC_CASES_PATH, 'utf8'));
  assert.ok(typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { cases?: unknown }).cases));
  const { cases, quickstart } = parsed as { cases: MetricCase[]; quickstart: QuickstartExpectation };
  assert.equal(typeof quickstart?.n, 'number', `${METRIC_CASES_PATH} lacks the quickstart summary`);
  assert.ok(cases.length >= 20, `${METRIC_CASES_PATH} has only ${cases.length} cases`);
  for (const item of cases) {
    assert.equal(typeof item.name, 'string');
    assert.equal(item.confidences.length, item.correct.length, item.name);
    assert.equal(item.reliabilityBins.length, 10, item.name);
  }
  cached = { cases, quickstart };
  return cached;
}

export function loadMetricCases(): MetricCase[] {
  return load().cases;
}

export function loadQuickstartExpectation(): QuickstartExpectation {
  return load().quickstart;
}

/** |actual - expected| <= tolerance, with the case name and both values in the message. */
export function assertClose(actual: number, expected: number, message: string, tolerance = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message}: got ${actual}, expected ${expected}`);
}
