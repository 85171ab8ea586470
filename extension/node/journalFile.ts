/**
 * The label journal on disk: an append-only JSONL file (one event per line) in the extension's
 * global storage, shared by every VS Code window of the user.
 *
 * Writing. The file is opened with O_APPEND and never truncated, seeked or rewritten. Each
 * append encodes the event as one line (journalLineCodec.ts) and hands line + "\n" to the kernel
 * in ONE write(2); appendMany writes whole lines only, several per write(2).
 *
 * Two writers (two windows). POSIX promises atomic writes only for pipes, up to PIPE_BUF (4096
 * bytes on Linux). For regular files on Linux local filesystems (ext4, xfs, btrfs, tmpfs) the
 * kernel holds the inode lock for the whole write(2) and sets the O_APPEND offset under it, so
 * two appends never interleave, whatever their size, as long as each write(2) completes in full.
 * A write(2) is cut short only by a full disk, a file-size limit or a fatal signal (SIGKILL
 * between pages), and a single call moves at most 0x7ffff000 bytes. So the guard is: an event
 * line (with its newline) must fit in MAX_JOURNAL_LINE_BYTES (1 MiB); a longer one is rejected
 * with an error before anything is written (callers shorten answers, which are the only large
 * field), and a short write raises an error instead of writing the rest in a second call (which
 * could interleave with another window). No lock is used: a lock file left by a killed window
 * would block the others. Network filesystems (NFS, SMB) do not give this guarantee; global
 * storage lives on the local disk.
 *
 * Torn lines. A writer killed inside write(2) can leave a line without its newline. Readers skip
 * an unterminated last line and report it (byte offset). Opening the journal for writing first
 * appends a "\n" when the file does not end with one, so the fragment becomes a line of its own
 * (reported as malformed, by line number) instead of corrupting the next event. If another
 * window's event still lands right after a fragment, the codec finds the event inside the line
 * and recovers it (reported as a recovered fragment). Malformed lines in the middle are skipped
 * and reported; reading never stops early.
 *
 * Durability versus speed. With `durability: 'fsync'` (the default) every append waits for
 * fdatasync, so a resolved append survives a power cut or kernel crash; it costs one disk flush
 * per event (see docs/benchmarks.md, "Label journal"), which is invisible for labels given by
 * hand. With `'none'` an append resolves once the kernel has the bytes: a killed or crashed
 * extension host still loses nothing, only a machine crash can drop the last few seconds. Bulk
 * imports should use appendMany, which flushes once per batch.
 */
import { constants, promises as fs, watch as watchFile, FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { JournalEvent } from '../core/journal/journalEvent';
import { decodeJournalLine, encodeJournalLine } from '../core/journal/journalLineCodec';

/** Largest event line accepted, newline included: 1 MiB (1,048,576 bytes). See the file comment. */
export const MAX_JOURNAL_LINE_BYTES = 1024 * 1024;

/** Default file name inside the journal directory. */
export const JOURNAL_FILE_NAME = 'journal.jsonl';

export type JournalDurability = 'fsync' | 'none';

export interface JournalFileOptions {
  fileName?: string;
  durability?: JournalDurability;
}

export type JournalWarningKind =
  /** The last line has no newline (a writer died mid-write, or is writing now); skipped. */
  | 'torn-last-line'
  /** A complete line that is not a valid event (bad JSON, failed validation, a repaired fragment); skipped. */
  | 'malformed-line'
  /** A line began with garbage (a torn fragment) followed by a valid event; the event was kept. */
  | 'recovered-fragment';

export interface JournalReadWarning {
  kind: JournalWarningKind;
  /** 1-based line number in the file. */
  line: number;
  /** Byte offset of the line (or fragment) in the file. */
  byteOffset: number;
  /** Bytes skipped. */
  byteLength: number;
  reason: string;
}

export interface JournalReadResult {
  events: JournalEvent[];
  warnings: JournalReadWarning[];
  /** Offset just past the last complete line (where an incremental read continues). */
  endOffset: number;
  /** Number of complete lines read (the next line's number minus 1). */
  lineCount: number;
}

const NEWLINE = 0x0a;

/** Splits `bytes` (starting at file offset `baseOffset`, line `baseLine` + 1) into events and warnings. */
function parseLines(bytes: Buffer, baseOffset: number, baseLine: number, reportTail: boolean): JournalReadResult {
  const events: JournalEvent[] = [];
  const warnings: JournalReadWarning[] = [];
  let start = 0;
  let line = baseLine;
  for (let end = bytes.indexOf(NEWLINE, start); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
    line += 1;
    const slice = bytes.subarray(start, end);
    const byteOffset = baseOffset + start;
    start = end + 1;
    const text = slice.toString('utf8');
    if (text.trim().length === 0) continue; // the newline that repairs a torn line, or a hand-edited blank line
    const decoded = decodeJournalLine(text);
    if (decoded.kind === 'event') {
      events.push(decoded.event);
    } else if (decoded.kind === 'recovered') {
      const fragmentBytes = Buffer.byteLength(text.slice(0, decoded.fragmentLength), 'utf8');
      warnings.push({
        kind: 'recovered-fragment',
        line,
        byteOffset,
        byteLength: fragmentBytes,
        reason: `line ${line} began with ${fragmentBytes} bytes of a torn event (${decoded.fragmentReason}); the event after them was recovered`,
      });
      events.push(decoded.event);
    } else {
      warnings.push({ kind: 'malformed-line', line, byteOffset, byteLength: slice.length, reason: `line ${line} skipped: ${decoded.reason}` });
    }
  }
  if (reportTail && start < bytes.length) {
    const byteOffset = baseOffset + start;
    warnings.push({
      kind: 'torn-last-line',
      line: line + 1,
      byteOffset,
      byteLength: bytes.length - start,
      reason: `last line ${line + 1} (byte offset ${byteOffset}, ${bytes.length - start} bytes) has no newline: an append was cut short or is in progress; skipped`,
    });
  }
  return { events, warnings, endOffset: baseOffset + start, lineCount: line };
}

export interface JournalWatch {
  dispose(): void;
}

export class JournalFile {
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly handle: fs.FileHandle,
    private readonly durability: JournalDurability,
  ) {}

  /**
   * Opens (creating it and its directory if needed) the journal in `directory` for appending.
   * Terminates a torn last line left by a killed writer with one appended "\n" (see file comment).
   */
  static async open(directory: string, options: JournalFileOptions = {}): Promise<JournalFile> {
    await fs.mkdir(directory, { recursive: true });
    const path = join(directory, options.fileName ?? JOURNAL_FILE_NAME);
    const handle = await fs.open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    const journal = new JournalFile(path, handle, options.durability ?? 'fsync');
    try {
      await journal.terminateTornLine();
    } catch (error) {
      await handle.close();
      throw error;
    }
    return journal;
  }

  private async terminateTornLine(): Promise<void> {
    const { size } = await this.handle.stat();
    if (size === 0) return;
    const reader = await fs.open(this.path, constants.O_RDONLY);
    try {
      const last = Buffer.alloc(1);
      await reader.read(last, 0, 1, size - 1);
      if (last[0] === NEWLINE) return;
    } finally {
      await reader.close();
    }
    await this.writeWhole(Buffer.from('\n'));
    await this.flush();
  }

  private async writeWhole(bytes: Buffer): Promise<void> {
    if (this.closed) throw new Error(`journal ${this.path} is closed`);
    const { bytesWritten } = await this.handle.write(bytes, 0, bytes.length);
    if (bytesWritten !== bytes.length) {
      // Writing the rest in a second call could interleave with another window: fail loudly instead.
      throw new Error(`journal ${this.path}: only ${bytesWritten} of ${bytes.length} bytes were written (disk full or file size limit?); the event was not recorded`);
    }
  }

  private async flush(): Promise<void> {
    if (this.durability === 'fsync') await this.handle.datasync();
  }

  private static encode(event: JournalEvent): Buffer {
    const bytes = Buffer.from(`${encodeJournalLine(event)}\n`, 'utf8');
    if (bytes.length > MAX_JOURNAL_LINE_BYTES) {
      throw new RangeError(
        `journal event ${JSON.stringify(event.id)} (${event.type}) is ${bytes.length} bytes as a line; the journal accepts at most ${MAX_JOURNAL_LINE_BYTES} bytes per event so that appends stay atomic; nothing was written`,
      );
    }
    return bytes;
  }

  /** Appends one event: validate, one write(2) of one line, then fdatasync (durability 'fsync'). */
  async append(event: JournalEvent): Promise<void> {
    const bytes = JournalFile.encode(event);
    await this.writeWhole(bytes);
    await this.flush();
  }

  /**
   * Appends events in order with as few write(2) calls as possible, each carrying whole lines
   * and at most MAX_JOURNAL_LINE_BYTES, then one fdatasync. Every event is validated first: if
   * one is invalid or too long, nothing is written.
   */
  async appendMany(events: readonly JournalEvent[]): Promise<void> {
    const lines = events.map((event) => JournalFile.encode(event));
    let batch: Buffer[] = [];
    let batchBytes = 0;
    for (const line of lines) {
      if (batchBytes + line.length > MAX_JOURNAL_LINE_BYTES && batch.length > 0) {
        await this.writeWhole(Buffer.concat(batch));
        batch = [];
        batchBytes = 0;
      }
      batch.push(line);
      batchBytes += line.length;
    }
    if (batch.length > 0) await this.writeWhole(Buffer.concat(batch));
    if (lines.length > 0) await this.flush();
  }

  /** Reads every event; skipped lines come back as warnings (the file is never modified). */
  async readAll(): Promise<JournalReadResult> {
    return JournalFile.readFile(this.path);
  }

  /** readAll for a journal file path, without opening it for writing. A missing file reads as empty. */
  static async readFile(path: string): Promise<JournalReadResult> {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(path);
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { events: [], warnings: [], endOffset: 0, lineCount: 0 };
      throw error;
    }
    return parseLines(bytes, 0, 0, true);
  }

  /**
   * Reads the complete lines after byte `offset` (a previous result's endOffset; `lineCount` its
   * lineCount). An unterminated last line is left for the next call (it may still be being
   * written), not reported.
   */
  async readSince(offset: number, lineCount: number): Promise<JournalReadResult> {
    const reader = await fs.open(this.path, constants.O_RDONLY);
    try {
      const { size } = await reader.stat();
      if (size < offset) throw new Error(`journal ${this.path} shrank from ${offset} to ${size} bytes: it was replaced or truncated outside the extension`);
      const bytes = Buffer.alloc(size - offset);
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await reader.read(bytes, done, bytes.length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return parseLines(bytes.subarray(0, done), offset, lineCount, false);
    } finally {
      await reader.close();
    }
  }

  /**
   * Calls `listener` with the events other writers (other windows) append after `from` (a
   * readAll result), as they arrive. Changes are coalesced: at most one read runs at a time.
   */
  watch(from: JournalReadResult, listener: (update: JournalReadResult) => void, onError: (error: Error) => void): JournalWatch {
    let offset = from.endOffset;
    let lines = from.lineCount;
    let reading = false;
    let again = false;
    let disposed = false;
    const pump = async (): Promise<void> => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const update = await this.readSince(offset, lines);
          if (disposed) return;
          offset = update.endOffset;
          lines = update.lineCount;
          if (update.events.length > 0 || update.warnings.length > 0) listener(update);
        } while (again && !disposed);
      } catch (error) {
        if (!disposed) onError(error instanceof Error ? error : new Error(String(error)));
      } finally {
        reading = false;
      }
    };
    const watcher: FSWatcher = watchFile(this.path, { persistent: false }, () => void pump());
    watcher.on('error', (error) => onError(error));
    void pump(); // catch up on anything appended between `from` and the watch starting
    return {
      dispose: () => {
        disposed = true;
        watcher.close();
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}
