/**
 * Streams an answer from an OpenAI-compatible chat completions endpoint (OpenAI, vLLM,
 * llama.cpp's server, Ollama, LM Studio, ...) through Node's fetch: one POST with stream: true,
 * then the text deltas of the server-sent events as they arrive, until `data: [DONE]`.
 *
 * Transport rules: the connect timeout runs until the status line and headers arrive, the idle
 * timeout between two pieces of the body (a server that stalls mid-answer fails instead of
 * holding the chat open); the caller's AbortSignal cancels at any point; redirects are not
 * followed (the API key must only go where the user pointed it). No retries: a chat answer
 * is not idempotent, and the user can simply ask again. Every failure is an OpenaiChatError
 * whose message never contains the API key.
 *
 * A server that ignores stream: true and answers with one JSON completion is accepted too.
 */
import { OpenaiChatError } from './openaiChatError';
import { ServerSentEventParser } from './serverSentEvents';

export interface OpenaiChatOptions {
  /** Where to post (openaiEndpoint.ts resolveOpenaiUrl). */
  completionsUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`, only when given; never logged or put in messages. */
  apiKey?: string;
  /** Milliseconds until the response headers arrive, connecting included (default 30,000). */
  connectTimeoutMs?: number;
  /** Longest silence in the body, milliseconds (default 60,000). */
  idleTimeoutMs?: number;
  /** Largest body accepted, bytes (default 16 MiB). */
  maxResponseBytes?: number;
  signal?: AbortSignal;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN', 'UND_ERR_CONNECT_TIMEOUT']);
/** Error bodies are only read for their message: a little is plenty. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Characters of a server's own error message kept in ours. */
const MAX_DETAIL = 300;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The error code of a fetch failure: Node puts it on the cause, or on each error of an AggregateError. */
function causeCode(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause ?? error;
  if (!isRecord(cause)) return '';
  if (typeof cause.code === 'string') return cause.code;
  const first: unknown = Array.isArray(cause.errors) ? cause.errors[0] : undefined;
  return isRecord(first) && typeof first.code === 'string' ? first.code : '';
}

function isTlsCode(code: string): boolean {
  return code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code === 'EPROTO';
}

/** The message a server put in its error body: OpenAI's {error: {message}}, or the common variants. */
function serverMessage(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  if (!isRecord(parsed)) return body;
  const error = parsed.error;
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  if (typeof error === 'string') return error;
  if (typeof parsed.message === 'string') return parsed.message;
  if (typeof parsed.detail === 'string') return parsed.detail;
  return body;
}

/**
 * Posts `question` as one user message and yields the answer's text deltas in order ('' never).
 * Errors: OpenaiChatError ('unreachable', 'tls', 'unauthorized', 'not-found', 'rate-limited',
 * 'bad-request', 'server-error', 'http-error', 'malformed-response', 'timeout',
 * 'connection-closed', 'aborted'); RangeError for bad options, before anything is sent.
 * Breaking out of the loop early closes the connection.
 */
export async function* streamChatCompletion(question: string, options: OpenaiChatOptions): AsyncGenerator<string, void, undefined> {
  const limit = (name: string, value: number | undefined, fallback: number): number => {
    const chosen = value ?? fallback;
    if (!Number.isInteger(chosen) || chosen < 1) throw new RangeError(`${name} must be a positive integer, got ${chosen}`);
    return chosen;
  };
  const connectTimeoutMs = limit('connectTimeoutMs', options.connectTimeoutMs, 30_000);
  const idleTimeoutMs = limit('idleTimeoutMs', options.idleTimeoutMs, 60_000);
  const maxResponseBytes = limit('maxResponseBytes', options.maxResponseBytes, 16 * 1024 * 1024);
  const { apiKey, completionsUrl, model } = options;
  if (apiKey !== undefined && (apiKey === '' || /\s/.test(apiKey))) throw new RangeError('the API key must be non-empty and contain no spaces or line breaks');
  const where = `POST ${completionsUrl}`;
  const redact = (text: string): string => (apiKey === undefined ? text : text.split(apiKey).join('[redacted]'));
  const excerpt = (text: string, length: number): string => {
    const flat = redact(text).replace(/\s+/g, ' ').trim();
    return flat.length > length ? `${flat.slice(0, length)}…` : flat;
  };

  if (options.signal?.aborted) throw new OpenaiChatError('aborted', `${where}: cancelled before it was sent`);
  const controller = new AbortController();
  let stopped: 'caller' | 'connect' | 'idle' | null = null;
  const stop = (reason: 'caller' | 'connect' | 'idle'): void => {
    stopped ??= reason;
    controller.abort();
  };
  const onCallerAbort = (): void => stop('caller');
  options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** What an interrupted fetch or read means, given why we stopped it (if we did). */
  const interrupted = (error: unknown, during: 'connect' | 'body'): OpenaiChatError => {
    if (stopped === 'caller') return new OpenaiChatError('aborted', `${where}: cancelled`);
    if (stopped === 'connect') return new OpenaiChatError('timeout', `${where}: no response within ${connectTimeoutMs} ms; is the server up and the URL right?`);
    if (stopped === 'idle') return new OpenaiChatError('timeout', `${where}: the server sent nothing for ${idleTimeoutMs} ms in the middle of the answer`);
    const code = causeCode(error);
    const reason = code || excerpt((error as Error).message ?? String(error), 120);
    if (during === 'body') return new OpenaiChatError('connection-closed', `${where}: the connection closed in the middle of the answer (${reason})`);
    if (isTlsCode(code)) return new OpenaiChatError('tls', `${where}: the TLS connection failed (${code}); check the URL's scheme and the server's certificate`);
    if (UNREACHABLE.has(code)) return new OpenaiChatError('unreachable', `${where}: cannot reach the server (${code}); is it running, and are the host and port right?`);
    return new OpenaiChatError('unreachable', `${where}: the request failed (${reason})`);
  };

  try {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream, application/json' };
    if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
    timer = setTimeout(() => stop('connect'), connectTimeoutMs);
    let response: Response;
    try {
      response = await fetch(completionsUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model, messages: [{ role: 'user', content: question }], stream: true }),
        signal: controller.signal,
        redirect: 'manual',
      });
    } catch (error) {
      throw interrupted(error, 'connect');
    } finally {
      clearTimeout(timer);
    }

    const reader = response.body?.getReader();
    const bytes = new TextDecoder();
    let received = 0;
    /** The next decoded piece of the body, or null at its end; at most `cap` bytes in all. */
    const readPiece = async (cap: number): Promise<string | null> => {
      if (reader === undefined) return null;
      timer = setTimeout(() => stop('idle'), idleTimeoutMs);
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw interrupted(error, 'body');
      } finally {
        clearTimeout(timer);
      }
      if (chunk.done) return null;
      received += chunk.value.byteLength;
      if (received > cap) throw new OpenaiChatError('malformed-response', `${where}: the response is larger than ${cap} bytes`, response.status);
      return bytes.decode(chunk.value, { stream: true });
    };
    const readAll = async (cap: number): Promise<string> => {
      let text = '';
      for (let piece = await readPiece(cap); piece !== null; piece = await readPiece(cap)) text += piece;
      return text;
    };

    const status = response.status;
    if (status !== 200) {
      const body = await readAll(MAX_ERROR_BODY_BYTES).catch(() => '');
      const detail = excerpt(serverMessage(body), MAX_DETAIL);
      const said = detail === '' ? '' : `: ${detail}`;
      if (status === 401 || status === 403) {
        const advice = apiKey === undefined ? 'The server needs an API key; set one' : 'Check the API key';
        throw new OpenaiChatError('unauthorized', `${where}: the server refused the request (HTTP ${status})${said}. ${advice}`, status);
      }
      if (status === 404) throw new OpenaiChatError('not-found', `${where}: not found (HTTP 404)${said}. Check that the URL is the API's base URL (usually ending in /v1) and that the server serves the model ${JSON.stringify(model)}`, status);
      if (status === 429) {
        const retryAfter = response.headers.get('retry-after');
        const wait = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? ` (it asks to wait ${retryAfter.trim()} s)` : '';
        throw new OpenaiChatError('rate-limited', `${where}: the server is rate limiting (HTTP 429)${wait}${said}`, status);
      }
      if (status === 400 || status === 413 || status === 422) throw new OpenaiChatError('bad-request', `${where}: the server rejected the request (HTTP ${status})${said}`, status);
      if (status >= 500) throw new OpenaiChatError('server-error', `${where}: the server failed (HTTP ${status})${said}`, status);
      if (status >= 300 && status < 400) {
        const location = excerpt(response.headers.get('location') ?? 'an unnamed location', 200);
        throw new OpenaiChatError('http-error', `${where}: the server redirects (HTTP ${status}) to ${location}; use the final URL instead (redirects are not followed, so the API key goes nowhere else)`, status);
      }
      throw new OpenaiChatError('http-error', `${where}: unexpected HTTP ${status}${said}`, status);
    }

    if ((response.headers.get('content-type') ?? '').toLowerCase().includes('application/json')) {
      yield* completionContent(await readAll(maxResponseBytes), where, excerpt);
      return;
    }

    const parser = new ServerSentEventParser();
    let start = '';
    let events = 0;
    let finished = false;
    for (let piece = await readPiece(maxResponseBytes); piece !== null; piece = await readPiece(maxResponseBytes)) {
      if (start.length < 80) start += piece.slice(0, 80 - start.length);
      for (const data of parser.push(piece)) {
        events++;
        if (data.trim() === '[DONE]') return;
        const chunk = parseChunk(data, events, where, excerpt);
        if (chunk.finished) finished = true;
        if (chunk.text !== '') yield chunk.text;
      }
    }
    if (finished) return;
    if (events === 0) {
      throw new OpenaiChatError('malformed-response', `${where}: the response is not a stream of chat completion events (it starts with ${JSON.stringify(excerpt(start, 60))}); is this an OpenAI-compatible server?`, status);
    }
    throw new OpenaiChatError('connection-closed', `${where}: the stream ended before the answer was complete (no finish_reason, no [DONE])`, status);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
    // Ends the request when the stream ended early (an error, or the caller stopped reading).
    controller.abort();
  }
}

/** One streamed chunk: its text (choice 0's delta.content, '' when none) and whether a choice finished. */
function parseChunk(data: string, index: number, where: string, excerpt: (text: string, length: number) => string): { text: string; finished: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new OpenaiChatError('malformed-response', `${where}: event ${index} of the stream is not JSON (it starts with ${JSON.stringify(excerpt(data, 60))})`, 200);
  }
  if (!isRecord(parsed)) throw new OpenaiChatError('malformed-response', `${where}: event ${index} of the stream is not a JSON object`, 200);
  // Servers report failures after the 200 header as an event holding an error object.
  if (parsed.error !== undefined && parsed.error !== null) {
    throw new OpenaiChatError('server-error', `${where}: the server failed during the answer: ${excerpt(serverMessage(data), MAX_DETAIL)}`, 200);
  }
  if (!Array.isArray(parsed.choices)) throw new OpenaiChatError('malformed-response', `${where}: event ${index} of the stream has no "choices" list`, 200);
  let text = '';
  let finished = false;
  for (const choice of parsed.choices) {
    if (!isRecord(choice)) throw new OpenaiChatError('malformed-response', `${where}: event ${index} of the stream has a choice that is not an object`, 200);
    if (typeof choice.finish_reason === 'string') finished = true;
    // One answer was asked for; a server that sends an index means choice 0.
    if (choice.index !== undefined && choice.index !== 0) continue;
    const delta = choice.delta;
    if (delta === undefined || delta === null) continue;
    if (!isRecord(delta)) throw new OpenaiChatError('malformed-response', `${where}: event ${index} of the stream has a "delta" that is not an object`, 200);
    if (typeof delta.content === 'string') text += delta.content;
    else if (delta.content !== undefined && delta.content !== null) throw new OpenaiChatError('malformed-response', `${where}: event ${index} of the stream has a "delta.content" that is not text`, 200);
  }
  return { text, finished };
}

/** The answer of a non-streamed completion (a server that ignored stream: true). */
function* completionContent(body: string, where: string, excerpt: (text: string, length: number) => string): Generator<string, void, undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new OpenaiChatError('malformed-response', `${where}: the response is not JSON (it starts with ${JSON.stringify(excerpt(body, 60))})`, 200);
  }
  if (isRecord(parsed) && parsed.error !== undefined && parsed.error !== null) throw new OpenaiChatError('server-error', `${where}: the server failed: ${excerpt(serverMessage(body), MAX_DETAIL)}`, 200);
  const choice: unknown = isRecord(parsed) && Array.isArray(parsed.choices) ? parsed.choices[0] : undefined;
  const message = isRecord(choice) ? choice.message : undefined;
  if (!isRecord(message) || (typeof message.content !== 'string' && message.content !== null)) {
    throw new OpenaiChatError('malformed-response', `${where}: the JSON response has no choices[0].message.content`, 200);
  }
  if (typeof message.content === 'string' && message.content !== '') yield message.content;
}
