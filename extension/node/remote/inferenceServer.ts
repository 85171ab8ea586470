/**
 * A small Open Inference Protocol v2 (KServe / Triton HTTP) server for one model package's
 * backbone, for a single machine; `elical serve` runs it. Teams that outgrow it run the same
 * backbone.onnx in Triton (`elical triton-repo`).
 *
 * The served model (docs/remote.md): inputs input_ids and attention_mask, INT64 [-1, -1],
 * left-padded rows; output last_hidden_state, FP32 [-1, hidden] = the final-norm hidden state at
 * each row's last real token. The server strips the client's padding and lets the runner pad
 * again (possibly together with other requests' rows), so results never depend on padding.
 *
 * Safety: loopback by default; a non-loopback bind warns, and without a token is refused unless
 * allowUnauthenticated. Token check in constant time (sha256 digests compared with
 * timingSafeEqual, so neither content nor length leaks). Health routes stay open for probes;
 * everything else needs the token when one is set. Request bodies over maxBodyBytes get 413;
 * every invalid request gets 400 and {"error"}; a failure while running the model gets 500.
 * Graceful stop: refuse new requests (503), finish in-flight ones, then close.
 *
 * Answers: POST /v2/models/{name}/generate (generateRequest.ts) generates with the same runner,
 * and /generate_stream sends the tokens as they are chosen (server-sent events); at most
 * maxConcurrentGenerations at once (503 beyond, which clients retry). Triton and KServe serving
 * backbone.onnx have no such routes, so answers there come from another server.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelRunner } from '../../core/scoring/modelRunner';
import { DynamicBatcher, type BatcherStats } from './dynamicBatcher';
import { type GenerateLimits, type ParsedGenerateRequest, parseGenerateRequest } from './generateRequest';
import { InferenceRequestError, parseInferenceRequest, type RequestLimits } from './inferenceRequest';
import { isLoopbackHost } from './isLoopbackHost';

/** What the server says about its model; names come from the package manifest. */
export interface ServedModel {
  name: string;
  vocabSize: number;
  maxPositions: number;
  hiddenSize: number;
  inputIds: string;
  attentionMask: string;
  hiddenStates: string;
}

export interface InferenceServerOptions {
  runner: ModelRunner;
  model: ServedModel;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8000; 0 picks a free port (see start()'s result). */
  port?: number;
  /** Bearer token required on every non-health route when set. */
  token?: string;
  /** Allows a non-loopback bind without a token (otherwise start() refuses). */
  allowUnauthenticated?: boolean;
  /** Rows per model run, and per request (default 32). */
  maxBatch?: number;
  /** Longest wait for more requests before a run, ms (default 2). */
  maxDelayMs?: number;
  /** false runs every request alone (default true). */
  batching?: boolean;
  /** Largest request body, bytes (default 8 MiB). */
  maxBodyBytes?: number;
  /** Largest max_new_tokens a generate request may ask for (default 512). */
  maxNewTokens?: number;
  /** Answers generated at once; more get 503 and retry (default 4). */
  maxConcurrentGenerations?: number;
  /** Start, warnings and stop; never tokens. */
  log?: (message: string) => void;
}

const SERVER_NAME = 'elical';
const SERVER_VERSION = '1';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class InferenceServer {
  private readonly server: http.Server;
  private readonly batcher: DynamicBatcher<number[], Float32Array>;
  private readonly limits: RequestLimits;
  private readonly tokenDigest: Buffer | undefined;
  private readonly maxBodyBytes: number;
  private readonly generateLimits: GenerateLimits;
  private readonly maxConcurrentGenerations: number;
  private generating = 0;
  private answered = 0;
  private active = 0;
  private stopping: Promise<void> | undefined;
  private activeWaiters: (() => void)[] = [];

  constructor(private readonly options: InferenceServerOptions) {
    const maxBatch = options.maxBatch ?? 32;
    const { model } = options;
    this.limits = { vocabSize: model.vocabSize, maxPositions: model.maxPositions, maxBatch, inputIds: model.inputIds, attentionMask: model.attentionMask, hiddenStates: model.hiddenStates };
    this.maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
    this.generateLimits = { vocabSize: model.vocabSize, maxPositions: model.maxPositions, maxNewTokens: options.maxNewTokens ?? 512 };
    this.maxConcurrentGenerations = options.maxConcurrentGenerations ?? 4;
    if (!Number.isSafeInteger(this.generateLimits.maxNewTokens) || this.generateLimits.maxNewTokens < 1) throw new RangeError(`maxNewTokens must be an integer >= 1, got ${this.generateLimits.maxNewTokens}`);
    if (!Number.isSafeInteger(this.maxConcurrentGenerations) || this.maxConcurrentGenerations < 1) throw new RangeError(`maxConcurrentGenerations must be an integer >= 1, got ${this.maxConcurrentGenerations}`);
    if (!Number.isSafeInteger(this.maxBodyBytes) || this.maxBodyBytes < 1024) throw new RangeError(`maxBodyBytes must be an integer >= 1024, got ${this.maxBodyBytes}`);
    if (options.token !== undefined && options.token.length === 0) throw new RangeError('the token must not be empty');
    this.tokenDigest = options.token === undefined ? undefined : digest(options.token);
    const hidden = model.hiddenSize;
    this.batcher = new DynamicBatcher<number[], Float32Array>({
      maxBatch,
      maxDelayMs: options.maxDelayMs ?? 2,
      combine: options.batching ?? true,
      run: async (rows) => {
        const { hiddenStates } = await options.runner.forwardLastToken(rows);
        return rows.map((_, row) => hiddenStates.subarray(row * hidden, (row + 1) * hidden));
      },
    });
    this.server = http.createServer((request, response) => void this.handle(request, response));
    // A client that never finishes its headers or body cannot hold a connection forever.
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
  }

  get stats(): BatcherStats {
    return { ...this.batcher.stats };
  }

  /** Answers generated to the end (cancelled and failed ones not counted). */
  get answersGenerated(): number {
    return this.answered;
  }

  /**
   * Listens; resolves with the bound URL. Errors: a non-loopback host without a token (unless
   * allowUnauthenticated), or the listen error (port in use, bad address).
   */
  async start(): Promise<{ url: string; port: number }> {
    const host = this.options.host ?? '127.0.0.1';
    if (!isLoopbackHost(host)) {
      if (this.options.token === undefined && !this.options.allowUnauthenticated) {
        throw new Error(`refusing to serve on ${host} (reachable from other machines) without a token: pass --token-file, or --allow-unauthenticated if the network is trusted`);
      }
      this.options.log?.(`warning: serving on ${host}, reachable from other machines over plain http; put a TLS reverse proxy in front of it`);
    }
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 8000, host, () => {
        this.server.removeListener('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    const shown = host.includes(':') ? `[${host}]` : host;
    return { url: `http://${shown}:${port}`, port };
  }

  /**
   * Stops accepting (new requests get 503 and the listener closes), lets in-flight requests
   * finish, then resolves. Connections still open after `graceMs` are cut.
   */
  stop(graceMs = 10_000): Promise<void> {
    this.stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      const cut = setTimeout(() => this.server.closeAllConnections(), graceMs);
      await new Promise<void>((resolve) => (this.active === 0 ? resolve() : this.activeWaiters.push(resolve)));
      await this.batcher.whenIdle();
      this.server.closeIdleConnections();
      await closed;
      clearTimeout(cut);
    })();
    return this.stopping;
  }

  private authorized(request: http.IncomingMessage): boolean {
    if (!this.tokenDigest) return true;
    const match = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]), this.tokenDigest);
  }

  private send(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (response.headersSent) return;
    const text = body === undefined ? '' : JSON.stringify(body);
    const extra: Record<string, string> = this.stopping ? { connection: 'close' } : {};
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...extra, ...headers });
    response.end(text);
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    this.active++;
    request.on('error', () => undefined);
    response.on('error', () => undefined);
    try {
      if (this.stopping) throw new HttpError(503, 'the server is shutting down');
      await this.route(request, response);
    } catch (error) {
      if (error instanceof HttpError) {
        const headers: Record<string, string> = error.status === 401 ? { 'www-authenticate': 'Bearer' } : error.status === 413 ? { connection: 'close' } : error.status === 503 ? { 'retry-after': '1' } : {};
        this.send(response, error.status, { error: error.message }, headers);
        if (error.status === 413) {
          // Discard the rest of the oversized body so the client can read the answer, but cut a
          // connection that keeps sending after a short grace.
          request.resume();
          const cut = setTimeout(() => request.socket.destroy(), 2_000);
          request.socket.once('close', () => clearTimeout(cut));
        }
      } else {
        this.send(response, 500, { error: `internal error: ${(error as Error).message}` });
      }
    } finally {
      this.active--;
      if (this.active === 0) {
        const waiters = this.activeWaiters;
        this.activeWaiters = [];
        for (const resolve of waiters) resolve();
      }
    }
  }

  private async route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    let path: string;
    try {
      path = new URL(request.url ?? '/', 'http://server').pathname.replace(/\/+$/, '');
    } catch {
      throw new HttpError(400, 'the request path is not a valid URL path');
    }
    const only = (allowed: string): void => {
      if (method !== allowed) throw new HttpError(405, `${path} accepts ${allowed} only, got ${method}`);
    };
    if (path === '/v2/health/live') {
      only('GET');
      return this.send(response, 200, { live: true });
    }
    if (path === '/v2/health/ready') {
      only('GET');
      return this.send(response, 200, { ready: true });
    }
    if (!this.authorized(request)) throw new HttpError(401, 'missing or wrong bearer token');
    if (path === '/v2') {
      only('GET');
      return this.send(response, 200, { name: SERVER_NAME, version: SERVER_VERSION, extensions: ['generate'] });
    }
    const match = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer|\/generate|\/generate_stream)?$/.exec(path);
    if (!match) throw new HttpError(404, `unknown route ${path}; this server offers /v2, /v2/health/{live,ready} and /v2/models/{name}[/ready|/infer|/generate|/generate_stream]`);
    let name: string;
    try {
      name = decodeURIComponent(match[1]);
    } catch {
      throw new HttpError(400, 'the model name in the path is not valid percent-encoding');
    }
    const { model } = this.options;
    if (name !== model.name) throw new HttpError(404, `unknown model ${JSON.stringify(name.slice(0, 100))}; this server serves ${JSON.stringify(model.name)}`);
    if (match[2] !== undefined && match[2] !== SERVER_VERSION) throw new HttpError(404, `model ${model.name} has version ${SERVER_VERSION} only`);
    if (match[3] === undefined) {
      only('GET');
      return this.send(response, 200, {
        name: model.name,
        versions: [SERVER_VERSION],
        platform: 'elical_onnxruntime',
        inputs: [
          { name: model.inputIds, datatype: 'INT64', shape: [-1, -1] },
          { name: model.attentionMask, datatype: 'INT64', shape: [-1, -1] },
        ],
        outputs: [{ name: model.hiddenStates, datatype: 'FP32', shape: [-1, model.hiddenSize] }],
      });
    }
    if (match[3] === '/ready') {
      only('GET');
      return this.send(response, 200, { name: model.name, ready: true });
    }
    only('POST');
    const body = await this.readBody(request);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw new HttpError(400, `the request body is not valid JSON (${(error as Error).message.slice(0, 200)})`);
    }
    if (match[3] === '/generate' || match[3] === '/generate_stream') return this.generate(parsed, response, match[3] === '/generate_stream');
    let rows: number[][];
    let id: string | undefined;
    try {
      ({ rows, id } = parseInferenceRequest(parsed, this.limits));
    } catch (error) {
      if (error instanceof InferenceRequestError) throw new HttpError(400, error.message);
      throw error;
    }
    const hidden = await this.batcher.submit(rows);
    const data: number[] = [];
    for (const row of hidden) {
      for (const value of row) {
        if (!Number.isFinite(value)) throw new HttpError(500, 'the model produced a non-finite hidden state');
        data.push(value);
      }
    }
    this.send(response, 200, {
      model_name: model.name,
      model_version: SERVER_VERSION,
      ...(id === undefined ? {} : { id }),
      outputs: [{ name: model.hiddenStates, datatype: 'FP32', shape: [rows.length, model.hiddenSize], data }],
    });
  }

  /**
   * One answer, generated by the runner the server scores with (so equal to a local generation
   * with the same options). `stream` (the generate_stream route) sends it as server-sent events:
   * `{"token_id", "logprob"}` as each token is chosen, then the whole answer as /generate returns it; a
   * failure after the first event is sent as `{"error"}`, since the status line is gone by then.
   * A client that disconnects stops its generation at the next step.
   */
  private async generate(body: unknown, response: http.ServerResponse, stream: boolean): Promise<void> {
    let request: ParsedGenerateRequest;
    try {
      request = parseGenerateRequest(body, this.generateLimits);
    } catch (error) {
      if (error instanceof InferenceRequestError) throw new HttpError(400, error.message);
      throw error;
    }
    if (this.generating >= this.maxConcurrentGenerations) throw new HttpError(503, `busy: ${this.generating} answers are being generated; try again shortly`);
    this.generating++;
    const abort = new AbortController();
    const onClose = (): void => {
      if (!response.writableFinished) abort.abort();
    };
    response.on('close', onClose);
    const event = (data: unknown): void => void response.write(`data: ${JSON.stringify(data)}\n\n`);
    if (stream) response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', ...(this.stopping ? { connection: 'close' } : {}) });
    try {
      const result = await this.options.runner.generate(request.promptIds, { ...request.options, signal: abort.signal, onToken: stream ? (tokenId, logprob) => event({ token_id: tokenId, logprob }) : undefined });
      if (abort.signal.aborted) return;
      if (!result.logprobs.every(Number.isFinite)) throw new HttpError(500, 'the model produced a non-finite log-probability');
      const { model } = this.options;
      const answer = { model_name: model.name, model_version: SERVER_VERSION, output_ids: result.tokenIds, logprobs: result.logprobs, finish_reason: result.finishReason };
      if (stream) {
        event(answer);
        response.end();
      } else {
        this.send(response, 200, answer);
      }
      this.answered++;
    } catch (error) {
      if (!stream) throw error;
      event({ error: error instanceof HttpError ? error.message : `internal error: ${(error as Error).message}` });
      response.end();
    } finally {
      this.generating--;
      response.off('close', onClose);
    }
  }

  private readBody(request: http.IncomingMessage): Promise<string> {
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > this.maxBodyBytes) return Promise.reject(new HttpError(413, `the request body is ${declared} bytes; the limit is ${this.maxBodyBytes}`));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      request.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          done = true;
          reject(new HttpError(413, `the request body exceeds the limit of ${this.maxBodyBytes} bytes`));
        } else {
          chunks.push(chunk);
        }
      });
      request.on('end', () => {
        if (done) return;
        done = true;
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      request.on('close', () => {
        if (done) return;
        done = true;
        reject(new HttpError(400, 'the connection closed before the request body was complete'));
      });
    });
  }
}
