/**
 * Argument parsing shared by the sub-commands: node:util's strict parseArgs plus `--help` / `-h`,
 * with any parse error turned into a CliUsageError that names the command and repeats its usage.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliUsageError } from './cliIo';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Returns the parsed values and positionals, or null when `--help` was given (the usage has then
 * been printed and the command should exit 0).
 */
export function parseCommandArgs<const T extends Options, const P extends boolean = false>(
  command: string,
  usage: string,
  args: string[],
  options: T,
  print: (text: string) => void,
  allowPositionals?: P,
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, ...HELP_OPTION }, allowPositionals: allowPositionals ?? false, strict: true });
  } catch (error) {
    throw new CliUsageError(`${command}: ${(error as Error).message}\n${usage}`);
  }
  // The generic result type cannot see the added option; `help` is always boolean here.
  if ((parsed.values as { help?: boolean }).help === true) {
    print(`${usage}\n`);
    return null;
  }
  return parsed;
}
