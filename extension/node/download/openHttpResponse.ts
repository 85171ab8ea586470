/**
 * One HTTP GET or HEAD for the model downloader, with the transport concerns in one place:
 * redirects (model hosts answer with one to their CDN), a stall timeout, AbortSignal cancellation,
 * and one ModelDownloadError code per transport failure. Statuses are the caller's business, except
 * redirects; statusError() maps the ones a download cannot use to their error.
 *
 * The stall timeout bounds silence, not total time: the wait for the response headers, and each
 * wait between two chunks of the body (a multi-GiB file on a slow link must not time out while
 * bytes keep coming; a server that stops sending must not hang the download).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { displayUrl } from './displayUrl';
import { ModelDownloadError } from './modelDownloadError';

export interface HttpRequestOptions {
  method: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** Stall limit in milliseconds (see the file comment). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The package file this request is for, recorded on errors. */
  file?: string;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The URL that answered, after redirects. */
  url: URL;
  /** The body's chunks, once; throws ModelDownloadError on a stall, a cut-off connection or an abort. */
  body: AsyncIterable<Buffer>;
  /** Drops the body unread. */
  discard(): void;
}

const MAX_REDIRECTS = 5;
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN']);
const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

function isTlsFailure(code: string, message: string): boolean {
  return code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code === 'EPROTO' || /\b(SSL|TLS)\b|certificate/i.test(message);
}

function transportError(error: NodeJS.ErrnoException, where: string, file: string | undefined): ModelDownloadError {
  const code = error.code ?? '';
  const reason = code || error.message;
  if (isTlsFailure(code, error.message)) return new ModelDownloadError('tls', `${where}: the TLS connection failed (${reason}); check that the URL's scheme is right and that the server's certificate is valid`, file);
  if (UNREACHABLE.has(code)) return new ModelDownloadError('unreachable', `${where}: cannot reach the server (${reason}); check the host name, the port and the network connection`, file);
  if (CLOSED.has(code) || /socket hang up|aborted/i.test(error.message)) return new ModelDownloadError('connection-closed', `${where}: the connection closed before the response was complete (${reason})`, file);
  return new ModelDownloadError('unreachable', `${where}: the request failed (${reason})`, file);
}

function abortedError(where: string, file: string | undefined): ModelDownloadError {
  return new ModelDownloadError('aborted', `${where}: cancelled`, file);
}

/**
 * The error for a status the downloader cannot use. `what` says what was asked for, e.g.
 * "manifest.json" or "heads/a.safetensors (listed in the manifest)".
 */
export function statusError(status: number, where: string, what: string, file: string | undefined): ModelDownloadError {
  if (status === 401 || status === 403) {
    return new ModelDownloadError('unauthorized', `${where}: the server refused access to ${what} (HTTP ${status}); the package must be downloadable without credentials from this URL`, file, status);
  }
  if (status === 404 || status === 410) {
    return new ModelDownloadError('not-found', `${where}: the server has no ${what} (HTTP ${status}); check the URL (it names the package's manifest.json, and the files lie beside it)`, file, status);
  }
  if (status >= 500) return new ModelDownloadError('server-error', `${where}: the server failed (HTTP ${status}); try again later`, file, status);
  return new ModelDownloadError('http-error', `${where}: unexpected HTTP ${status} for ${what}`, file, status);
}

function openOnce(url: URL, options: HttpRequestOptions): Promise<http.IncomingMessage> {
  const where = `${options.method} ${displayUrl(url)}`;
  const { signal, file } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(where, file));
      return;
    }
    const transport = url.protocol === 'https:' ? https : http;
    // identity: byte ranges and lengths must refer to the file's own bytes, not a compressed form.
    const request = transport.request(url, { method: options.method, headers: { 'accept-encoding': 'identity', 'user-agent': 'elical-confidence', ...options.headers } });
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const fail = (error: ModelDownloadError): void => {
      if (!settle()) return;
      request.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new ModelDownloadError('timeout', `${where}: no response within ${options.timeoutMs} ms; the server stalled`, file)), options.timeoutMs);
    const onAbort = (): void => fail(abortedError(where, file));
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('response', (response) => {
      // A cut-off connection destroys the response with an error; readBody reports it, and an
      // unread body must not turn it into an uncaught 'error' event.
      response.on('error', () => undefined);
      if (settle()) resolve(response);
      else response.destroy();
    });
    // After the response arrived, socket failures surface on the response stream (see readBody).
    request.on('error', (error: NodeJS.ErrnoException) => fail(transportError(error, where, file)));
    request.end();
  });
}

/** Body bytes held in memory before the socket is paused (the disk is slower than the link). */
const HIGH_WATER_BYTES = 8 * 1024 * 1024;

/**
 * Reads the body from the moment the headers arrived, before the caller asks for a chunk: the
 * caller may first open a file, and a connection cut meanwhile would otherwise go unseen (its
 * 'close' event already past). Chunks are taken off the response as they arrive, not on demand,
 * since Node drops what a cut response still buffers, and those bytes did arrive.
 */
function readBody(response: http.IncomingMessage, where: string, options: HttpRequestOptions): { chunks: AsyncGenerator<Buffer>; discard(): void } {
  const { signal, file } = options;
  const queue: Buffer[] = [];
  let queued = 0;
  let received = 0;
  let ended = false;
  // Set from event handlers; the cast keeps TypeScript from narrowing it to null for the loop.
  let failure = null as ModelDownloadError | null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  const stop = (error: ModelDownloadError): void => {
    failure ??= error;
    response.destroy();
    notify();
  };
  const timer = setTimeout(function onStall() {
    // Paused by us (a slow disk): the server is not the one that is silent.
    if (response.isPaused()) timer.refresh();
    else stop(new ModelDownloadError('timeout', `${where}: no data for ${options.timeoutMs} ms; the server stalled`, file));
  }, options.timeoutMs);
  // The timer must not keep the process alive by itself. While the socket reads, the socket does;
  // while we paused it for a slow disk, the pending write does. A response whose consumer went
  // away without discard() is paused for good once its queue is full, and this timer, refreshed
  // while paused, would then hold a CLI process open forever after it printed its error.
  timer.unref();
  const onAbort = (): void => stop(abortedError(where, file));
  const release = (): void => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    if (!ended) response.destroy();
  };
  response.on('data', (chunk: Buffer) => {
    queue.push(chunk);
    queued += chunk.length;
    received += chunk.length;
    timer.refresh();
    if (queued > HIGH_WATER_BYTES) response.pause();
    notify();
  });
  response.on('end', () => {
    ended = true;
    clearTimeout(timer);
    notify();
  });
  response.on('close', () => {
    if (!ended) stop(new ModelDownloadError('connection-closed', `${where}: the connection closed in the middle of the response (${received} bytes received)`, file));
  });
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        // Cancelling stops at once; after any other failure the bytes that did arrive are kept.
        if (failure?.code === 'aborted') throw failure;
        const chunk = queue.shift();
        if (chunk !== undefined) {
          queued -= chunk.length;
          if (queued <= HIGH_WATER_BYTES / 2 && response.isPaused() && !response.destroyed) response.resume();
          yield chunk;
          continue;
        }
        if (failure !== null) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      release();
    }
  }
  return { chunks: chunks(), discard: release };
}

/**
 * Sends the request and follows up to 5 redirects, never from https to plain http. Resolves once
 * the final response's headers arrived; the caller then reads or discards the body.
 */
export async function openHttpResponse(url: URL, options: HttpRequestOptions): Promise<HttpResponse> {
  let current = url;
  for (let hops = 0; ; hops++) {
    const response = await openOnce(current, options);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (REDIRECTS.has(status) && location !== undefined) {
      response.destroy();
      const where = `${options.method} ${displayUrl(current)}`;
      if (hops >= MAX_REDIRECTS) throw new ModelDownloadError('http-error', `${where}: more than ${MAX_REDIRECTS} redirects`, options.file, status);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        // Only the part before any query: a redirect target may carry a signature (see displayUrl.ts).
        throw new ModelDownloadError('http-error', `${where}: the server redirects to an invalid URL (${JSON.stringify(location.split(/[?#]/, 1)[0].slice(0, 200))})`, options.file, status);
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new ModelDownloadError('http-error', `${where}: the server redirects to a ${next.protocol} URL, which cannot be downloaded`, options.file, status);
      if (current.protocol === 'https:' && next.protocol === 'http:') throw new ModelDownloadError('http-error', `${where}: refusing to follow a redirect from https to plain http (${next.origin})`, options.file, status);
      current = next;
      continue;
    }
    const body = readBody(response, `${options.method} ${displayUrl(current)}`, options);
    return { status, headers: response.headers, url: current, body: body.chunks, discard: body.discard };
  }
}
