/**
 * Entry of the `elical` command line. Each sub-command lives in its own file and is listed
 * here; everything else (parsing, I/O) is the sub-command's business.
 */
import { CliIo, CliCommand, CliUsageError } from './cliIo';
import { metricsCommand } from './metricsCommand';
import { generateCommand } from './generateCommand';
import { scoreCommand } from './scoreCommand';
import { serveCommand } from './serveCommand';
import { tritonRepoCommand } from './tritonRepoCommand';
import { trainCommand } from './trainCommand';
import { evalCommand } from './evalCommand';
import { downloadCommand } from './downloadCommand';
import { elicitCommand } from './elicitCommand';

const commands: CliCommand[] = [
  // Sub-commands register here (one import each).
  metricsCommand,
  scoreCommand,
  generateCommand,
  elicitCommand,
  serveCommand,
  tritonRepoCommand,
  trainCommand,
  evalCommand,
  downloadCommand,
];

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length), 4);
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return ['usage: elical <command> [options]', '', 'commands:', ...lines, '', 'Run `elical <command> --help` for its options.'].join('\n');
}

export async function main(argv: string[], io?: CliIo): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort(new Error('interrupted'));
  const cliIo: CliIo = io ?? {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    signal: controller.signal,
  };
  if (!io) process.once('SIGINT', onSigint);
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      cliIo.stdout(`${usage()}\n`);
      return name === undefined ? 2 : 0;
    }
    const command = commands.find((candidate) => candidate.name === name);
    if (!command) {
      cliIo.stderr(`elical: unknown command "${name}"\n${usage()}\n`);
      return 2;
    }
    return await command.run(rest, cliIo);
  } catch (error) {
    if (error instanceof CliUsageError) {
      cliIo.stderr(`elical: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    if (!io) process.removeListener('SIGINT', onSigint);
  }
}
