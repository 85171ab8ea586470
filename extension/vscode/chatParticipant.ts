/**
 * `@confidence` (product.md, "Chat participant"): runs the steps of core/chatFlow.ts. The
 * question is scored before anything else is written, the scores are journalled
 * (question-scored), the answer that is shown is journalled too (answer-shown), so a later
 * Right / Wrong applies to exactly what the user read.
 *
 * Answers stream as they are produced. The model's and an OpenAI-compatible server's text is
 * data, not Markdown we vouch for: it is escaped piece by piece (StreamingAnswerEscaper), so
 * the streamed Markdown is exactly the escaped whole answer.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import {
  badgeMarkdown,
  chatButtons,
  type ChatCommand,
  chatSteps,
  compareTableMarkdown,
  escapeMarkdown,
  parseChatCommand,
  pickBadgeHead,
  SCORING_PROGRESS,
} from '../core/chatFlow';
import { type AnswerSource, JOURNAL_SCHEMA_VERSION } from '../core/journal/journalEvent';
import type { ConfidenceScore } from '../core/scoring/confidenceScorer';
import { StreamingAnswerEscaper } from '../core/streamingAnswerEscaper';
import { streamChatCompletion } from '../node/openaiChatClient';
import { OpenaiChatError } from '../node/openaiChatError';
import { resolveOpenaiEndpoint } from '../node/openaiEndpoint';
import type { LabelJournal } from './labelJournal';
import { generateModelAnswer } from './modelAnswer';
import { reportModelError } from './remoteFallback';
import type { LoadedModel, ModelService } from './modelService';
import type { RemoteTokenStore } from './remoteTokenStore';
import type { ElicalSettings } from './settings';

export const CHAT_PARTICIPANT_ID = 'elical.confidence';

/** Longest answer journalled, in characters: keeps each event far below the journal's 1 MiB line limit. */
const MAX_JOURNALLED_ANSWER = 100_000;

/** Commands the chat buttons run (registered in commands.ts). */
export const BUTTON_COMMANDS = { 'label-right': 'elical.labelRight', 'label-wrong': 'elical.labelWrong', 'open-panel': 'elical.openPanel' } as const;

export interface ChatDeps {
  models: ModelService;
  journal: LabelJournal;
  settings: () => ElicalSettings;
  log: (line: string) => void;
  /** Called after each scored question (status bar). */
  onScored: (confidence: number, headId: string, model: LoadedModel) => void;
  /** SecretStorage; holds the OpenAI-compatible API key (openaiEndpoint.ts keyKey). */
  tokens: RemoteTokenStore;
}

/** Reads the question id we put in ChatResult.metadata; anything else is not ours. */
export function questionIdOf(metadata: unknown): string | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  const id = (metadata as Record<string, unknown>).questionId;
  return typeof id === 'string' && id.length > 0 ? id : null;
}

/**
 * What the reader has seen of the answer so far, kept by the answer functions as they stream, so
 * that an answer cut off by an error (a dropped connection, a model failure) is still journalled
 * as what was shown: the user may well label it.
 */
interface ShownAnswer {
  text: string;
}

/** Writes answer text to the chat as it arrives; `shown.text` is what the reader has seen (trimmed). */
function answerWriter(stream: vscode.ChatResponseStream, shown: ShownAnswer): { write: (piece: string) => void; escaper: StreamingAnswerEscaper } {
  const escaper = new StreamingAnswerEscaper();
  return {
    escaper,
    write: (piece) => {
      const markdown = escaper.push(piece);
      if (markdown !== '') stream.markdown(markdown);
      shown.text = escaper.text;
    },
  };
}

async function answerFromModel(model: LoadedModel, question: string, stream: vscode.ChatResponseStream, token: vscode.CancellationToken, shown: ShownAnswer): Promise<string> {
  const abort = new AbortController();
  const subscription = token.onCancellationRequested(() => abort.abort());
  const { write, escaper } = answerWriter(stream, shown);
  try {
    const result = await generateModelAnswer(model, question, { signal: abort.signal, onText: write });
    if (escaper.empty && !token.isCancellationRequested) stream.markdown('_(the model gave an empty answer)_');
    if (result.finishReason === 'length') stream.markdown(`\n\n_(cut at ${result.maxNewTokens} tokens)_`);
    return escaper.text;
  } finally {
    subscription.dispose();
  }
}

/**
 * The answer of an OpenAI-compatible server (elical.openaiUrl, elical.openaiModel), with the API
 * key from SecretStorage when one is stored for that origin. Cancelling keeps what was shown.
 */
async function answerFromOpenai(settings: ElicalSettings, deps: ChatDeps, warn: (message: string) => void, question: string, stream: vscode.ChatResponseStream, token: vscode.CancellationToken, shown: ShownAnswer): Promise<string> {
  const endpoint = resolveOpenaiEndpoint({ url: settings.openaiUrl, model: settings.openaiModel });
  if (endpoint.warning !== null) warn(endpoint.warning);
  const apiKey = await deps.tokens.get(endpoint.keyKey);
  const abort = new AbortController();
  const subscription = token.onCancellationRequested(() => abort.abort());
  const { write, escaper } = answerWriter(stream, shown);
  try {
    for await (const piece of streamChatCompletion(question, { completionsUrl: endpoint.completionsUrl, model: endpoint.model, apiKey, signal: abort.signal })) write(piece);
  } catch (error) {
    if (!(error instanceof OpenaiChatError && error.code === 'aborted')) throw error;
  } finally {
    subscription.dispose();
  }
  if (escaper.empty && !token.isCancellationRequested) stream.markdown('_(the server gave an empty answer)_');
  return escaper.text;
}

async function answerFromVscodeLm(request: vscode.ChatRequest, question: string, stream: vscode.ChatResponseStream, token: vscode.CancellationToken, shown: ShownAnswer): Promise<string> {
  // The chat model the user picked in the chat view; fall back to any available one.
  const chosen = request.model ?? (await vscode.lm.selectChatModels())[0];
  if (chosen === undefined) throw new Error('no VS Code language model is available for elical.answerSource "vscode-lm"');
  const response = await chosen.sendRequest([vscode.LanguageModelChatMessage.User(question)], {}, token);
  let text = '';
  for await (const fragment of response.text) {
    text += fragment;
    stream.markdown(fragment);
    shown.text = text;
  }
  return text;
}

export function registerChatParticipant(context: vscode.ExtensionContext, deps: ChatDeps): vscode.ChatParticipant {
  // The plain-http warning of an answer endpoint: logged every time, shown once per session.
  const warned = new Set<string>();
  const warnOnce = (message: string): void => {
    deps.log(`warning: ${message}`);
    if (warned.has(message)) return;
    warned.add(message);
    void vscode.window.showWarningMessage(`EliCal: ${message}`);
  };
  const handler: vscode.ChatRequestHandler = async (request, _context, stream, token) => {
    let command: ChatCommand;
    try {
      command = parseChatCommand(request.command);
    } catch (error) {
      stream.markdown(escapeMarkdown((error as Error).message));
      return {};
    }
    const question = request.prompt.trim();
    if (question === '') {
      stream.markdown('Ask a question after `@confidence`, e.g. `@confidence What is the capital of Peru?`');
      return {};
    }
    const settings = deps.settings();
    stream.progress(SCORING_PROGRESS);
    let model: LoadedModel;
    try {
      model = await deps.models.get();
    } catch (error) {
      const message = `The confidence model could not be opened: ${(error as Error).message}`;
      deps.log(message);
      // The notification carries the "Use local model" choice; the chat shows the reason.
      void reportModelError(message, error, settings.runtime === 'remote');
      return { errorDetails: { message } };
    }
    const started = performance.now();
    const questionId = randomUUID();
    let score: ConfidenceScore;
    let latencyMs: number;
    try {
      score = await model.scorer.score(question);
      latencyMs = performance.now() - started;
      await deps.journal.append([
      {
        schemaVersion: JOURNAL_SCHEMA_VERSION,
        type: 'question-scored',
        id: questionId,
        time: new Date().toISOString(),
        question,
        model: model.pkg.manifest.name,
        scores: score.heads,
        runtime: model.runtime,
        latencyMs,
      },
      ]);
    } catch (error) {
      const message = `The question could not be scored: ${(error as Error).message}`;
      deps.log(message);
      if (model.runtime === 'remote') void reportModelError(message, error, true);
      return { errorDetails: { message } };
    }
    const headId = pickBadgeHead(model.scorer.headIds, deps.journal.state.activeHeadId, model.pkg.manifest.defaultHead);
    deps.onScored(score.heads[headId], headId, model);

    for (const step of chatSteps(command)) {
      if (token.isCancellationRequested) break;
      switch (step) {
        case 'score':
          break; // done above: every later step needs the score
        case 'badge':
          stream.markdown(
            new vscode.MarkdownString(
              badgeMarkdown({ confidence: score.heads[headId], headId, model: model.pkg.manifest.name, runtime: model.runtimeLabel, latencyMs, truncation: score.truncation }, settings.thresholds),
              true,
            ),
          );
          break;
        case 'compare-table': {
          const rows = model.pkg.heads.map(({ entry }) => ({
            headId: entry.id,
            description: `${entry.family}, ${entry.budget === null ? 'all labels' : `k=${entry.budget}`}`,
            confidence: score.heads[entry.id],
          }));
          stream.markdown(compareTableMarkdown(rows, headId, settings.thresholds));
          break;
        }
        case 'answer': {
          const source: AnswerSource = settings.answerSource === 'openai' ? 'openai-compatible' : settings.answerSource;
          const shown: ShownAnswer = { text: '' };
          let text: string;
          try {
            switch (settings.answerSource) {
              case 'model':
                text = await answerFromModel(model, question, stream, token, shown);
                break;
              case 'vscode-lm':
                text = await answerFromVscodeLm(request, question, stream, token, shown);
                break;
              case 'openai':
                text = await answerFromOpenai(settings, deps, warnOnce, question, stream, token, shown);
                break;
              default: {
                const unreachable: never = settings.answerSource;
                throw new Error(`unhandled answer source ${String(unreachable)}`);
              }
            }
          } catch (error) {
            const reason = (error as Error).message;
            if (shown.text === '') {
              const message = `No answer: ${reason}`;
              deps.log(message);
              stream.markdown(`\n\n_${escapeMarkdown(message)}_`);
              if (error instanceof OpenaiChatError && error.code === 'unauthorized') stream.button({ command: 'elical.setOpenaiKey', title: 'Set API key' });
              // Nothing was answered, so nothing can be labelled: no question id for the thumbs.
              return {};
            }
            // Part of the answer is on screen: it is journalled as shown and can be labelled.
            const message = `The answer was cut off: ${reason}`;
            deps.log(message);
            stream.markdown(`\n\n_${escapeMarkdown(message)}_`);
            text = shown.text;
          }
          if (text !== '') {
            await deps.journal.append([
              { schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'answer-shown', id: randomUUID(), time: new Date().toISOString(), questionId, answer: text.slice(0, MAX_JOURNALLED_ANSWER), source },
            ]);
          }
          break;
        }
        case 'buttons':
          stream.markdown('\n\n');
          for (const button of chatButtons(command, questionId)) {
            stream.button({ command: BUTTON_COMMANDS[button.action], title: button.title, arguments: [{ questionId: button.questionId, source: 'chat-button' }] });
          }
          break;
        default: {
          const unreachable: never = step;
          throw new Error(`unhandled chat step ${String(unreachable)}`);
        }
      }
    }
    return { metadata: { questionId } };
  };

  const participant = vscode.chat.createChatParticipant(CHAT_PARTICIPANT_ID, handler);
  participant.iconPath = new vscode.ThemeIcon('pulse');
  participant.onDidReceiveFeedback(
    (feedback) => {
      // Helpful is not the same as correct: only with the user's explicit opt-in.
      if (!deps.settings().mapThumbsToLabels) return;
      const questionId = questionIdOf(feedback.result.metadata);
      if (questionId === null || !deps.journal.state.questions.has(questionId)) return;
      const label = feedback.kind === vscode.ChatResultFeedbackKind.Helpful ? 1 : 0;
      void deps.journal
        .append([{ schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'label-given', id: randomUUID(), time: new Date().toISOString(), questionId, label, source: 'feedback' }])
        .catch((error: unknown) => deps.log(`feedback label not recorded: ${String(error)}`));
    },
    undefined,
    context.subscriptions,
  );
  context.subscriptions.push(participant);
  return participant;
}
