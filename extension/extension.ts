/**
 * Activation: composes the services and registers the surfaces; nothing else. The model is
 * opened lazily on first use (ModelService), so activation reads no model file.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { registerChatParticipant } from './vscode/chatParticipant';
import { registerCommands } from './vscode/commands';
import { LabelJournal } from './vscode/labelJournal';
import { type LoadedModel, ModelService } from './vscode/modelService';
import { registerPackageChatModel } from './vscode/packageChatModel';
import { PanelProvider } from './vscode/panelProvider';
import { readConfiguredDefaultHead } from './node/modelLocation';
import { RemoteTokenStore } from './vscode/remoteTokenStore';
import { UserHeadStore } from './node/userHeadStore';
import { readSettings } from './vscode/settings';
import { ConfidenceStatusBar } from './vscode/statusBar';

let closeModel: (() => Promise<void>) | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('EliCal Confidence', { log: true });
  context.subscriptions.push(output);
  const log = (line: string): void => output.info(line);
  const settings = () => {
    const read = readSettings();
    for (const problem of read.problems) output.warn(problem);
    return read.settings;
  };

  await vscode.workspace.fs.createDirectory(context.globalStorageUri);
  const journal = await LabelJournal.open(context.globalStorageUri.fsPath, log);
  context.subscriptions.push(journal);
  const tokens = new RemoteTokenStore(context.secrets);
  const userHeads = new UserHeadStore(join(context.globalStorageUri.fsPath, 'heads'));
  const models = new ModelService(context.extensionPath, settings, log, tokens, userHeads, (warning) => void vscode.window.showWarningMessage(`EliCal: ${warning}`));
  context.subscriptions.push(models);
  closeModel = () => models.close();
  // The panel's badge follows the package's default head until the user promotes another: the
  // open model's, or while none is open (before the first question, after a close) the one the
  // configured package's manifest names. Only the latest lookup counts.
  let defaultHead: string | null = null;
  const panel = new PanelProvider(context.extensionUri, journal, log, () => defaultHead);
  context.subscriptions.push(panel);
  let lookup = 0;
  const followDefaultHead = async (model: LoadedModel | undefined): Promise<void> => {
    const mine = ++lookup;
    const next = model !== undefined ? model.pkg.manifest.defaultHead : await readConfiguredDefaultHead(settings().modelPath, context.extensionPath);
    if (mine !== lookup || next === defaultHead) return;
    defaultHead = next;
    panel.refresh();
  };
  void followDefaultHead(undefined);
  context.subscriptions.push(models.onDidChange((model) => void followDefaultHead(model)));
  const statusBar = new ConfidenceStatusBar();
  context.subscriptions.push(statusBar);

  context.subscriptions.push(models.onDidChange((model) => statusBar.setModel(model?.pkg.manifest.name ?? null, model?.runtimeLabel ?? '')));
  const onScored = (confidence: number, headId: string, _model: LoadedModel): void => statusBar.setLastConfidence(confidence, headId, settings().thresholds);

  registerChatParticipant(context, { models, journal, settings, log, onScored, tokens });
  context.subscriptions.push(registerPackageChatModel({ models, settings, extensionPath: context.extensionPath, log }));
  registerCommands(context, { models, journal, panel, settings, log, onScored, tokens });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      // A different package or provider needs a fresh session; the next question reopens it.
      if (['elical.modelPath', 'elical.executionProvider', 'elical.runtime', 'elical.remoteUrl', 'elical.remoteModel', 'elical.remoteTimeoutMs'].some((key) => event.affectsConfiguration(key))) void models.close();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void models.close()),
  );
}

/** Frees the ONNX session before the host exits (VS Code waits for the returned promise); the rest is in context.subscriptions. */
export function deactivate(): Promise<void> | undefined {
  return closeModel?.();
}
