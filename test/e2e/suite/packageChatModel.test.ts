/**
 * The model package offered as a VS Code chat language model (extension/vscode/packageChatModel.ts):
 * listed by VS Code's language model service while elical.offerChatModel is on, gone when it is
 * turned off, and answering a request with exactly the answer `@confidence` shows for the same
 * question with elical.answerSource "model". The other suites run with it off, so that the chat's
 * model is the test language model whose answers they know.
 */
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { AnswerShownEvent, QuestionScoredEvent } from '../../../extension/core/journal/journalEvent';
import { askInChat, fixtureModelDir, journalEvents, setUserSetting, waitFor, waitForNewEvents } from './e2eEnvironment';

const VENDOR = 'elical';
const FIXTURE_NAME = 'tiny-llama-fixture';

async function offered(): Promise<vscode.LanguageModelChat[]> {
  return vscode.lm.selectChatModels({ vendor: VENDOR });
}

async function answerOf(model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[]): Promise<string> {
  const response = await model.sendRequest(messages, {}, new vscode.CancellationTokenSource().token);
  let text = '';
  for await (const piece of response.text) text += piece;
  return text;
}

export function packageChatModelTests(): void {
  describe('the model package as a chat language model', () => {
    before(async () => {
      await setUserSetting('elical.modelPath', fixtureModelDir());
      await setUserSetting('elical.answerSource', 'model');
      await setUserSetting('elical.offerChatModel', true);
    });
    after(async () => {
      await setUserSetting('elical.offerChatModel', false);
    });

    it('is listed under its package name and answers exactly as @confidence does', async () => {
      const [model] = await waitFor('the package chat model to be listed', async () => {
        const models = await offered();
        return models.length > 0 ? models : undefined;
      });
      assert.equal(model.name, `EliCal: ${FIXTURE_NAME}`);
      assert.equal(model.id, FIXTURE_NAME);

      const question = 'Which planet is known as the Red Planet?';
      const before = (await journalEvents()).length;
      await askInChat(`@confidence ${question}`);
      const events = await waitForNewEvents(before, 'the @confidence answer', (added) => {
        const scored = added.find((event): event is QuestionScoredEvent => event.type === 'question-scored' && event.question === question);
        return scored !== undefined && added.some((event) => event.type === 'answer-shown' && event.questionId === scored.id);
      });
      const shown = events.find((event): event is AnswerShownEvent => event.type === 'answer-shown');
      assert.ok(shown !== undefined && shown.answer.length > 0, 'the model answered @confidence');

      // History before the last user message is not replayed: the answer is to the last question.
      const answer = await answerOf(model, [
        vscode.LanguageModelChatMessage.User('What is the capital of France?'),
        vscode.LanguageModelChatMessage.Assistant('Paris'),
        vscode.LanguageModelChatMessage.User(question),
      ]);
      assert.equal(answer.trim(), shown.answer);
    });

    it('refuses a request without a user question, with a message that says so', async () => {
      const [model] = await offered();
      assert.ok(model !== undefined, 'the package chat model is listed');
      await assert.rejects(answerOf(model, [vscode.LanguageModelChatMessage.Assistant('Paris')]), /last user message has no text/);
    });

    it('is no longer listed once elical.offerChatModel is turned off', async () => {
      await setUserSetting('elical.offerChatModel', false);
      await waitFor('the package chat model to leave the list', async () => ((await offered()).length === 0 ? true : undefined), 30_000);
      await setUserSetting('elical.offerChatModel', true);
      await waitFor('the package chat model to be listed again', async () => ((await offered()).length === 1 ? true : undefined), 30_000);
    });
  });
}
