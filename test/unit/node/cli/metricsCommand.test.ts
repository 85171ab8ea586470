import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../extension/node/cli/main';
import type { CliIo } from '../../../../extension/node/cli/cliIo';
import { assertClose, loadMetricCases, loadQuickstartExpectation } from '../../../support/metricCases';

const QUICKSTART = 'test/fixtures/metrics/quickstart.jsonl';

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    signal: new AbortController().signal,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

function withTempFile(content: string, body: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'elical-metrics-'));
  const path = join(dir, 'scores.jsonl');
  writeFileSync(path, content);
  return body(path).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function assertSummary(stdout: string, expected: { n: number; auroc: number; ece: number; alignment: number; brier: number }): void {
  assert.ok(stdout.endsWith('\n') && stdout.trim().split('\n').length === 1, `one JSON line, got ${JSON.stringify(stdout)}`);
  const printed = JSON.parse(stdout) as Record<string, number>;
  assert.deepEqual(Object.keys(printed), ['n', 'auroc', 'ece', 'alignment', 'brier']);
  assert.equal(printed.n, expected.n);
  for (const key of ['auroc', 'ece', 'alignment', 'brier'] as const) assertClose(printed[key], expected[key], key);
}

test('elical metrics: quickstart fixture prints what scikit-learn/numpy computed', async () => {
  const expected = loadQuickstartExpectation();
  const result = await runCli(['metrics', QUICKSTART]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  assertSummary(result.stdout, expected);
  // A realistic head on this file: discriminates, and is not perfect.
  assert.ok(expected.auroc > 65 && expected.auroc < 90, `${expected.auroc}`);
});

test('elical metrics: the spec worked examples through a file, AUROC and Alignment x100, --paper-ece', async () => {
  const rows = [1.0, 1.0, 0.85, 0.25].map((confidence, i) => ({ confidence, correct: [0, 0, 1, 0][i] }));
  await withTempFile(`${rows.map((row) => JSON.stringify(row)).join('\n')}\n`, async (path) => {
    const plain = JSON.parse((await runCli(['metrics', path])).stdout) as Record<string, number>;
    assertClose(plain.ece, 0.6, 'ece', 1e-12);
    const paper = await runCli(['metrics', path, '--paper-ece']);
    assert.equal(paper.code, 0);
    assertClose((JSON.parse(paper.stdout) as Record<string, number>).ece, 0.1, 'paper ece', 1e-12);
  });
  const conf = [0.9, 0.2, 0.7, 0.4, 0.8, 0.6, 0.3, 0.95, 0.1, 0.5];
  const correct = [1, 0, 1, 0, 1, 1, 0, 1, 0, 0];
  // Blank lines, CRLF and extra fields are all accepted.
  const text = conf.map((c, i) => JSON.stringify({ question: `q${i}`, confidence: c, correct: correct[i] })).join('\r\n\n');
  await withTempFile(`\n${text}\n\n`, async (path) => {
    const result = await runCli(['metrics', path]);
    assert.equal(result.code, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as Record<string, number>;
    assert.equal(printed.n, 10);
    assert.equal(printed.alignment, 62.5);
  });
});

test('elical metrics: agrees with the fixture cases that have both classes', async () => {
  const cases = loadMetricCases().filter((item) => item.auroc !== null).slice(0, 6);
  for (const item of cases) {
    const text = item.confidences.map((confidence, i) => JSON.stringify({ confidence, correct: item.correct[i] })).join('\n');
    await withTempFile(text, async (path) => {
      const result = await runCli(['metrics', path]);
      assert.equal(result.code, 0, `${item.name}: ${result.stderr}`);
      assertSummary(result.stdout, {
        n: item.confidences.length,
        auroc: (item.auroc ?? NaN) * 100,
        ece: item.ece,
        alignment: item.alignment.accuracy * 100,
        brier: item.brier,
      });
    });
  }
});

test('elical metrics: bad input names the file and line, exits 2, prints nothing on stdout', async () => {
  const bad: Array<[string, RegExp]> = [
    ['{"confidence": 0.5, "correct": 1}\n{"confidence": 0.5, "correct": 0\n', /:2: not valid JSON/],
    ['{"confidence": 0.5, "correct": 1}\n\n[0.5, 1]\n', /:3: expected an object \{"confidence": number, "correct": 0\|1\}, got \[0.5,1\]/],
    ['{"confidence": 1.2, "correct": 1}\n', /:1: "confidence" must be a number in \[0, 1\], got 1.2/],
    ['{"confidence": "0.4", "correct": 1}\n', /:1: "confidence" must be a number in \[0, 1\], got "0.4"/],
    ['{"correct": 1}\n', /:1: "confidence" must be a number in \[0, 1\], got nothing/],
    ['{"confidence": 0.4, "correct": 1}\n{"confidence": 0.4, "correct": true}\n', /:2: "correct" must be 0 or 1, got true/],
    ['{"confidence": 0.4, "correct": 2}\n', /:1: "correct" must be 0 or 1, got 2/],
    ['', /: no items \(the file is empty or has only blank lines\)/],
    ['\n  \n', /: no items/],
    ['{"confidence": 0.4, "correct": 1}\n{"confidence": 0.9, "correct": 1}\n', /: AUROC needs both correct and incorrect items, but all 2 items have correct = 1/],
  ];
  for (const [content, pattern] of bad) {
    await withTempFile(content, async (path) => {
      const result = await runCli(['metrics', path]);
      assert.equal(result.code, 2, `${JSON.stringify(content)}: ${result.stderr}`);
      assert.equal(result.stdout, '');
      assert.ok(result.stderr.startsWith(`elical: ${path}`), result.stderr);
      assert.match(result.stderr, pattern);
    });
  }
  const missing = await runCli(['metrics', 'test/fixtures/metrics/no-such-file.jsonl']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /test\/fixtures\/metrics\/no-such-file.jsonl: cannot read \(no such file\)/);
  const directory = await runCli(['metrics', 'test/fixtures/metrics']);
  assert.equal(directory.code, 2);
  assert.match(directory.stderr, /test\/fixtures\/metrics: cannot read \(is a directory\)/);
});

test('elical metrics: --help, missing or extra arguments, unknown options', async () => {
  const help = await runCli(['metrics', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: elical metrics FILE.jsonl \[--paper-ece\]/);
  assert.match(help.stdout, /--paper-ece/);
  assert.equal((await runCli(['metrics', '-h'])).code, 0);
  const none = await runCli(['metrics']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /expected exactly one FILE.jsonl, got 0/);
  const two = await runCli(['metrics', QUICKSTART, QUICKSTART]);
  assert.equal(two.code, 2);
  assert.match(two.stderr, /got 2/);
  const unknown = await runCli(['metrics', QUICKSTART, '--paper']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option "--paper"/);
  const listed = await runCli(['--help']);
  assert.match(listed.stdout, /metrics\s+AUROC, ECE, Alignment and Brier/);
});

test('elical metrics: the real bin/elical.js (what `npm start` runs) prints the same and exits 0; errors exit 2', () => {
  // bin/elical.js rebuilds dist/cli.js itself when it is missing or older than the sources.
  const ok = spawnSync(process.execPath, ['bin/elical.js', 'metrics', QUICKSTART], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(ok.status, 0, ok.stderr);
  assertSummary(ok.stdout, loadQuickstartExpectation());
  const bad = spawnSync(process.execPath, ['bin/elical.js', 'metrics', 'no-such.jsonl'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^elical: no-such.jsonl: cannot read \(no such file\)/m);
});
