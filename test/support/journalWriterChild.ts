/**
 * A journal writer run as a separate process by test/unit/node/journalFile.test.ts (bundled to
 * plain JavaScript first, so each start costs a Node start only). Arguments: a JSON object
 * { directory, stream, count, durability, largeShare, largeBytes, waitForGo }.
 * Prints "started", optionally waits for "go" on stdin (so a test can start processes ahead
 * of time and release them at once), opens the journal, prints "ready", then appends events one by one and prints "ack <id>" after each append has resolved (stdout to a pipe is
 * synchronous on Linux, so an ack is never ahead of its append). count 0 = until killed.
 */
import { JournalFile, JournalDurability } from '../../extension/node/journalFile';
import { writerEvent } from './journalWriterEvents';

interface ChildArguments {
  directory: string;
  stream: string;
  count: number;
  durability: JournalDurability;
  largeShare: number;
  largeBytes: number;
  waitForGo: boolean;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as ChildArguments;
  process.stdout.write('started\n');
  if (args.waitForGo) {
    await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
    process.stdin.pause();
  }
  const journal = await JournalFile.open(args.directory, { durability: args.durability });
  process.stdout.write('ready\n');
  for (let index = 0; args.count === 0 || index < args.count; index += 1) {
    const event = writerEvent(args.stream, index, args);
    await journal.append(event);
    process.stdout.write(`ack ${event.id}\n`);
  }
  await journal.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
