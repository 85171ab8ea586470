/**
 * HTTP client for the Open Inference Protocol v2 REST API (KServe / NVIDIA Triton): server
 * readiness, model metadata and JSON-tensor inference, and `elical serve`'s streamed answers
 * (generateStream, with its own retry rule). It owns transport concerns only: a
 * per-request timeout, bounded retries with exponential backoff, AbortSignal cancellation, the
 * bearer token, and one RemoteEndpointError code per failure. What the tensors mean is
 * remoteModelRunner.ts's business.
 *
 * Retries: GETs are idempotent; inference is treated as idempotent too, because the backbone is a
 * pure function of its inputs (running a request twice returns the same tensors and changes no
 * server state). Retried: 'unreachable', 'connection-closed', 'timeout' and HTTP 502/503/504.
 * Not retried: other statuses (a 400 or 500 would fail again), malformed responses, TLS errors,
 * and anything after the caller aborts.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { ServerSentEventParser } from '../serverSentEvents';
import { flattenTensorData } from './flattenTensorData';
import { type GenerateAnswer, parseGenerateAnswer } from './generateAnswer';
import { plainHttpWarning } from './isLoopbackHost';
import { RemoteEndpointError, type RemoteEndpointErrorCode } from './remoteEndpointError';

export interface InferenceClientOptions {
  /** Server root, e.g. http://127.0.0.1:8000 (a path prefix such as /kserve is kept). */
  url: string;
  /** Bearer token (from SecretStorage). Sent as `Authorization: Bearer`, never logged or put in messages. */
  token?: string;
  /** Per attempt, milliseconds (default 10,000). */
  timeoutMs?: number;
  /** Extra attempts after the first for retryable failures (default 2, so at most 3 attempts). */
  retries?: number;
  /**
   * Backoff before retry k (k = 0, 1, ...) is retryBaseDelayMs * 2^k, capped at 5,000 ms
   * (default base 250 ms: waits 250, 500, 1000, ...). No jitter: one extension talks to a server.
   */
  retryBaseDelayMs?: number;
  /** Largest response body accepted, bytes (default 64 MiB). */
  maxResponseBytes?: number;
  /** Receives the plain-http warning (see isLoopbackHost.ts) once, at construction. */
  warn?: (message: string) => void;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** One tensor of a model's metadata; -1 marks a variable dimension. */
export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

/** A JSON tensor of an inference request. */
export interface RequestTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: number[];
}

/** A JSON tensor of an inference response, data flattened (row-major) and checked to fit the shape. */
export interface ResponseTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

export interface InferenceResponse {
  modelName: string;
  outputs: ResponseTensor[];
}

interface RawResponse {
  status: number;
  text: string;
}

const RETRYABLE_CODES: ReadonlySet<RemoteEndpointErrorCode> = new Set(['unreachable', 'connection-closed', 'timeout']);
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([502, 503, 504]);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN']);
const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

function isTlsFailure(code: string, message: string): boolean {
  return code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code === 'EPROTO' || /\b(SSL|TLS)\b|certificate/i.test(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((dim) => Number.isSafeInteger(dim) && (dim as number) >= -1);
}

export class InferenceClient {
  /** The server root with a trailing slash, so relative paths resolve under any prefix. */
  readonly baseUrl: URL;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseDelayMs: number;
  private readonly maxResponseBytes: number;
  private readonly agent: http.Agent;

  constructor(private readonly options: InferenceClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new RangeError(`the remote endpoint URL ${JSON.stringify(options.url)} is not a valid URL (expected e.g. http://127.0.0.1:8000)`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RangeError(`the remote endpoint URL must start with http:// or https://, got ${base.protocol}`);
    if (base.username || base.password) throw new RangeError('the remote endpoint URL must not carry credentials; pass the token separately (it is kept in SecretStorage)');
    if (base.search || base.hash) throw new RangeError('the remote endpoint URL must not have a query or fragment');
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.baseUrl = base;
    const positive = (name: string, value: number | undefined, fallback: number, min: number): number => {
      const chosen = value ?? fallback;
      if (!Number.isFinite(chosen) || chosen < min) throw new RangeError(`${name} must be a number >= ${min}, got ${chosen}`);
      return chosen;
    };
    this.timeoutMs = positive('timeoutMs', options.timeoutMs, 10_000, 1);
    this.retries = Math.floor(positive('retries', options.retries, 2, 0));
    this.retryBaseDelayMs = positive('retryBaseDelayMs', options.retryBaseDelayMs, 250, 0);
    this.maxResponseBytes = positive('maxResponseBytes', options.maxResponseBytes, 64 * 1024 * 1024, 1);
    if (options.token !== undefined && (options.token === '' || /[\r\n]/.test(options.token))) throw new RangeError('the bearer token must be non-empty and on one line');
    const Agent = base.protocol === 'https:' ? https.Agent : http.Agent;
    this.agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const warning = plainHttpWarning(base);
    if (warning) options.warn?.(warning);
  }

  /** GET /v2/health/ready: true on 200, false on any other status; transport failures throw. */
  async ready(call: CallOptions = {}): Promise<boolean> {
    const response = await this.send('GET', 'v2/health/ready', undefined, call);
    return response.status === 200;
  }

  /** GET /v2/models/{name}: the model's inputs and outputs. 404 is 'model-not-found'. */
  async modelMetadata(name: string, call: CallOptions = {}): Promise<ModelMetadata> {
    const path = `v2/models/${encodeURIComponent(name)}`;
    const response = await this.send('GET', path, undefined, call);
    const body = this.expectOk('GET', path, response, name);
    const fail = (problem: string): never => {
      throw new RemoteEndpointError('malformed-response', `GET ${this.describe(path)}: the model metadata ${problem}`);
    };
    if (!isRecord(body)) return fail('is not a JSON object');
    if (typeof body.name !== 'string') fail('has no string "name"');
    const tensors = (key: 'inputs' | 'outputs'): TensorMetadata[] => {
      const list = body[key];
      if (!Array.isArray(list)) return fail(`has no "${key}" array`);
      return list.map((item, index) => {
        if (!isRecord(item) || typeof item.name !== 'string' || typeof item.datatype !== 'string' || !isShape(item.shape)) {
          return fail(`${key}[${index}] is not {name, datatype, shape}`);
        }
        return { name: item.name, datatype: item.datatype, shape: [...item.shape] };
      });
    };
    const versions = Array.isArray(body.versions) ? body.versions.filter((version): version is string => typeof version === 'string') : [];
    return { name: body.name as string, versions, platform: typeof body.platform === 'string' ? body.platform : '', inputs: tensors('inputs'), outputs: tensors('outputs') };
  }

  /** POST /v2/models/{name}/infer with JSON tensors; asks for `outputs` only. */
  async infer(name: string, inputs: RequestTensor[], outputs: string[], call: CallOptions = {}): Promise<InferenceResponse> {
    const path = `v2/models/${encodeURIComponent(name)}/infer`;
    const body = JSON.stringify({ inputs, outputs: outputs.map((output) => ({ name: output })) });
    const response = await this.send('POST', path, body, call);
    const parsed = this.expectOk('POST', path, response, name);
    const fail = (problem: string): never => {
      throw new RemoteEndpointError('malformed-response', `POST ${this.describe(path)}: the inference response ${problem}`);
    };
    if (!isRecord(parsed)) return fail('is not a JSON object');
    if (typeof parsed.model_name !== 'string') fail('has no string "model_name"');
    if (!Array.isArray(parsed.outputs)) return fail('has no "outputs" array');
    const tensors = parsed.outputs.map((item, index): ResponseTensor => {
      if (!isRecord(item) || typeof item.name !== 'string' || typeof item.datatype !== 'string') return fail(`outputs[${index}] is not {name, shape, datatype, data}`);
      if (!isShape(item.shape) || item.shape.some((dim) => dim < 0)) {
        throw new RemoteEndpointError('shape-mismatch', `POST ${this.describe(path)}: output ${item.name} has shape ${JSON.stringify(item.shape)}, not a list of sizes >= 0`);
      }
      if (!Array.isArray(item.data)) {
        if (isRecord(item.parameters) && 'binary_data_size' in item.parameters) return fail(`output ${item.name} came as binary data, which this client did not ask for`);
        return fail(`output ${item.name} has no "data" array`);
      }
      const data = flattenTensorData(item.data, item.shape);
      if (typeof data === 'string') throw new RemoteEndpointError('shape-mismatch', `POST ${this.describe(path)}: output ${item.name}: ${data}`);
      return { name: item.name, shape: [...item.shape], datatype: item.datatype, data };
    });
    return { modelName: parsed.model_name as string, outputs: tensors };
  }

  /**
   * POST /v2/models/{name}/generate_stream with a generateRequest.ts body: `onToken` gets each
   * token id and log-probability as the server sends them, then the whole answer comes back
   * (checked by parseGenerateAnswer, and against what was streamed). A server without the route (Triton,
   * KServe: 404 or 405) is 'not-supported'; an `{"error"}` event is 'server-error'. The timeout
   * applies to silence (no byte for timeoutMs), not to the whole answer. Retried as inference is,
   * but only until the first token reached the caller: a repeat would deliver it twice.
   */
  async generateStream(name: string, body: string, onToken: (tokenId: number, logprob: number) => void, call: CallOptions = {}): Promise<GenerateAnswer> {
    const path = `v2/models/${encodeURIComponent(name)}/generate_stream`;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.retries;
      let delivered = false;
      try {
        const outcome = await this.streamOnce(path, body, (tokenId, logprob) => {
          delivered = true;
          onToken(tokenId, logprob);
        }, call.signal);
        if ('answer' in outcome) return outcome.answer;
        if (!last && RETRYABLE_STATUS.has(outcome.status)) {
          await this.backoff(attempt, call.signal);
          continue;
        }
        if (outcome.status === 404 || outcome.status === 405) {
          throw new RemoteEndpointError(
            'not-supported',
            `POST ${this.describe(path)}: the server does not generate answers (HTTP ${outcome.status}); Triton and KServe serve the backbone only. Answers come from \`elical serve\`, the local runtime, or an OpenAI-compatible server (elical.answerSource "openai")`,
            outcome.status,
          );
        }
        this.expectOk('POST', path, outcome, name);
        throw new RemoteEndpointError('malformed-response', `POST ${this.describe(path)}: HTTP 200 without an event stream`);
      } catch (error) {
        if (!(error instanceof RemoteEndpointError) || last || delivered || !RETRYABLE_CODES.has(error.code) || call.signal?.aborted) throw error;
        await this.backoff(attempt, call.signal);
      }
    }
  }

  /**
   * One generate_stream request: the answer when the stream completes, or the status and body of
   * a response that is not an event stream (errors before generation began).
   */
  private streamOnce(path: string, body: string, onToken: (tokenId: number, logprob: number) => void, signal: AbortSignal | undefined): Promise<{ answer: GenerateAnswer } | RawResponse> {
    const url = new URL(path, this.baseUrl);
    const where = `POST ${url.href}`;
    const headers: Record<string, string> = { accept: 'text/event-stream', 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new RemoteEndpointError('aborted', `${where}: cancelled before it was sent`));
        return;
      }
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        action();
      };
      const fail = (error: Error): void => {
        settle(() => reject(error));
        request.destroy();
      };
      const quiet = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => fail(new RemoteEndpointError('timeout', `${where}: nothing received for ${this.timeoutMs} ms`)), this.timeoutMs);
      };
      const malformed = (problem: string): void => fail(new RemoteEndpointError('malformed-response', `${where}: the event stream ${problem}`));
      const request = transport.request(url, { method: 'POST', headers, agent: this.agent }, (response) => {
        quiet();
        const status = response.statusCode ?? 0;
        let size = 0;
        const counted = (chunk: Buffer | string): boolean => {
          size += Buffer.byteLength(chunk);
          if (size <= this.maxResponseBytes) return true;
          malformed(`exceeds ${this.maxResponseBytes} bytes`);
          return false;
        };
        const cutOff = (): void => fail(new RemoteEndpointError('connection-closed', `${where}: the connection closed in the middle of the answer (${size} bytes received)`));
        response.on('error', cutOff);
        if (status !== 200 || !/^text\/event-stream\b/i.test(response.headers['content-type'] ?? '')) {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => {
            if (counted(chunk)) chunks.push(chunk);
          });
          response.on('end', () => settle(() => resolve({ status, text: Buffer.concat(chunks).toString('utf8') })));
          response.on('close', () => {
            if (!response.complete) cutOff();
          });
          return;
        }
        response.setEncoding('utf8');
        const parser = new ServerSentEventParser();
        const streamed: number[] = [];
        const streamedLogprobs: number[] = [];
        response.on('data', (chunk: string) => {
          if (settled || !counted(chunk)) return;
          quiet();
          for (const data of parser.push(chunk)) {
            let event: unknown;
            try {
              event = JSON.parse(data);
            } catch {
              return malformed(`has an event that is not JSON (it starts with ${JSON.stringify(this.redact(data.slice(0, 60)))})`);
            }
            if (!isRecord(event)) return malformed('has an event that is not a JSON object');
            if (typeof event.error === 'string') return fail(new RemoteEndpointError('server-error', `${where}: the server failed while generating: ${this.redact(event.error).slice(0, 300)}`));
            if ('token_id' in event) {
              if (!Number.isSafeInteger(event.token_id)) return malformed(`sent token_id ${JSON.stringify(event.token_id)}, not an integer`);
              if (typeof event.logprob !== 'number' || !Number.isFinite(event.logprob)) return malformed(`sent token ${event.token_id as number} with logprob ${JSON.stringify(event.logprob)}, not a finite number`);
              streamed.push(event.token_id as number);
              streamedLogprobs.push(event.logprob);
              try {
                onToken(event.token_id as number, event.logprob);
              } catch (error) {
                return fail(error as Error);
              }
              continue;
            }
            const answer = parseGenerateAnswer(event);
            if (typeof answer === 'string') return malformed(`ends with an answer that ${answer}`);
            const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((value, index) => value === b[index]);
            if (!same(answer.outputIds, streamed)) return malformed(`streamed tokens [${streamed.join(', ')}] but its answer holds [${answer.outputIds.join(', ')}]`);
            if (!same(answer.logprobs, streamedLogprobs)) return malformed('streamed log-probabilities that differ from its answer\'s');
            return settle(() => resolve({ answer }));
          }
        });
        response.on('end', () => {
          if (!settled) fail(new RemoteEndpointError('connection-closed', `${where}: the event stream ended before the answer was complete (${streamed.length} token(s) received)`));
        });
        response.on('close', () => {
          if (!settled) cutOff();
        });
      });
      request.on('error', (error) => fail(this.classify(where, error)));
      quiet();
      const onAbort = (): void => fail(new RemoteEndpointError('aborted', `${where}: cancelled`));
      signal?.addEventListener('abort', onAbort, { once: true });
      request.end(body);
    });
  }

  /** Closes idle keep-alive connections; in-flight calls finish. */
  close(): void {
    this.agent.destroy();
  }

  /** The URL of `path` for messages: origin and path only (a URL never carries credentials here). */
  private describe(path: string): string {
    return new URL(path, this.baseUrl).href;
  }

  private redact(text: string): string {
    const token = this.options.token;
    return token ? text.split(token).join('[redacted]') : text;
  }

  /** Maps a non-200 status to its error and parses a 200's JSON body. */
  private expectOk(method: string, path: string, response: RawResponse, model: string): unknown {
    const where = `${method} ${this.describe(path)}`;
    if (response.status !== 200) {
      let detail = '';
      try {
        const body: unknown = JSON.parse(response.text);
        if (isRecord(body) && typeof body.error === 'string') detail = body.error;
      } catch {
        detail = response.text;
      }
      detail = this.redact(detail.replace(/\s+/g, ' ').trim()).slice(0, 300);
      const said = detail ? `: ${detail}` : '';
      const status = response.status;
      if (status === 401 || status === 403) {
        throw new RemoteEndpointError('unauthorized', `${where}: the server refused the credentials (HTTP ${status})${said}. ${this.options.token ? 'Check the bearer token' : 'The server needs a bearer token; set one'}`, status);
      }
      if (status === 404) throw new RemoteEndpointError('model-not-found', `${where}: the server does not serve a model named ${JSON.stringify(model)} (HTTP 404)${said}`, status);
      if (status === 400 || status === 413) throw new RemoteEndpointError('bad-request', `${where}: the server rejected the request (HTTP ${status})${said}`, status);
      if (status >= 500) throw new RemoteEndpointError('server-error', `${where}: the server failed (HTTP ${status})${said}`, status);
      throw new RemoteEndpointError('http-error', `${where}: unexpected HTTP ${status}${said}`, status);
    }
    try {
      return JSON.parse(response.text);
    } catch {
      const start = this.redact(response.text.slice(0, 60)).replace(/\s+/g, ' ');
      throw new RemoteEndpointError('malformed-response', `${where}: the response is not JSON (it starts with ${JSON.stringify(start)}); is this an Open Inference Protocol v2 server?`, 200);
    }
  }

  /** Runs one call with the retry policy of the file comment. */
  private async send(method: 'GET' | 'POST', path: string, body: string | undefined, call: CallOptions): Promise<RawResponse> {
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.retries;
      try {
        const response = await this.once(method, path, body, call.signal);
        if (!last && RETRYABLE_STATUS.has(response.status)) {
          await this.backoff(attempt, call.signal);
          continue;
        }
        return response;
      } catch (error) {
        if (!(error instanceof RemoteEndpointError) || last || !RETRYABLE_CODES.has(error.code) || call.signal?.aborted) throw error;
        await this.backoff(attempt, call.signal);
      }
    }
  }

  private backoff(attempt: number, signal: AbortSignal | undefined): Promise<void> {
    const delay = Math.min(this.retryBaseDelayMs * 2 ** attempt, 5_000);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new RemoteEndpointError('aborted', 'the remote call was cancelled'));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delay);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The error of a request that failed before or while its response arrived. */
  private classify(where: string, error: NodeJS.ErrnoException): RemoteEndpointError {
    const code = error.code ?? '';
    const message = this.redact(error.message);
    if (isTlsFailure(code, message)) return new RemoteEndpointError('tls', `${where}: the TLS connection failed (${code || message}); check the URL's scheme and the server's certificate`);
    if (UNREACHABLE.has(code)) return new RemoteEndpointError('unreachable', `${where}: cannot reach the server (${code}); is it running, and are the host and port right?`);
    if (CLOSED.has(code) || /socket hang up|aborted/i.test(message)) return new RemoteEndpointError('connection-closed', `${where}: the connection closed before the response was complete (${code || message})`);
    return new RemoteEndpointError('unreachable', `${where}: the request failed (${code || message})`);
  }

  private once(method: string, path: string, body: string | undefined, signal: AbortSignal | undefined): Promise<RawResponse> {
    const url = new URL(path, this.baseUrl);
    const where = `${method} ${url.href}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<RawResponse>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new RemoteEndpointError('aborted', `${where}: cancelled before it was sent`));
        return;
      }
      let settled = false;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        action();
      };
      const fail = (error: RemoteEndpointError): void => {
        settle(() => reject(error));
        request.destroy();
      };
      const request = transport.request(url, { method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxResponseBytes) fail(new RemoteEndpointError('malformed-response', `${where}: the response exceeds ${this.maxResponseBytes} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => settle(() => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })));
        // Once the status line arrived, any stream failure means the body was cut off.
        const cutOff = (): void => fail(new RemoteEndpointError('connection-closed', `${where}: the connection closed in the middle of the response (${size} bytes received)`));
        response.on('error', cutOff);
        response.on('close', () => {
          if (!response.complete) cutOff();
        });
      });
      request.on('error', (error) => fail(this.classify(where, error)));
      const timer = setTimeout(() => fail(new RemoteEndpointError('timeout', `${where}: no complete response within ${this.timeoutMs} ms`)), this.timeoutMs);
      const onAbort = (): void => fail(new RemoteEndpointError('aborted', `${where}: cancelled`));
      signal?.addEventListener('abort', onAbort, { once: true });
      request.end(body);
    });
  }
}
