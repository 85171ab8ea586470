/**
 * Switches the extension to the package in a folder: the one step that "Select Model Package…"
 * and "Download a Model…" share.
 */
import * as vscode from 'vscode';
import type { LoadedModel, ModelService } from './modelService';

/** Sets elical.modelPath in the user settings, reopens the model from it and says which one it is. */
export async function useModelPackage(dir: string, models: ModelService): Promise<LoadedModel> {
  // User level: a model path must never come from the workspace without trust.
  await vscode.workspace.getConfiguration('elical').update('modelPath', dir, vscode.ConfigurationTarget.Global);
  await models.close();
  const model = await models.get();
  void vscode.window.showInformationMessage(`EliCal: using ${model.pkg.manifest.name} (${model.scorer.headIds.length} checkpoints).`);
  return model;
}
