/**
 * What a CLI sub-command may touch besides the file system: its output streams and a
 * cancellation signal (Ctrl-C). Tests pass in-memory streams and read what was written.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  signal: AbortSignal;
}

/** A sub-command: parses its own arguments, returns the process exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown for bad usage or bad input; main() prints the message (no stack) and exits 2. */
export class CliUsageError extends Error {}
