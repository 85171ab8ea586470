import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { JournalFile, JOURNAL_FILE_NAME, MAX_JOURNAL_LINE_BYTES, JournalReadResult } from '../../../extension/node/journalFile';
import { encodeJournalLine } from '../../../extension/core/journal/journalLineCodec';
import { JournalEvent, LABEL_SOURCES, ANSWER_SOURCES, HEAD_FAMILIES, SCORING_RUNTIMES } from '../../../extension/core/journal/journalEvent';
import { createSeededRandom } from '../../../extension/core/math/seededRandom';
import { writerEvent, WriterEventOptions } from '../../support/journalWriterEvents';

let root = '';
let childScript = '';
let dirCount = 0;
const freshDir = (): string => join(root, `j${(dirCount += 1)}`);

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'elical-journal-'));
  childScript = join(root, 'journalWriterChild.cjs');
  await build({
    entryPoints: ['test/support/journalWriterChild.ts'],
    outfile: childScript,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

const TIME = '2026-11-27T09:30:00.000Z';
const label = (id: string, value: 0 | 1 = 1): JournalEvent => ({ schemaVersion: 1, type: 'label-given', id, time: TIME, questionId: 'q1', label: value, source: 'command' });
const line = (event: JournalEvent): string => `${encodeJournalLine(event)}\n`;

test('append then readAll returns the events; the file is exactly one encoded line per event', async () => {
  const dir = freshDir();
  const journal = await JournalFile.open(dir);
  const events = [label('l1'), label('l2', 0), label('l3')];
  for (const event of events) await journal.append(event);
  const read = await journal.readAll();
  assert.deepEqual(read.events, events);
  assert.deepEqual(read.warnings, []);
  assert.equal(await readFile(join(dir, JOURNAL_FILE_NAME), 'utf8'), events.map(line).join(''));
  await journal.close();
  await assert.rejects(journal.append(label('l4')), { message: `journal ${join(dir, JOURNAL_FILE_NAME)} is closed` });
});

test('a missing journal reads as empty', async () => {
  assert.deepEqual(await JournalFile.readFile(join(freshDir(), JOURNAL_FILE_NAME)), { events: [], warnings: [], endOffset: 0, lineCount: 0 });
});

test('malformed lines in the middle are skipped and reported by line and byte offset; nothing after them is lost', async () => {
  const dir = freshDir();
  const path = join(dir, JOURNAL_FILE_NAME);
  const parts = [line(label('l1')), 'not json at all\n', '\n', line(label('l2')), '{"schemaVersion":1,"type":"label-given"}\n', line(label('l3')), '{"schemaVersion":9}\n', line(label('l4'))];
  const journal = await JournalFile.open(dir);
  await writeFile(path, parts.join(''));
  const read = await journal.readAll();
  await journal.close();
  assert.deepEqual(read.events.map((event) => event.id), ['l1', 'l2', 'l3', 'l4']);
  const offset = (index: number): number => Buffer.byteLength(parts.slice(0, index).join(''));
  assert.deepEqual(read.warnings.map(({ kind, line: number, byteOffset, byteLength }) => ({ kind, number, byteOffset, byteLength })), [
    { kind: 'malformed-line', number: 2, byteOffset: offset(1), byteLength: 15 },
    { kind: 'malformed-line', number: 5, byteOffset: offset(4), byteLength: parts[4].length - 1 },
    { kind: 'malformed-line', number: 7, byteOffset: offset(6), byteLength: parts[6].length - 1 },
  ]);
  assert.match(read.warnings[0].reason, /^line 2 skipped: not valid JSON/);
  assert.equal(read.warnings[1].reason, 'line 5 skipped: missing field id (an id (1-128 characters: letters, digits, . _ : -, starting with a letter or digit))');
  assert.equal(read.warnings[2].reason, 'line 7 skipped: schemaVersion 9 was written by a newer extension (this one reads 1)');
});

test('a torn last line is skipped and reported with its byte offset; reopening terminates it and later events are kept', async () => {
  const dir = freshDir();
  const path = join(dir, JOURNAL_FILE_NAME);
  const first = await JournalFile.open(dir);
  await first.append(label('l1'));
  await first.close();
  const whole = line(label('l2'));
  const torn = whole.slice(0, 40);
  await appendFile(path, torn); // what a writer killed inside write(2) leaves
  const size = (await stat(path)).size;
  const read = await JournalFile.readFile(path);
  assert.deepEqual(read.events.map((event) => event.id), ['l1']);
  assert.deepEqual(read.warnings, [{
    kind: 'torn-last-line', line: 2, byteOffset: size - 40, byteLength: 40,
    reason: `last line 2 (byte offset ${size - 40}, 40 bytes) has no newline: an append was cut short or is in progress; skipped`,
  }]);
  const second = await JournalFile.open(dir);
  await second.append(label('l3'));
  const after = await second.readAll();
  await second.close();
  assert.deepEqual(after.events.map((event) => event.id), ['l1', 'l3']);
  assert.deepEqual(after.warnings.map((warning) => [warning.kind, warning.line, warning.byteOffset]), [['malformed-line', 2, size - 40]]);
  assert.equal(await readFile(path, 'utf8'), `${line(label('l1'))}${torn}\n${line(label('l3'))}`, 'the torn bytes stay; only a newline was appended');
});

test('an event written right after a torn fragment (before any repair) is recovered and the fragment reported', async () => {
  const dir = freshDir();
  const path = join(dir, JOURNAL_FILE_NAME);
  const fragment = line(label('l1')).slice(0, 25);
  await (await JournalFile.open(dir)).close();
  await appendFile(path, fragment + line(label('l2')));
  const read = await JournalFile.readFile(path);
  assert.deepEqual(read.events.map((event) => event.id), ['l2']);
  assert.equal(read.warnings.length, 1);
  assert.equal(read.warnings[0].kind, 'recovered-fragment');
  assert.equal(read.warnings[0].byteLength, 25);
});

test('an event line over the limit is rejected before anything is written; appendMany writes all or nothing', async () => {
  const dir = freshDir();
  const path = join(dir, JOURNAL_FILE_NAME);
  const journal = await JournalFile.open(dir, { durability: 'none' });
  await journal.append(label('l1'));
  const sizeBefore = (await stat(path)).size;
  const huge: JournalEvent = { schemaVersion: 1, type: 'answer-shown', id: 'a1', time: TIME, questionId: 'q1', answer: 'x'.repeat(MAX_JOURNAL_LINE_BYTES), source: 'model' };
  const expectedBytes = Buffer.byteLength(line(huge));
  await assert.rejects(journal.append(huge), {
    name: 'RangeError',
    message: `journal event "a1" (answer-shown) is ${expectedBytes} bytes as a line; the journal accepts at most ${MAX_JOURNAL_LINE_BYTES} bytes per event so that appends stay atomic; nothing was written`,
  });
  await assert.rejects(journal.appendMany([label('l2'), huge]), RangeError);
  await assert.rejects(journal.appendMany([label('l3'), { ...label('l4'), label: 7 } as unknown as JournalEvent]), {
    message: 'refusing to write an invalid journal event "l4": field label must be one of 0, 1, got 7',
  });
  assert.equal((await stat(path)).size, sizeBefore);
  const fits: JournalEvent = { ...huge, answer: 'x'.repeat(MAX_JOURNAL_LINE_BYTES - (expectedBytes - MAX_JOURNAL_LINE_BYTES)) };
  assert.equal(Buffer.byteLength(line(fits)), MAX_JOURNAL_LINE_BYTES);
  await journal.append(fits);
  assert.deepEqual((await journal.readAll()).events.map((event) => event.id), ['l1', 'a1']);
  await journal.close();
});

/** Random valid events of every type, for the write/read property test. */
function randomEvent(random: () => number, index: number): JournalEvent {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const text = (max: number): string => Array.from({ length: Math.floor(random() * max) }, () => pick(['a', 'é', '中', '\n', '"', '\\', ' ', '😀', '\u2028', '{"schemaVersion":1}'])).join('');
  const time = new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 2e11)).toISOString();
  const id = `e${index}`;
  const ids = (): string => `x${Math.floor(random() * 1000)}`;
  const metrics = (): Record<string, number> => Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [ids(), (random() - 0.5) * 1e6]));
  switch (Math.floor(random() * 6)) {
    case 0: {
      const event: JournalEvent = { schemaVersion: 1, type: 'question-scored', id, time, question: `?${text(200)}`, model: 'm', scores: Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [ids(), random()])), runtime: pick(SCORING_RUNTIMES) };
      if (random() < 0.5) event.promptHash = Array.from({ length: 64 }, () => pick([...'0123456789abcdef'])).join('');
      if (random() < 0.5) event.latencyMs = random() * 100;
      if (random() < 0.5) event.goldAnswers = Array.from({ length: Math.floor(random() * 3) }, () => text(20));
      return event;
    }
    case 1: return { schemaVersion: 1, type: 'answer-shown', id, time, questionId: ids(), answer: text(random() < 0.05 ? 100_000 : 300), source: pick(ANSWER_SOURCES) };
    case 2: {
      const event: JournalEvent = { schemaVersion: 1, type: 'label-given', id, time, questionId: ids(), label: random() < 0.5 ? 0 : 1, source: pick(LABEL_SOURCES) };
      if (event.source === 'import' && random() < 0.5) event.originalSource = pick(LABEL_SOURCES.filter((source) => source !== 'import'));
      return event;
    }
    case 3: return { schemaVersion: 1, type: 'label-undone', id, time, targetId: ids() };
    case 4: return { schemaVersion: 1, type: 'head-trained', id, time, headId: ids(), family: pick(HEAD_FAMILIES), budget: random() < 0.3 ? null : 1 + Math.floor(random() * 1e5), labelCount: Math.floor(random() * 1e5), metricsBefore: random() < 0.3 ? null : metrics(), metricsAfter: metrics() };
    default: return { schemaVersion: 1, type: 'head-promoted', id, time, headId: ids(), previousHeadId: random() < 0.3 ? null : ids() };
  }
}

test('property: 3,000 random events of every type, written by append and appendMany, read back equal; earlier bytes never change', async () => {
  const random = createSeededRandom(7);
  const dir = freshDir();
  const path = join(dir, JOURNAL_FILE_NAME);
  const journal = await JournalFile.open(dir, { durability: 'none' });
  const written: JournalEvent[] = [];
  let previous = Buffer.alloc(0);
  while (written.length < 3000) {
    const batch = Array.from({ length: 1 + Math.floor(random() * 40) }, () => randomEvent(random, written.length + Math.floor(random() * 1e9)));
    const unique = batch.map((event, offset) => ({ ...event, id: `e${written.length + offset}` }) as JournalEvent);
    if (random() < 0.5) await journal.appendMany(unique);
    else for (const event of unique) await journal.append(event);
    written.push(...unique);
    const bytes = await readFile(path);
    assert.ok(bytes.subarray(0, previous.length).equals(previous), 'append-only: the earlier bytes are unchanged');
    previous = bytes;
  }
  const read = await journal.readAll();
  await journal.close();
  assert.deepEqual(read.warnings, []);
  assert.deepEqual(read.events, written);
});

test('watch delivers events appended by another writer, continuing from a readAll', async () => {
  const dir = freshDir();
  const mine = await JournalFile.open(dir);
  await mine.append(label('l1'));
  const start = await mine.readAll();
  const other = await JournalFile.open(dir);
  const seen: string[] = [];
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const watch = mine.watch(start, (update: JournalReadResult) => {
    seen.push(...update.events.map((event) => event.id));
    if (seen.length >= 3) done();
  }, (error) => assert.fail(error));
  await other.append(label('l2'));
  await other.appendMany([label('l3'), label('l4')]);
  const timeout = setTimeout(() => done(), 5000);
  await all;
  clearTimeout(timeout);
  watch.dispose();
  await other.close();
  await mine.close();
  assert.deepEqual(seen, ['l2', 'l3', 'l4']);
});

interface Child {
  acks: string[];
  started: Promise<void>;
  ready: Promise<void>;
  firstAck: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
  go(): void;
}

function startWriter(
  args: { directory: string; stream: string; count: number; durability: 'fsync' | 'none'; waitForGo: boolean } & WriterEventOptions,
  fileSizeLimitBlocks?: number,
): Child {
  const command = [process.execPath, childScript, JSON.stringify(args)];
  // `ulimit -f` makes the kernel cut a write(2) short at the limit: a real torn write, on demand.
  const child = fileSizeLimitBlocks === undefined
    ? spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn('/bin/sh', ['-c', `ulimit -f ${fileSizeLimitBlocks} && exec "$@"`, 'sh', ...command], { stdio: ['pipe', 'pipe', 'pipe'] });
  const acks: string[] = [];
  let pending = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  let markStarted: () => void = () => undefined;
  let markAck: () => void = () => undefined;
  const firstAck = new Promise<void>((resolve) => (markAck = resolve));
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const text of lines) {
      if (text === 'ready') markReady();
      else if (text === 'started') markStarted();
      else if (text.startsWith('ack ')) {
        acks.push(text.slice(4));
        markAck();
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      markStarted();
      markReady();
      markAck();
      resolve({ code, signal, stderr });
    });
  });
  return { acks, started, ready, firstAck, exited, kill: () => child.kill('SIGKILL'), go: () => child.stdin.write('go\n') };
}

test('two processes appending 10,000 events each at the same time lose nothing and corrupt nothing', async (t) => {
  const dir = freshDir();
  const options: WriterEventOptions = { largeShare: 0.02, largeBytes: 256 * 1024 };
  const writers = ['A', 'B'].map((stream) => startWriter({ directory: dir, stream, count: 10_000, durability: 'none', waitForGo: true, ...options }));
  await Promise.all(writers.map((writer) => writer.started));
  writers.forEach((writer) => writer.go());
  const exits = await Promise.all(writers.map((writer) => writer.exited));
  for (const exit of exits) assert.equal(exit.code, 0, exit.stderr);
  const read = await JournalFile.readFile(join(dir, JOURNAL_FILE_NAME));
  assert.deepEqual(read.warnings, []);
  assert.equal(read.events.length, 20_000);
  for (const stream of ['A', 'B']) {
    const mine = read.events.filter((event) => event.id.startsWith(`${stream}-`));
    assert.equal(mine.length, 10_000);
    mine.forEach((event, index) => assert.deepEqual(event, writerEvent(stream, index, options)));
  }
  let switches = 0;
  for (let i = 1; i < read.events.length; i += 1) if (read.events[i].id[0] !== read.events[i - 1].id[0]) switches += 1;
  t.diagnostic(`the two writers' lines alternate ${switches} times in the file`);
  assert.ok(switches > 100, 'the writers must really have overlapped for this test to mean anything');
});

test('a writer killed with SIGKILL at 200 random moments leaves every acknowledged event readable; torn lines are reported', async (t) => {
  const dir = freshDir();
  const path = join(dir, JOURNAL_FILE_NAME);
  // Large events stay well under MAX_JOURNAL_LINE_BYTES once JSON-escaped and UTF-8 encoded
  // (about 1.2 bytes per character here): a refused over-long event ended a writer before its
  // first ack, and the test then failed with writers still waiting for "go".
  const options: WriterEventOptions = { largeShare: 0.3, largeBytes: 700 * 1024 };
  const random = createSeededRandom(200);
  const acked: number[] = [];
  const started = Date.now();
  // Node takes ~0.15 s to start; writers are started a few rounds ahead and held at "go", so the
  // next one opens the journal only after the previous one is dead (as a restarted window would).
  // Odd rounds skip fsync: appends are then mostly memcpy and a kill lands inside write(2) more often.
  const spawnRound = (round: number): Child =>
    startWriter({ directory: dir, stream: `r${round}`, count: 0, durability: round % 2 === 0 ? 'fsync' : 'none', waitForGo: true, ...options });
  const ahead: Child[] = [0, 1, 2].map(spawnRound);
  // Writers started ahead wait on stdin; a failing round must not leave them keeping the run alive.
  t.after(() => ahead.forEach((writer) => writer.kill()));
  for (let round = 0; round < 200; round += 1) {
    const writer = ahead.shift();
    assert.ok(writer);
    if (round + 3 < 200) ahead.push(spawnRound(round + 3));
    await writer.started;
    writer.go();
    // The random moment is counted from the first completed append, so every round makes
    // progress however slow the machine is, and the kill still lands anywhere in the loop.
    await writer.firstAck;
    await new Promise((resolve) => setTimeout(resolve, random() * 20));
    writer.kill();
    const exit = await writer.exited;
    assert.equal(exit.signal, 'SIGKILL', exit.stderr);
    writer.acks.forEach((id, index) => assert.equal(id, `r${round}-${index}`));
    acked.push(writer.acks.length);
  }
  const read = await JournalFile.readFile(path);
  const bytes = await readFile(path);
  // Every acknowledged event is there, in order, equal to what was written; beyond them only the
  // one append in flight at the kill may have landed whole.
  let position = 0;
  let inFlightLanded = 0;
  for (let round = 0; round < 200; round += 1) {
    for (let index = 0; index < acked[round]; index += 1) {
      assert.deepEqual(read.events[position], writerEvent(`r${round}`, index, options), `round ${round} event ${index}`);
      position += 1;
    }
    if (read.events[position]?.id === `r${round}-${acked[round]}`) {
      assert.deepEqual(read.events[position], writerEvent(`r${round}`, acked[round], options));
      position += 1;
      inFlightLanded += 1;
    }
  }
  assert.equal(position, read.events.length, 'no other events');
  // Every skipped span is a strict prefix of some round's in-flight event line.
  const inFlightLines = acked.map((count, round) => Buffer.from(line(writerEvent(`r${round}`, count, options))));
  for (const warning of read.warnings) {
    assert.ok(['malformed-line', 'torn-last-line'].includes(warning.kind), JSON.stringify(warning));
    const span = bytes.subarray(warning.byteOffset, warning.byteOffset + warning.byteLength);
    assert.ok(inFlightLines.some((whole) => span.length < whole.length && whole.subarray(0, span.length).equals(span)), `warning at ${warning.byteOffset} is not a torn event`);
  }
  const total = acked.reduce((sum, count) => sum + count, 0);
  t.diagnostic(`${total} acknowledged events, ${inFlightLanded} unacknowledged appends landed whole, ${read.warnings.length} torn lines, ${Date.now() - started} ms`);
  assert.ok(acked.every((count) => count > 0), 'every writer completed at least one append before its kill');
});

test('a write cut short by the kernel (file size limit) fails loudly, leaves a torn line that readers report, and the next writer carries on', async () => {
  const dir = freshDir();
  const path = join(dir, JOURNAL_FILE_NAME);
  const options: WriterEventOptions = { largeShare: 0.5, largeBytes: 300 * 1024 };
  const writer = startWriter({ directory: dir, stream: 'f', count: 100, durability: 'none', waitForGo: false, ...options }, 1000);
  const exit = await writer.exited;
  assert.equal(exit.code, 1);
  assert.match(exit.stderr, /only \d+ of \d+ bytes were written \(disk full or file size limit\?\); the event was not recorded/);
  const count = writer.acks.length;
  const torn = Buffer.from(line(writerEvent('f', count, options)));
  const size = (await stat(path)).size;
  const read = await JournalFile.readFile(path);
  assert.deepEqual(read.events, Array.from({ length: count }, (_, index) => writerEvent('f', index, options)));
  assert.equal(read.warnings.length, 1);
  const [warning] = read.warnings;
  assert.equal(warning.kind, 'torn-last-line');
  assert.equal(warning.byteOffset + warning.byteLength, size);
  assert.ok(warning.byteLength > 0 && warning.byteLength < torn.length);
  assert.ok((await readFile(path)).subarray(warning.byteOffset).equals(torn.subarray(0, warning.byteLength)), 'the torn bytes are the start of the failed event');
  const next = await JournalFile.open(dir);
  await next.append(label('after'));
  const later = await next.readAll();
  await next.close();
  assert.deepEqual(later.events.map((event) => event.id), [...read.events.map((event) => event.id), 'after']);
  assert.deepEqual(later.warnings.map((item) => [item.kind, item.byteOffset]), [['malformed-line', warning.byteOffset]]);
});
