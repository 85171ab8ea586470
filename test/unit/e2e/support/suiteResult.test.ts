import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSuiteCounts } from '../../../e2e/support/suiteResult';

const PREFIX = 'extension-host suite:';

test('worked example: the counts line among other output', () => {
  assert.deepEqual(parseSuiteCounts('x\nextension-host suite: 12 passed, 1 failed, 0 pending\n', PREFIX), { passed: 12, failed: 1, skipped: 0 });
});

test('a suite that never printed its line is null, not zero tests', () => {
  assert.equal(parseSuiteCounts('  11 passing (38s)\n', PREFIX), null);
  assert.equal(parseSuiteCounts('', PREFIX), null);
});

test('only a whole line counts, and the prefix is matched literally', () => {
  assert.equal(parseSuiteCounts('echo extension-host suite: 1 passed, 0 failed, 0 pending', PREFIX), null);
  assert.equal(parseSuiteCounts('extension-host suiteX 1 passed, 0 failed, 0 pending', 'extension-host suite.'), null);
});
