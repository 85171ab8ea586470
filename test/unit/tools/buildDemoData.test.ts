// The demo data is committed; these tests rebuild it from node_modules and the seed and require
// the same bytes (so the files are what the scripts make), then check the design's promises
// (tools/demo/README.md) on the committed files directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requirePython, runPython } from '../../support/python.js';

const DEMO = 'tools/demo';

interface Fact { id: string; relation: string; subject: string; answer: string; aliases: string[]; source: string }
interface Question { id: string; question: string; answer: string[]; fact_id: string; exposures: number; exposure_bucket: string; relation: string; template: string; ood: string | null }
interface CorpusRecord { kind: 'statement' | 'qa'; fact_id: string; text?: string; question?: string; answer?: string }

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as T);
}

const SPLITS = ['train', 'test_in', 'test_ood'] as const;

test('build_demo_corpus.mjs reproduces facts.jsonl and sources.json from the installed packages', () => {
  const out = mkdtempSync(join(tmpdir(), 'demo-corpus-'));
  try {
    const run = spawnSync(process.execPath, ['tools/build_demo_corpus.mjs', '--out', out], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    for (const name of ['facts.jsonl', 'sources.json']) {
      assert.ok(readFileSync(join(out, name)).equals(readFileSync(join(DEMO, name))), `${name} differs from the committed file`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('build_demo_data.py reproduces the committed plan, corpus and questions', (t) => {
  if (!requirePython(t, ['json'])) return;
  const out = mkdtempSync(join(tmpdir(), 'demo-data-'));
  try {
    mkdirSync(out, { recursive: true });
    copyFileSync(join(DEMO, 'facts.jsonl'), join(out, 'facts.jsonl'));
    runPython(['tools/build_demo_data.py', '--demo-dir', out]);
    for (const name of ['plan.jsonl', 'lm_corpus.jsonl', ...SPLITS.map((split) => `questions/${split}.jsonl`)]) {
      assert.ok(readFileSync(join(out, name)).equals(readFileSync(join(DEMO, name))), `${name} differs from the committed file`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the demo data keeps its design promises', () => {
  const facts = new Map(readJsonl<Fact>(join(DEMO, 'facts.jsonl')).map((fact) => [fact.id, fact]));
  const corpus = readJsonl<CorpusRecord>(join(DEMO, 'lm_corpus.jsonl'));
  const statements = new Map<string, number>();
  const qaFacts = new Set<string>();
  for (const record of corpus) {
    if (record.kind === 'statement') statements.set(record.fact_id, (statements.get(record.fact_id) ?? 0) + 1);
    else qaFacts.add(record.fact_id);
  }
  const statementTexts = new Set(corpus.filter((record) => record.kind === 'statement').map((record) => record.text));

  // About a quarter of every relation is never stated.
  const perRelation = new Map<string, { all: number; unseen: number }>();
  for (const fact of facts.values()) {
    const cell = perRelation.get(fact.relation) ?? { all: 0, unseen: 0 };
    cell.all += 1;
    if (!statements.has(fact.id)) cell.unseen += 1;
    perRelation.set(fact.relation, cell);
  }
  for (const [relation, { all, unseen }] of perRelation) {
    assert.ok(Math.abs(unseen / all - 0.25) < 0.01, `${relation}: ${unseen}/${all} unseen`);
  }

  const factSplit = new Map<string, string>();
  const bucketOf = (n: number) => (n === 0 ? 'unseen' : n <= 2 ? '1-2' : n <= 10 ? '3-10' : '>10');
  for (const split of SPLITS) {
    const questions = readJsonl<Question>(join(DEMO, 'questions', `${split}.jsonl`));
    assert.ok(questions.length > (split === 'train' ? 2500 : 1000), `${split} has ${questions.length} questions`);
    for (const q of questions) {
      const fact = facts.get(q.fact_id);
      assert.ok(fact, `${split}: unknown fact ${q.fact_id}`);
      // Exposures on the question equal the statements actually in the corpus.
      assert.equal(q.exposures, statements.get(q.fact_id) ?? 0, q.id);
      assert.equal(q.exposure_bucket, bucketOf(q.exposures), q.id);
      assert.deepEqual(q.answer, [fact.answer, ...fact.aliases], q.id);
      assert.ok(!qaFacts.has(q.fact_id), `${q.id}: format facts (QA-trained) are never asked`);
      assert.ok(!statementTexts.has(q.question), `${q.id}: a question equals a training statement`);
      const previous = factSplit.get(q.fact_id);
      const home = split === 'test_ood' && q.ood === 'phrasing' ? 'test_in' : split;
      assert.ok(previous === undefined || previous === home, `${q.fact_id} appears in ${previous} and ${split}`);
      factSplit.set(q.fact_id, home);
      if (split === 'train') assert.ok(['capital', 'continent', 'currency', 'language', 'calling_code'].includes(q.relation), q.id);
      if (split === 'test_ood') assert.ok(q.ood === 'relation' || q.ood === 'phrasing', q.id);
      else assert.equal(q.ood, null, q.id);
    }
    const buckets = new Set(questions.map((q) => q.exposure_bucket));
    assert.deepEqual([...buckets].sort(), ['1-2', '3-10', '>10', 'unseen'], `${split} covers every bucket`);
  }
});
