import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliUsageError } from '../../../../extension/node/cli/cliIo';
import { parseCount, parseProvider } from '../../../../extension/node/cli/openModel';

test('parseCount worked examples and refusals', () => {
  assert.equal(parseCount('samples', '20', 20, 0), 20);
  assert.equal(parseCount('samples', undefined, 20, 0), 20);
  assert.equal(parseCount('seed', '0', 7, 0), 0);
  for (const bad of ['1.5', 'abc', '', '-1', '1e3']) assert.throws(() => parseCount('samples', bad, 20, 0), (error: unknown) => error instanceof CliUsageError && /--samples must be an integer >= 0/.test(error.message), bad);
  assert.throws(() => parseCount('max-new-tokens', '0', 32, 1), /--max-new-tokens must be an integer >= 1, got "0"/);
});

test('parseProvider defaults to the CPU (product.md) and refuses unknown providers', () => {
  assert.equal(parseProvider(undefined), 'cpu');
  assert.equal(parseProvider('cuda'), 'cuda');
  assert.throws(() => parseProvider('gpu'), /--provider must be cpu, cuda or auto, got "gpu"/);
});
