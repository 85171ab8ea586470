// Runs the Python tooling suite (tools/tests: Llama, LoRA merge, heads, tokenizer, exporter and
// release exporter, with the exported graph checked in onnxruntime-node) so the unit run covers it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requirePython, runPython } from '../../support/python.js';

test('Python exporter and model tooling suite passes', { timeout: 180_000 }, (t) => {
  if (!requirePython(t, ['torch', 'onnx', 'numpy'])) return;
  // unittest reports on stderr; runPython throws with that report when any test fails.
  const output = runPython(['-c', [
    'import sys, unittest',
    "suite = unittest.defaultTestLoader.discover('tools/tests')",
    'result = unittest.TextTestRunner(stream=sys.stdout, verbosity=1).run(suite)',
    "print('ran', result.testsRun, 'skipped', len(result.skipped))",
    'sys.exit(0 if result.wasSuccessful() else 1)',
  ].join('\n')], { timeoutMs: 170_000 });
  const match = /ran (\d+) skipped (\d+)/.exec(output);
  assert.ok(match, output);
  assert.ok(Number(match[1]) >= 20, `expected the whole suite, ran ${match[1]}`);
  assert.equal(Number(match[2]), 0, `tests were skipped (is node on PATH?):\n${output}`);
});
