/**
 * Palette commands (category "EliCal", package.json "contributes.commands"). Labels, undos and
 * promotions are journal events; nothing else is stored.
 */
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { badgeText, pickBadgeHead } from '../core/chatFlow';
import type { QuestionRecord } from '../core/journal/foldJournal';
import { exportHonestyBenchRecords, formatHonestyBenchJsonl, importHonestyBenchJsonl } from '../core/journal/honestyBenchRecords';
import { JOURNAL_SCHEMA_VERSION, LABEL_SOURCES, type LabelSource } from '../core/journal/journalEvent';
import type { LabelJournal } from './labelJournal';
import type { LoadedModel, ModelService } from './modelService';
import type { PanelProvider } from './panelProvider';
import { resolveOpenaiUrl } from '../node/openaiEndpoint';
import { resolveRemoteEndpoint } from '../node/remote/remoteEndpoint';
import { reportModelError } from './remoteFallback';
import { runElicit } from './elicitCommand';
import { runRetrain } from './retrainCommand';
import { runEvaluate } from './evaluateCommand';
import { runDownloadModel } from './downloadModelCommand';
import { useModelPackage } from './useModelPackage';
import type { RemoteTokenStore } from './remoteTokenStore';
import type { ElicalSettings } from './settings';

export interface CommandDeps {
  models: ModelService;
  journal: LabelJournal;
  panel: PanelProvider;
  settings: () => ElicalSettings;
  log: (line: string) => void;
  onScored: (confidence: number, headId: string, model: LoadedModel) => void;
  tokens: RemoteTokenStore;
}

/** Arguments a chat button or keybinding passes: which question, and where the label came from. */
export function labelArguments(value: unknown): { questionId: string | null; source: LabelSource } {
  if (typeof value !== 'object' || value === null) return { questionId: null, source: 'command' };
  const record = value as Record<string, unknown>;
  const source = typeof record.source === 'string' && (LABEL_SOURCES as readonly string[]).includes(record.source) ? (record.source as LabelSource) : 'command';
  return { questionId: typeof record.questionId === 'string' && record.questionId !== '' ? record.questionId : null, source };
}

/** The newest question whose answer the user saw (what "label last answer" means). */
function lastAnswered(questions: Iterable<QuestionRecord>): QuestionRecord | null {
  let last: QuestionRecord | null = null;
  for (const question of questions) if (question.answer !== null) last = question;
  return last;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const { journal } = deps;
  const fail = (what: string, error: unknown): void => {
    const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
    deps.log(message);
    void reportModelError(message, error, deps.settings().runtime === 'remote');
  };

  const label = async (value: 0 | 1, args: unknown): Promise<void> => {
    const { questionId, source } = labelArguments(args);
    const question = questionId === null ? lastAnswered(journal.state.questions.values()) : (journal.state.questions.get(questionId) ?? null);
    if (question === null) {
      void vscode.window.showWarningMessage(questionId === null ? 'EliCal: no answer to label yet. Ask @confidence a question first.' : 'EliCal: that question is not in the label journal.');
      return;
    }
    await journal.append([{ schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'label-given', id: randomUUID(), time: new Date().toISOString(), questionId: question.id, label: value, source }]);
    vscode.window.setStatusBarMessage(`EliCal: labelled ${value === 1 ? 'right' : 'wrong'}: ${question.question.slice(0, 60)}`, 4000);
  };

  const register = (id: string, run: (...args: unknown[]) => Promise<void> | void): void => {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await run(...args);
        } catch (error) {
          fail(id.replace('elical.', ''), error);
        }
      }),
    );
  };

  register('elical.openPanel', () => deps.panel.show());
  register('elical.labelRight', (args) => label(1, args));
  register('elical.labelWrong', (args) => label(0, args));

  register('elical.undoLabel', async () => {
    const latest = [...journal.state.labels].reverse().find((record) => record.active);
    if (latest === undefined) {
      void vscode.window.showWarningMessage('EliCal: there is no label to undo.');
      return;
    }
    await journal.append([{ schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'label-undone', id: randomUUID(), time: new Date().toISOString(), targetId: latest.eventId }]);
    vscode.window.setStatusBarMessage('EliCal: last label undone', 4000);
  });

  register('elical.scoreQuestion', async () => {
    const editor = vscode.window.activeTextEditor;
    const selected = editor === undefined || editor.selection.isEmpty ? '' : editor.document.getText(editor.selection).trim();
    const question = selected !== '' ? selected : ((await vscode.window.showInputBox({ prompt: 'Question to score', placeHolder: 'What is the capital of Peru?' })) ?? '').trim();
    if (question === '') return;
    const model = await deps.models.get();
    const started = performance.now();
    const score = await model.scorer.score(question);
    const latencyMs = performance.now() - started;
    await journal.append([
      { schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'question-scored', id: randomUUID(), time: new Date().toISOString(), question, model: model.pkg.manifest.name, scores: score.heads, runtime: model.runtime, latencyMs },
    ]);
    const headId = pickBadgeHead(model.scorer.headIds, journal.state.activeHeadId, model.pkg.manifest.defaultHead);
    deps.onScored(score.heads[headId], headId, model);
    const choice = await vscode.window.showInformationMessage(`EliCal: ${badgeText(score.heads[headId], headId, deps.settings().thresholds)} for "${question.slice(0, 80)}"`, 'Open panel');
    if (choice === 'Open panel') deps.panel.show();
  });

  register('elical.selectModelPackage', async () => {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use this model package' });
    if (picked === undefined || picked.length === 0) return;
    await useModelPackage(picked[0].fsPath, deps.models);
  });

  register('elical.downloadModel', () => runDownloadModel({ storageDir: context.globalStorageUri.fsPath, models: deps.models, log: deps.log }));

  register('elical.selectCheckpoint', async () => {
    const model = await deps.models.get();
    const active = pickBadgeHead(model.scorer.headIds, journal.state.activeHeadId, model.pkg.manifest.defaultHead);
    const previous = journal.state.promotions.at(-1)?.previousHeadId ?? null;
    const mark = (id: string): string => (id === active ? ' (active)' : id === previous ? ' (previous: pick to roll back)' : '');
    const packageItems = model.pkg.heads.map(({ entry }) => ({
      label: entry.id,
      description: `package · ${entry.family}, ${entry.budget === null ? 'all labels' : `k=${entry.budget}`}${mark(entry.id)}`,
      detail: entry.trainingData,
    }));
    const userItems = [...model.userHeads].reverse().map(({ id, metadata }) => {
      const trained = journal.state.heads.get(id);
      const auroc = trained?.metricsAfter.auroc;
      return {
        label: id,
        description: `yours · ${metadata.family}, k=${metadata.budget ?? 'all'}${mark(id)}`,
        detail: trained === undefined ? 'retrained head' : `retrained ${trained.time} on ${trained.labelCount} labels${auroc === undefined ? '' : `; cross-validated AUROC ${auroc.toFixed(1)}`}`,
      };
    });
    const picked = await vscode.window.showQuickPick([...packageItems, ...userItems], { placeHolder: 'Checkpoint whose confidence the badge shows (promote, or roll back to an earlier one)' });
    if (picked === undefined || picked.label === active) return;
    await journal.append([{ schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'head-promoted', id: randomUUID(), time: new Date().toISOString(), headId: picked.label, previousHeadId: journal.state.activeHeadId }]);
  });

  register('elical.retrain', () => runRetrain({ models: deps.models, journal, log: deps.log }));
  register('elical.evaluate', (args) => runEvaluate({ models: deps.models, storageDir: context.globalStorageUri.fsPath, log: deps.log }, args));
  register('elical.elicit', (args) => runElicit({ models: deps.models, journal, storageDir: context.globalStorageUri.fsPath, log: deps.log }, args));

  register('elical.exportLabels', async () => {
    const records = exportHonestyBenchRecords(journal.state);
    if (records.length === 0) {
      void vscode.window.showWarningMessage('EliCal: no labelled questions to export yet.');
      return;
    }
    const target = await vscode.window.showSaveDialog({ filters: { 'HonestyBench JSONL': ['jsonl'] }, saveLabel: 'Export labels' });
    if (target === undefined) return;
    await writeFile(target.fsPath, formatHonestyBenchJsonl(records), 'utf8');
    void vscode.window.showInformationMessage(`EliCal: exported ${records.length} labelled questions to ${target.fsPath}.`);
  });

  register('elical.importLabels', async () => {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'HonestyBench JSONL': ['jsonl', 'json'] }, openLabel: 'Import' });
    if (picked === undefined || picked.length === 0) return;
    const text = await readFile(picked[0].fsPath, 'utf8');
    const model = await deps.models.peek();
    const result = importHonestyBenchJsonl(text, {
      model: model?.pkg.manifest.name ?? 'imported',
      time: new Date().toISOString(),
      newId: () => randomUUID(),
      knownQuestionIds: new Set(journal.state.questions.keys()),
    });
    for (const note of result.errors) deps.log(`import ${picked[0].fsPath}:${note.line}: ${note.reason}`);
    for (const note of result.skipped) deps.log(`import ${picked[0].fsPath}:${note.line}: skipped, ${note.reason}`);
    await journal.append(result.events);
    const summary = `EliCal: imported ${result.imported} records; ${result.skipped.length} already present; ${result.errors.length} invalid lines (see the EliCal output).`;
    if (result.errors.length > 0) void vscode.window.showWarningMessage(summary);
    else void vscode.window.showInformationMessage(summary);
  });

  /** The endpoint elical.remoteUrl names now (the token belongs to its origin). */
  const currentEndpoint = () => {
    const settings = deps.settings();
    return resolveRemoteEndpoint({ url: settings.remoteUrl, model: settings.remoteModel, timeoutMs: settings.remoteTimeoutMs }, 'unused');
  };

  register('elical.setRemoteToken', async () => {
    const endpoint = currentEndpoint();
    const token = await vscode.window.showInputBox({
      title: `Bearer token for ${endpoint.origin}`,
      prompt: 'Stored in VS Code\'s secret storage for this endpoint only; never written to settings or logs.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? 'The token must not be empty (use "Clear Remote Endpoint Token" to remove it).' : /\s/.test(value.trim()) ? 'A bearer token has no spaces.' : null),
    });
    if (token === undefined) return;
    await deps.tokens.set(endpoint.tokenKey, token.trim());
    deps.log(`remote token stored for ${endpoint.origin}`);
    await deps.models.close();
    void vscode.window.showInformationMessage(`EliCal: token stored for ${endpoint.origin}.`);
  });

  register('elical.clearRemoteToken', async () => {
    const endpoint = currentEndpoint();
    await deps.tokens.clear(endpoint.tokenKey);
    deps.log(`remote token cleared for ${endpoint.origin}`);
    await deps.models.close();
    void vscode.window.showInformationMessage(`EliCal: token cleared for ${endpoint.origin}.`);
  });

  // The API key of the OpenAI-compatible answer source, per origin of elical.openaiUrl. Read at
  // each answer, so nothing needs reopening when it changes.
  register('elical.setOpenaiKey', async () => {
    const { origin, keyKey } = resolveOpenaiUrl(deps.settings().openaiUrl);
    const key = await vscode.window.showInputBox({
      title: `API key for ${origin}`,
      prompt: 'Stored in VS Code\'s secret storage for this server only; never written to settings, logs or the label journal.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? 'The key must not be empty (use "Clear OpenAI-Compatible API Key" to remove it).' : /\s/.test(value.trim()) ? 'An API key has no spaces.' : null),
    });
    if (key === undefined) return;
    await deps.tokens.set(keyKey, key.trim());
    deps.log(`OpenAI-compatible API key stored for ${origin}`);
    void vscode.window.showInformationMessage(`EliCal: API key stored for ${origin}.`);
  });

  register('elical.clearOpenaiKey', async () => {
    const { origin, keyKey } = resolveOpenaiUrl(deps.settings().openaiUrl);
    await deps.tokens.clear(keyKey);
    deps.log(`OpenAI-compatible API key cleared for ${origin}`);
    void vscode.window.showInformationMessage(`EliCal: API key cleared for ${origin}.`);
  });
}
