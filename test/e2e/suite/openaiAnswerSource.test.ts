/**
 * `@confidence` with elical.answerSource `openai`: a stand-in OpenAI-compatible server on
 * loopback, started inside the extension host, streams an answer in pieces over server-sent
 * events. The real extension must score first, post one chat completion request for the
 * configured model with stream: true, and journal exactly the concatenated pieces as the answer.
 * No API key is stored in this profile, so none may be sent. A connection dropped mid-answer
 * journals what was shown; a server that answers 401 leaves the score journalled and no answer.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'mocha';
import type { AnswerShownEvent, QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { askInChat, fixtureModelDir, journalEvents, setUserSetting, waitFor, waitForNewEvents } from './e2eEnvironment';

const PIECES = ['Lima', ' is', ' the capital', ' of Peru', ' — café.'];
const MODEL = 'stand-in-chat-model';

interface Received {
  url: string;
  authorization: string | undefined;
  body: { model?: unknown; stream?: unknown; messages?: { role: string; content: string }[] };
}

function sseChunk(delta: Record<string, string>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

export function openaiAnswerSourceTests(): void {
  describe('@confidence answering through an OpenAI-compatible endpoint', () => {
    const received: Received[] = [];
    let status = 200;
    /** When set, the server sends this many answer pieces and then drops the connection. */
    let cutAfter: number | null = null;
    let server: http.Server;

    before(async () => {
      server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({ url: request.url ?? '', authorization: request.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Received['body'] });
          if (status !== 200) {
            response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'invalid api key' } }));
            return;
          }
          response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          // One piece per write with a pause, so the answer really arrives in parts.
          const events = [sseChunk({ role: 'assistant' }), ...PIECES.map((piece) => sseChunk({ content: piece })), sseChunk({}, 'stop'), 'data: [DONE]\n\n'];
          let sent = 0;
          const next = (): void => {
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
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      await setUserSetting('elical.modelPath', fixtureModelDir());
      await setUserSetting('elical.openaiUrl', `http://127.0.0.1:${port}/v1`);
      await setUserSetting('elical.openaiModel', MODEL);
      await setUserSetting('elical.answerSource', 'openai');
    });

    after(async () => {
      await setUserSetting('elical.answerSource', 'model');
      await setUserSetting('elical.openaiUrl', '');
      await setUserSetting('elical.openaiModel', '');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('scores first, then journals exactly the streamed answer; sends the model name and no key', async () => {
      const question = 'Which city is the capital of Peru?';
      const before = (await journalEvents()).length;
      await askInChat(`@confidence ${question}`);
      const events = await waitForNewEvents(before, 'the endpoint answer to be journalled', (added) => added.some((event) => event.type === 'answer-shown'));
      const scored = events.find((event): event is QuestionScoredEvent => event.type === 'question-scored' && event.question === question);
      const shown = events.find((event): event is AnswerShownEvent => event.type === 'answer-shown');
      assert.ok(scored !== undefined && shown !== undefined);
      assert.equal(shown.questionId, scored.id);
      assert.equal(shown.source, 'openai-compatible');
      assert.equal(shown.answer, PIECES.join(''));
      assert.ok(events.indexOf(scored) < events.indexOf(shown), 'the score is journalled before the answer');

      assert.equal(received.length, 1);
      const [request] = received;
      assert.equal(request.url, '/v1/chat/completions');
      assert.equal(request.body.model, MODEL);
      assert.equal(request.body.stream, true);
      assert.ok(request.body.messages?.some((message) => message.role === 'user' && message.content.includes(question)), JSON.stringify(request.body.messages));
      assert.equal(request.authorization, undefined, 'no key is stored, so none is sent');
    });

    it('an answer cut off by a dropped connection is journalled as far as it was shown', async () => {
      cutAfter = 2;
      try {
        const question = 'Which city is the capital of Bolivia?';
        const before = (await journalEvents()).length;
        await askInChat(`@confidence ${question}`);
        const events = await waitForNewEvents(before, 'the partial answer to be journalled', (added) => added.some((event) => event.type === 'answer-shown'));
        const scored = events.find((event): event is QuestionScoredEvent => event.type === 'question-scored' && event.question === question);
        const shown = events.find((event): event is AnswerShownEvent => event.type === 'answer-shown');
        assert.ok(scored !== undefined && shown !== undefined);
        assert.equal(shown.questionId, scored.id);
        // The role chunk, then two pieces, then the connection drops.
        assert.equal(shown.answer, PIECES.slice(0, 2).join(''));
      } finally {
        cutAfter = null;
      }
    });

    it('a refused request (401) keeps the score and journals no answer', async () => {
      status = 401;
      try {
        const question = 'Which city is the capital of Chile?';
        const before = (await journalEvents()).length;
        const requestsBefore = received.length;
        await askInChat(`@confidence ${question}`);
        // Only once the endpoint has been asked may the setting change for the next question.
        await waitFor('the endpoint to receive the question', () => (received.length > requestsBefore ? true : undefined));
        // The next question (answered by the package model) shows when the refused turn is over.
        await setUserSetting('elical.answerSource', 'model');
        const next = 'Which city is the capital of Spain?';
        await askInChat(`@confidence ${next}`);
        const added = await waitForNewEvents(before, 'the question after the refused one', (events) => events.some((event) => event.type === 'answer-shown' && (event as AnswerShownEvent).source === 'model'));
        const refused = added.find((event): event is QuestionScoredEvent => event.type === 'question-scored' && event.question === question);
        assert.ok(refused !== undefined, 'the refused question was still scored');
        assert.equal(added.some((event) => event.type === 'answer-shown' && event.questionId === refused.id), false, 'no answer journalled for it');
        assert.equal(received.at(-1)?.url, '/v1/chat/completions');
      } finally {
        status = 200;
        await setUserSetting('elical.answerSource', 'openai');
      }
    });
  });
}
