/**
 * `@confidence` with elical.answerSource `openai`: a stand-in OpenAI-compatible server on
 * loopback, started inside the extension host, streams an answer in pieces over server-sent
 * events. The real extension must score first, post one chat completion request for the
 * configured model with stream: true, and journal exactly the concatenated pieces as the answer.
 * No API key is stored in this profile, so none may be sent. A connection dropped mid-answer
 * journals what was shown; a server that answers 401 leaves the score journalled and no answer.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import type { AnswerShownEvent, QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { askInChat, fixtureModelDir, journalEvents, setUserSetting, waitFor, waitForNewEvents } from './e2eEnvironment';
import { STAND_IN_PIECES as PIECES, StandInChatServer } from './standInChatServer';

const MODEL = 'stand-in-chat-model';

export function openaiAnswerSourceTests(): void {
  describe('@confidence answering through an OpenAI-compatible endpoint', () => {
    let server: StandInChatServer;

    before(async () => {
      server = await StandInChatServer.start();
      await setUserSetting('elical.modelPath', fixtureModelDir());
      await setUserSetting('elical.openaiUrl', server.baseUrl);
      await setUserSetting('elical.openaiModel', MODEL);
      await setUserSetting('elical.answerSource', 'openai');
    });

    after(async () => {
      await setUserSetting('elical.answerSource', 'model');
      await setUserSetting('elical.openaiUrl', '');
      await setUserSetting('elical.openaiModel', '');
      await server.close();
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

      assert.equal(server.received.length, 1);
      const [request] = server.received;
      assert.equal(request.url, '/v1/chat/completions');
      assert.equal(request.body.model, MODEL);
      assert.equal(request.body.stream, true);
      assert.ok(request.body.messages?.some((message) => message.role === 'user' && message.content.includes(question)), JSON.stringify(request.body.messages));
      assert.equal(request.authorization, undefined, 'no key is stored, so none is sent');
    });

    it('an answer cut off by a dropped connection is journalled as far as it was shown', async () => {
      server.cutAfter = 2;
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
        server.cutAfter = null;
      }
    });

    it('a refused request (401) keeps the score and journals no answer', async () => {
      server.status = 401;
      try {
        const question = 'Which city is the capital of Chile?';
        const before = (await journalEvents()).length;
        const requestsBefore = server.received.length;
        await askInChat(`@confidence ${question}`);
        // Only once the endpoint has been asked may the setting change for the next question.
        await waitFor('the endpoint to receive the question', () => (server.received.length > requestsBefore ? true : undefined));
        // The next question (answered by the package model) shows when the refused turn is over.
        await setUserSetting('elical.answerSource', 'model');
        const next = 'Which city is the capital of Spain?';
        await askInChat(`@confidence ${next}`);
        const added = await waitForNewEvents(before, 'the question after the refused one', (events) => events.some((event) => event.type === 'answer-shown' && (event as AnswerShownEvent).source === 'model'));
        const refused = added.find((event): event is QuestionScoredEvent => event.type === 'question-scored' && event.question === question);
        assert.ok(refused !== undefined, 'the refused question was still scored');
        assert.equal(added.some((event) => event.type === 'answer-shown' && event.questionId === refused.id), false, 'no answer journalled for it');
        assert.equal(server.received.at(-1)?.url, '/v1/chat/completions');
      } finally {
        server.status = 200;
        await setUserSetting('elical.answerSource', 'openai');
      }
    });
  });
}
