import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliUsageError } from '../../../../extension/node/cli/cliIo';
import { parseCommandArgs } from '../../../../extension/node/cli/parseCommandArgs';

const options = { model: { type: 'string' }, raw: { type: 'boolean' } } as const;

test('parseCommandArgs: values and positionals, --help prints the usage and returns null', () => {
  const printed: string[] = [];
  const parsed = parseCommandArgs('score', 'usage: score', ['--model', 'm', '--raw', 'q'], options, (text) => printed.push(text), true);
  assert.deepEqual({ ...parsed?.values }, { model: 'm', raw: true });
  assert.deepEqual(parsed?.positionals, ['q']);
  assert.equal(parseCommandArgs('score', 'usage: score', ['-h'], options, (text) => printed.push(text)), null);
  assert.deepEqual(printed, ['usage: score\n']);
});

test('parseCommandArgs: an unknown option or a stray positional names the command and repeats the usage', () => {
  const fail = (args: string[]) => () => parseCommandArgs('train', 'usage: train', args, options, () => undefined);
  assert.throws(fail(['--modle', 'x']), (error: unknown) => error instanceof CliUsageError && /^train: .*--modle/.test(error.message) && error.message.endsWith('usage: train'));
  assert.throws(fail(['question']), (error: unknown) => error instanceof CliUsageError && /^train: /.test(error.message));
  assert.throws(fail(['--model']), CliUsageError);
});
