import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { format } from 'node:util';
import { formatConsoleArgs } from '../../../e2e/support/formatConsoleArgs';

test('worked example: mocha summary line', () => {
  assert.equal(formatConsoleArgs(['  %d passing (%s)', 11, '38s']), '  11 passing (38s)');
});

test('agrees with Node util.format on the placeholders mocha reporters use', () => {
  const cases: unknown[][] = [
    ['%s%s    @confidence in the chat view', '', ''],
    ['    ✔ %s (%dms)', 'activates', 1989],
    ['%i items, %f s, 100%%', 3.9, 1.5],
    ['no placeholders', 'extra', 2],
    ['%s and %s', 'one'],
  ];
  for (const args of cases) assert.equal(formatConsoleArgs(args), format(...(args as [string, ...unknown[]])), JSON.stringify(args));
});

test('non-string first argument and non-array input', () => {
  assert.equal(formatConsoleArgs([{ a: 1 }, 'b']), '{"a":1} b');
  assert.equal(formatConsoleArgs('plain'), 'plain');
});
