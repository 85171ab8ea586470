/**
 * Downloads one file of a package into the staging folder, resuming where an earlier attempt or
 * run stopped. Bytes go to `NAME.elical-part`; once the server says the file is complete and its
 * sha256 matches the manifest's, the part is renamed to NAME, so a file under its own name in the
 * staging folder is always complete and checked.
 *
 * Resume: with a part of N bytes on disk, the request carries `Range: bytes=N-`.
 * - 206 with `Content-Range: bytes N-.../TOTAL`: the bytes are appended.
 * - 200: the server ignores ranges; the part restarts from zero with the whole body.
 * - 206 starting elsewhere than N: the part restarts from zero (at most twice per file).
 * - 416, whose Content-Range gives the file's size TOTAL: when TOTAL is N the part is already
 *   complete; otherwise (the part is longer than the file) it restarts from zero.
 * The size check uses the length the server declares (Content-Length or the Content-Range total):
 * fewer bytes means the connection was cut, a transient failure retried from where it stopped.
 */
import { type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PackageFile } from '../../core/scoring/packageFiles';
import { sha256File } from '../modelPackage';
import { displayUrl } from './displayUrl';
import { ModelDownloadError } from './modelDownloadError';
import { openHttpResponse, statusError, type HttpResponse } from './openHttpResponse';
import { PARTIAL_SUFFIX, packageFilePath, packageFileUrl } from './packageFileLocation';
import { retryTransient } from './retryTransient';
import type { ResolvedTransferOptions } from './transferOptions';

export interface FileDownloadContext {
  baseUrl: URL;
  stagingDir: string;
  transfer: ResolvedTransferOptions;
  /** Bytes of this file on disk so far (drops to 0 when a part restarts). */
  onBytes: (fileBytes: number) => void;
  /** Bytes received from the network, for the run's total. */
  onReceived: (bytes: number) => void;
}

const MAX_RESTARTS = 2;

async function sizeOf(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

function headerNumber(value: string | string[] | undefined): number | null {
  return typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** `bytes START-END/TOTAL` (TOTAL may be `*`), or null when the header does not parse. */
function parseContentRange(value: string | undefined): { start: number; end: number; total: number | null } | null {
  const match = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(value?.trim() ?? '');
  if (match === null) return null;
  const [start, end] = [Number(match[1]), Number(match[2])];
  const total = match[3] === '*' ? null : Number(match[3]);
  if (end < start || (total !== null && end >= total)) return null;
  return { start, end, total };
}

/** The file size a 416 states (`Content-Range: bytes *` then `/TOTAL`), or null. */
function unsatisfiedRangeTotal(value: string | undefined): number | null {
  const match = /^bytes\s+\*\/(\d+)$/i.exec(value?.trim() ?? '');
  return match === null ? null : Number(match[1]);
}

type AttemptResult = 'complete' | 'restart';

/** One request: appends what the server sends to the part, or says the part must restart. */
async function fetchRemainder(file: PackageFile, url: URL, part: string, context: FileDownloadContext): Promise<AttemptResult> {
  const { transfer } = context;
  const offset = (await sizeOf(part)) ?? 0;
  const response: HttpResponse = await openHttpResponse(url, {
    method: 'GET',
    headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
    timeoutMs: transfer.timeoutMs,
    signal: transfer.signal,
    file: file.path,
  });
  const where = `GET ${displayUrl(response.url)}`;
  let start: number;
  let total: number | null;
  if (response.status === 200) {
    start = 0;
    total = headerNumber(response.headers['content-length']);
  } else if (response.status === 206 && offset > 0) {
    const range = parseContentRange(response.headers['content-range']);
    if (range === null || range.start !== offset) {
      response.discard();
      return 'restart';
    }
    start = offset;
    total = range.total;
  } else if (response.status === 416 && offset > 0) {
    response.discard();
    return unsatisfiedRangeTotal(response.headers['content-range']) === offset ? 'complete' : 'restart';
  } else {
    response.discard();
    throw statusError(response.status, where, `${file.path}, which the manifest lists`, file.path);
  }

  let size = start;
  let handle: FileHandle | null = null;
  try {
    handle = await open(part, start === 0 ? 'w' : 'a');
    context.onBytes(size);
    for await (const chunk of response.body) {
      await handle.write(chunk);
      size += chunk.length;
      context.onReceived(chunk.length);
      context.onBytes(size);
    }
    await handle.sync();
  } finally {
    // A failure before the body was read (the part cannot be opened, a progress callback throws)
    // leaves the response open: its socket would stay connected and its stall timer armed, and
    // a CLI run would not exit after printing the error. After a full read this does nothing.
    response.discard();
    await handle?.close();
  }
  if (total !== null && size !== total) {
    throw new ModelDownloadError('connection-closed', `${where}: the body ended after ${size} of ${total} bytes`, file.path);
  }
  return 'complete';
}

/**
 * Fetches `file` into the staging folder unless a verified copy is already there; returns its size.
 * Errors: the transport and status codes of openHttpResponse, 'sha256-mismatch' (the part is
 * deleted; the message names the file, the expected and the actual hash), 'http-error' when the
 * server keeps answering ranges that do not fit, 'aborted' (the part is kept).
 */
export async function downloadPackageFile(file: PackageFile, context: FileDownloadContext): Promise<number> {
  const target = packageFilePath(context.stagingDir, file.path);
  const part = `${target}${PARTIAL_SUFFIX}`;
  const verified = await sizeOf(target);
  if (verified !== null) {
    context.onBytes(verified);
    return verified;
  }
  const url = packageFileUrl(context.baseUrl, file.path);
  await mkdir(dirname(target), { recursive: true });

  let restarts = 0;
  for (;;) {
    // A failed try that still wrote bytes resets the retry count (see retryTransient).
    let attemptStart = 0;
    let latest = 0;
    const tracked: FileDownloadContext = {
      ...context,
      onBytes: (bytes) => {
        latest = bytes;
        context.onBytes(bytes);
      },
    };
    const result = await retryTransient(
      async () => {
        attemptStart = (await sizeOf(part)) ?? 0;
        // A resumed part counts as done from the start.
        tracked.onBytes(attemptStart);
        return fetchRemainder(file, url, part, tracked);
      },
      context.transfer,
      () => latest > attemptStart,
    );
    if (result === 'complete') break;
    restarts += 1;
    if (restarts > MAX_RESTARTS) {
      throw new ModelDownloadError('http-error', `GET ${displayUrl(url)}: the server's byte ranges do not fit the partial file even after starting over`, file.path);
    }
    await rm(part, { force: true });
  }

  const actual = await sha256File(part);
  if (file.sha256 !== null && actual !== file.sha256) {
    await rm(part, { force: true });
    throw new ModelDownloadError(
      'sha256-mismatch',
      `${file.path}: sha256 mismatch (expected ${file.sha256}, got ${actual}); the downloaded file was deleted. The server's copy differs from the one the manifest describes: try again, or ask the package's publisher to fix it.`,
      file.path,
    );
  }
  await rename(part, target);
  const size = (await sizeOf(target)) ?? 0;
  context.onBytes(size);
  return size;
}
