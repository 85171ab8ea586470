/**
 * The model package as a VS Code chat language model ("EliCal: demo-facts" in the chat's model
 * picker), when elical.offerChatModel is on (the default).
 *
 * VS Code's chat sends nothing, not even to `@confidence` that answers with its own model, while no
 * chat language model is available, and code-server or an offline VS Code has none signed in. With
 * this one the chat works out of the box. It answers exactly as `@confidence` does with
 * elical.answerSource "model" (modelAnswer.ts): the package's greedy answer to the last user
 * message, through the package's own chat template; it is a question answerer, not an assistant.
 *
 * The picker entry comes from the manifest alone, so listing the model opens nothing; the model
 * itself opens on the first answer, through the same ModelService every command shares.
 */
import * as vscode from 'vscode';
import { type ChatRequestText, lastUserQuestion } from '../core/prompts/lastUserQuestion';
import { readConfiguredManifest } from '../node/modelLocation';
import { generateModelAnswer } from './modelAnswer';
import type { ModelService } from './modelService';
import type { ElicalSettings } from './settings';

/** Vendor id, as package.json `contributes.languageModelChatProviders` declares it. */
export const CHAT_MODEL_VENDOR = 'elical';

export interface PackageChatModelDeps {
  models: ModelService;
  settings: () => ElicalSettings;
  extensionPath: string;
  log: (line: string) => void;
}

function requestText(message: vscode.LanguageModelChatRequestMessage): ChatRequestText {
  const role = message.role === vscode.LanguageModelChatMessageRole.User ? 'user' : message.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'system';
  const texts = message.content.filter((part): part is vscode.LanguageModelTextPart => part instanceof vscode.LanguageModelTextPart).map((part) => part.value);
  return { role, texts };
}

export function registerPackageChatModel(deps: PackageChatModelDeps): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.LanguageModelChatProvider = {
    onDidChangeLanguageModelChatInformation: changed.event,

    async provideLanguageModelChatInformation(): Promise<vscode.LanguageModelChatInformation[]> {
      const settings = deps.settings();
      if (!settings.offerChatModel) return [];
      const manifest = await readConfiguredManifest(settings.modelPath, deps.extensionPath);
      if (manifest === null) return [];
      return [
        {
          id: manifest.name,
          name: `EliCal: ${manifest.name}`,
          family: 'elical-model-package',
          // The weights, not the package's name, identify what answers.
          version: manifest.backbone.sha256.slice(0, 12),
          detail: 'the model EliCal scores with',
          tooltip: `${manifest.description}\nAnswers one question at a time (the last message), with the model package's own chat template.`,
          maxInputTokens: manifest.architecture.maxPositionEmbeddings,
          maxOutputTokens: manifest.generation.maxNewTokens,
          // VS Code's chat lists a model without tool calling as unavailable, and then sends
          // nothing; tools offered in a request are ignored (the model cannot call them).
          capabilities: { toolCalling: true },
        },
      ];
    },

    async provideLanguageModelChatResponse(_info, messages, _options, progress, token): Promise<void> {
      const question = lastUserQuestion(messages.map(requestText));
      if (question === null) throw new Error('EliCal\'s chat model answers a question: the last user message has no text.');
      const lease = await deps.models.acquire();
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      try {
        await generateModelAnswer(lease.model, question, { signal: abort.signal, onText: (piece) => progress.report(new vscode.LanguageModelTextPart(piece)) });
      } finally {
        subscription.dispose();
        await lease.release();
      }
    },

    async provideTokenCount(_info, text): Promise<number> {
      // Only the tokenizer is used, which a close() does not free: no lease needed.
      const model = await deps.models.get();
      const plain = typeof text === 'string' ? text : requestText(text).texts.join('');
      return model.pkg.tokenizer.encode(plain, { addSpecialTokens: false }).length;
    },
  };
  const registration = vscode.lm.registerLanguageModelChatProvider(CHAT_MODEL_VENDOR, provider);
  // The picker entry follows the settings that change it (on/off, another package).
  const settingsWatch = vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration('elical.offerChatModel') || event.affectsConfiguration('elical.modelPath')) changed.fire();
  });
  // VS Code asks a vendor for its models only when something asks for them; until then the chat's
  // picker has none and the chat cannot send. Ask once, now.
  void vscode.lm.selectChatModels({ vendor: CHAT_MODEL_VENDOR }).then(
    (found) => deps.log(`chat model: ${found.length === 0 ? 'none offered' : found.map((model) => model.name).join(', ')}`),
    (error: unknown) => deps.log(`chat model: listing failed: ${(error as Error).message}`),
  );
  return vscode.Disposable.from(registration, settingsWatch, changed);
}
