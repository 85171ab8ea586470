/**
 * A stand-in OpenAI-compatible chat server on loopback, run inside the extension host by the
 * tests: it records each request and streams a fixed answer in pieces over server-sent events
 * (one piece per write, 40 ms apart, so the answer really arrives in parts). `status` answers
 * with an error instead; `cutAfter` drops the connection after that many answer pieces.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export const STAND_IN_PIECES = ['Lima', ' is', ' the capital', ' of Peru', ' — café.'];

export interface ReceivedChatRequest {
  url: string;
  authorization: string | undefined;
  body: { model?: unknown; stream?: unknown; messages?: { role: string; content: string }[] };
}

function sseChunk(delta: Record<string, string>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

export class StandInChatServer {
  readonly received: ReceivedChatRequest[] = [];
  status = 200;
  cutAfter: number | null = null;

  /** Base URL to put in elical.openaiUrl (set once listening). */
  baseUrl = '';

  private readonly server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => this.answer(request, Buffer.concat(chunks).toString('utf8'), response));
  });

  static async start(): Promise<StandInChatServer> {
    const stand = new StandInChatServer();
    await new Promise<void>((resolve) => stand.server.listen(0, '127.0.0.1', resolve));
    stand.baseUrl = `http://127.0.0.1:${(stand.server.address() as AddressInfo).port}/v1`;
    return stand;
  }

  private answer(request: http.IncomingMessage, body: string, response: http.ServerResponse): void {
    this.received.push({ url: request.url ?? '', authorization: request.headers.authorization, body: JSON.parse(body || '{}') as ReceivedChatRequest['body'] });
    if (this.status !== 200) {
      response.writeHead(this.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'invalid api key' } }));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const events = [sseChunk({ role: 'assistant' }), ...STAND_IN_PIECES.map((piece) => sseChunk({ content: piece })), sseChunk({}, 'stop'), 'data: [DONE]\n\n'];
    const cutAfter = this.cutAfter;
    let sent = 0;
    const next = (): void => {
      // The role chunk comes first, so `cutAfter` answer pieces are cutAfter + 1 events.
      if (cutAfter !== null && sent === cutAfter + 1) {
        response.socket?.destroy();
        return;
      }
      sent += 1;
      const event = events.shift();
      if (event === undefined) response.end();
      else response.write(event, () => setTimeout(next, 40));
    };
    next();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
