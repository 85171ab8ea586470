/**
 * The shipped demo package (models/demo-facts) is what its RESULTS.md says it is: it loads with
 * every sha256 checked, and the package's own heads, run by the extension's runtime on the
 * shipped in-domain test file, give the AUROC and ECE that RESULTS.json (elical eval) reports
 * for them. A rebuilt head, backbone or data file that no longer matches its results fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auroc } from '../../../extension/core/metrics/auroc';
import { calibrationError } from '../../../extension/core/metrics/calibrationError';
import { ConfidenceScorer } from '../../../extension/core/scoring/confidenceScorer';
import { loadModelPackage } from '../../../extension/node/modelPackage';
import { OnnxModelRunner } from '../../../extension/node/onnxModelRunner';

const DEMO = join(__dirname, '..', '..', '..', 'models', 'demo-facts');

interface Cell {
  scope: string;
  method: string;
  kind: string | null;
  budget?: number | null;
  metrics: { auroc: number; ece: number; n: number };
}

test('the demo package reproduces its RESULTS.json on the in-domain test file', { skip: existsSync(join(DEMO, 'manifest.json')) ? false : 'models/demo-facts is not built' }, async () => {
  const pkg = await loadModelPackage(DEMO);
  assert.equal(pkg.manifest.defaultHead, 'elical-1000-mlp');
  const results = JSON.parse(readFileSync(join(DEMO, 'RESULTS.json'), 'utf8')) as { cells: Cell[] };
  const records = readFileSync(join(DEMO, 'data', 'test_in.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { question: string; greedy_correctness: 0 | 1 });
  const runner = new OnnxModelRunner({ modelFile: pkg.backbonePath, architecture: pkg.manifest.architecture, backbone: pkg.manifest.backbone, padTokenId: pkg.manifest.generation.padTokenId, provider: 'cpu', intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    await runner.load();
    const checked = ['eli-only-linear', 'elical-1000-linear', 'elical-1000-mlp', 'cal-only-1000-mlp'];
    // Looked up from the list, not the package filtered by it: a head renamed or dropped from the
    // package must fail here rather than quietly leave fewer heads checked.
    const heads = checked.map((id) => {
      const found = pkg.heads.find(({ entry }) => entry.id === id);
      assert.ok(found !== undefined, `the demo package has the head ${id} (it has ${pkg.heads.map(({ entry }) => entry.id).join(', ')})`);
      return found;
    });
    const scorer = new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, heads.map(({ entry, head }) => ({ id: entry.id, head })));
    const confidences = new Map(checked.map((id) => [id, [] as number[]]));
    for (let start = 0; start < records.length; start += 64) {
      const scores = await scorer.scoreBatch(records.slice(start, start + 64).map((record) => record.question));
      for (const score of scores) for (const id of checked) confidences.get(id)?.push(score.heads[id]);
    }
    const correct = records.map((record) => record.greedy_correctness);
    for (const { entry } of heads) {
      const method = { 'eli-only': 'Eli-Only', 'cal-only': 'Cal-Only', elical: 'EliCal' }[entry.family];
      const cell = results.cells.find((candidate) => candidate.scope.endsWith('test_in.jsonl') && candidate.method === method && candidate.kind === entry.kind && (entry.family === 'eli-only' || candidate.budget === entry.budget));
      assert.ok(cell !== undefined, `RESULTS.json has a cell for ${entry.id}`);
      const values = confidences.get(entry.id) as number[];
      assert.equal(values.length, cell.metrics.n);
      // Float32 features in batches vs eval's: equal to well under the 0.1 RESULTS.md prints.
      assert.ok(Math.abs(auroc(values, correct) * 100 - cell.metrics.auroc) < 0.05, `${entry.id}: AUROC ${auroc(values, correct) * 100} vs RESULTS.json ${cell.metrics.auroc}`);
      assert.ok(Math.abs(calibrationError(values, correct) - cell.metrics.ece) < 5e-4, `${entry.id}: ECE ${calibrationError(values, correct)} vs RESULTS.json ${cell.metrics.ece}`);
    }
  } finally {
    await runner.dispose();
  }
});
