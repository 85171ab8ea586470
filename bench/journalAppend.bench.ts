/**
 * Append throughput of the label journal: one event per append with fdatasync (the default),
 * without it, and appendMany batches of 100 (one fdatasync per batch). Writes to a fresh
 * directory under the OS temp folder (pass another folder as the first argument to measure that
 * disk). Run: npx tsx bench/journalAppend.bench.ts [dir] [events]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalFile, JournalDurability } from '../extension/node/journalFile';
import { JournalEvent } from '../extension/core/journal/journalEvent';

const base = process.argv[2] ?? tmpdir();
const count = Number(process.argv[3] ?? 2000);

function labelEvent(index: number): JournalEvent {
  return { schemaVersion: 1, type: 'label-given', id: `bench-${index}-${Math.random().toString(36).slice(2, 10)}`, time: new Date().toISOString(), questionId: `q-${index}`, label: index % 2 === 0 ? 1 : 0, source: 'keyboard' };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function run(name: string, durability: JournalDurability, batch: number): Promise<void> {
  const dir = await mkdtemp(join(base, 'elical-journal-bench-'));
  const journal = await JournalFile.open(dir, { durability });
  const latencies: number[] = [];
  const started = performance.now();
  for (let done = 0; done < count; done += batch) {
    const events = Array.from({ length: Math.min(batch, count - done) }, (_, offset) => labelEvent(done + offset));
    const t0 = performance.now();
    if (batch === 1) await journal.append(events[0]);
    else await journal.appendMany(events);
    latencies.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  await journal.close();
  await rm(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  console.log(`| ${name} | ${count} | ${Math.round(count / seconds).toLocaleString('en-US')} | ${percentile(latencies, 0.5).toFixed(3)} | ${percentile(latencies, 0.99).toFixed(3)} |`);
}

async function main(): Promise<void> {
  console.log(`journal append, ${count} label events (~150 bytes per line), node ${process.version}, dir ${base}`);
  console.log('| mode | events | events/s | p50 ms per call | p99 ms per call |');
  console.log('|---|---|---|---|---|');
  await run('append, fdatasync per event (default)', 'fsync', 1);
  await run('append, no fsync', 'none', 1);
  await run('appendMany x100, one fdatasync per batch', 'fsync', 100);
}

void main();
