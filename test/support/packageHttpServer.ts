/**
 * A local HTTP server for the model download tests: serves a package's files under /pkg/ with
 * HEAD and single byte-range support (206, 416), records every request (method, path, Range
 * header) and the body bytes it sent per file, and misbehaves on demand: cut a response short,
 * stall, ignore ranges, answer a fixed status, or let a test answer a path itself.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

export const FIXTURE_PACKAGE = join(__dirname, '..', 'fixtures', 'tiny-llama', 'package');

/** Every file of a package folder (manifest.json included): relative path with `/` -> bytes. */
export function readPackageFiles(dir: string = FIXTURE_PACKAGE): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path).split(sep).join('/'), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

export interface ServedRequest {
  method: string;
  /** Relative to /pkg/, decoded. */
  path: string;
  range: string | undefined;
}

export class PackageHttpServer {
  readonly requests: ServedRequest[] = [];
  /** Body bytes sent per path (HEAD sends none). */
  readonly bytesSent = new Map<string, number>();
  /** Answer ranged GETs with 200 and the whole file, as a server without range support does. */
  ignoreRange = false;
  /** path -> body bytes after which the next response for it closes the connection (once). */
  readonly cuts = new Map<string, number>();
  /** path -> body bytes after which every GET for it goes silent, connection left open. */
  readonly stalls = new Map<string, number>();
  /** path -> status answered to every request for it (an empty body). */
  readonly statuses = new Map<string, number>();
  /** Answers a request itself when it returns true (after the request was recorded). */
  intercept: ((request: http.IncomingMessage, response: http.ServerResponse, path: string) => boolean) | null = null;

  private constructor(
    private readonly server: http.Server,
    /** The served files: tests may replace or corrupt entries. */
    readonly files: Map<string, Buffer>,
  ) {}

  static async start(files: Map<string, Buffer> = readPackageFiles()): Promise<PackageHttpServer> {
    const server = http.createServer();
    const served = new PackageHttpServer(server, files);
    server.on('request', (request, response) => served.answer(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return served;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** URL of the served package's manifest.json. */
  get manifestUrl(): string {
    return `${this.origin}/pkg/manifest.json`;
  }

  /** The recorded requests for one path. */
  requestsFor(path: string, method = 'GET'): ServedRequest[] {
    return this.requests.filter((request) => request.path === path && request.method === method);
  }

  totalBytesSent(): number {
    return [...this.bytesSent.values()].reduce((sum, bytes) => sum + bytes, 0);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', this.origin);
    const path = url.pathname.startsWith('/pkg/') ? decodeURIComponent(url.pathname.slice('/pkg/'.length)) : url.pathname;
    const method = request.method ?? 'GET';
    this.requests.push({ method, path, range: request.headers.range });
    if (this.intercept?.(request, response, path)) return;
    const status = this.statuses.get(path);
    if (status !== undefined) {
      response.writeHead(status, { 'content-length': 0 }).end();
      return;
    }
    const bytes = this.files.get(path);
    if (bytes === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (method === 'HEAD') {
      response.writeHead(200, { 'content-length': bytes.length, 'accept-ranges': 'bytes' }).end();
      return;
    }
    const ranged = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    let body = bytes;
    if (ranged !== null && !this.ignoreRange) {
      const start = Number(ranged[1]);
      if (start >= bytes.length) {
        response.writeHead(416, { 'content-range': `bytes */${bytes.length}`, 'content-length': 0 }).end();
        return;
      }
      body = bytes.subarray(start);
      response.writeHead(206, { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`, 'content-length': body.length });
    } else {
      response.writeHead(200, { 'content-length': body.length, 'accept-ranges': this.ignoreRange ? 'none' : 'bytes' });
    }
    const count = (sent: number): void => void this.bytesSent.set(path, (this.bytesSent.get(path) ?? 0) + sent);
    const cut = this.cuts.get(path);
    const stall = this.stalls.get(path);
    if (cut !== undefined && cut < body.length) {
      this.cuts.delete(path);
      count(cut);
      response.write(body.subarray(0, cut), () => response.socket?.destroy());
      return;
    }
    if (stall !== undefined && stall < body.length) {
      count(stall);
      response.write(body.subarray(0, stall));
      return;
    }
    count(body.length);
    response.end(body);
  }
}
