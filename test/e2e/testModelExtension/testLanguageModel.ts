/**
 * A chat language model for the end-to-end suites, in its own throw-away extension so the
 * shipped manifest declares no test vendor. VS Code's chat refuses to send a request, even to a
 * participant that answers with its own model, while no language model is available ("Language
 * model unavailable"), and code-server has no signed-in model; the suites also need a model whose
 * answer they know, to check that `elical.answerSource: "vscode-lm"` shows and journals exactly
 * what the model said.
 *
 * The answer streams word by word with a pause, so a UI test can see the confidence badge arrive
 * before the answer does.
 */
import * as vscode from 'vscode';
import { TEST_MODEL_ID, TEST_MODEL_NAME, TEST_MODEL_VENDOR, testModelAnswer, WORD_DELAY_MS } from './testModelAnswer';

function promptText(messages: readonly vscode.LanguageModelChatRequestMessage[]): string {
  const parts: string[] = [];
  for (const message of messages) {
    if (message.role !== vscode.LanguageModelChatMessageRole.User) continue;
    for (const part of message.content) if (part instanceof vscode.LanguageModelTextPart) parts.push(part.value);
  }
  return parts.join('\n');
}

export function activate(context: vscode.ExtensionContext): void {
  const received: string[] = [];
  const info: vscode.LanguageModelChatInformation = {
    id: TEST_MODEL_ID,
    name: TEST_MODEL_NAME,
    family: 'elical-e2e',
    version: '1',
    maxInputTokens: 8192,
    maxOutputTokens: 1024,
    // Without tool calling the chat view reports the model unavailable for chat.
    capabilities: { toolCalling: true },
  };
  const provider: vscode.LanguageModelChatProvider = {
    provideLanguageModelChatInformation: () => [info],
    async provideLanguageModelChatResponse(_model, messages, _options, progress, token) {
      const prompt = promptText(messages);
      received.push(prompt);
      const words = testModelAnswer(prompt).split(' ');
      for (let index = 0; index < words.length && !token.isCancellationRequested; index += 1) {
        await new Promise((resolve) => setTimeout(resolve, WORD_DELAY_MS));
        progress.report(new vscode.LanguageModelTextPart(index === 0 ? words[index] : ` ${words[index]}`));
      }
    },
    provideTokenCount: async (_model, text) => Math.ceil((typeof text === 'string' ? text : promptText([text])).length / 4),
  };
  context.subscriptions.push(
    vscode.lm.registerLanguageModelChatProvider(TEST_MODEL_VENDOR, provider),
    vscode.commands.registerCommand('elicalE2e.testModel.requests', () => [...received]),
  );
  // VS Code asks a vendor for its models lazily; until someone does, the chat's model picker
  // lists none (only "sign in to use Copilot") and the chat cannot send. Ask once, now.
  void vscode.lm.selectChatModels({ vendor: TEST_MODEL_VENDOR });
}
