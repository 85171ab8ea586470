import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePython, runPython } from '../../../support/python';
import { METRIC_CASES_SCRIPT } from '../../../support/metricCases';

test('metric fixtures: the committed cases.json and quickstart.jsonl are what the script writes', (t) => {
  if (!requirePython(t, ['numpy', 'sklearn'])) return;
  const out = mkdtempSync(join(tmpdir(), 'elical-metric-cases-'));
  try {
    runPython([METRIC_CASES_SCRIPT, out]);
    for (const name of ['cases.json', 'quickstart.jsonl']) {
      const fresh = readFileSync(join(out, name), 'utf8');
      const committed = readFileSync(join('test/fixtures/metrics', name), 'utf8');
      assert.ok(fresh === committed, `test/fixtures/metrics/${name} is stale: rerun /usr/bin/python3 ${METRIC_CASES_SCRIPT}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
