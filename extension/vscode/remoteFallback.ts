/**
 * The error notification for a model that could not be used. When the remote runtime is
 * configured, it offers "Use local model": switching runtimes is the user's choice, never done
 * silently (a silent switch would score on another machine than the user asked for, and would
 * hide a broken endpoint). A 401/403 also offers to set the endpoint token.
 */
import * as vscode from 'vscode';
import { RemoteEndpointError } from '../node/remote/remoteEndpointError';

export const USE_LOCAL_MODEL = 'Use local model';
export const SET_TOKEN = 'Set endpoint token';

/** Sets elical.runtime to "local" at every level where "remote" is set, so the change takes effect. */
export async function switchToLocalRuntime(): Promise<void> {
  const config = vscode.workspace.getConfiguration('elical');
  const inspected = config.inspect<string>('runtime');
  const targets: [unknown, vscode.ConfigurationTarget][] = [
    [inspected?.workspaceFolderValue, vscode.ConfigurationTarget.WorkspaceFolder],
    [inspected?.workspaceValue, vscode.ConfigurationTarget.Workspace],
    [inspected?.globalValue, vscode.ConfigurationTarget.Global],
  ];
  let changed = false;
  for (const [value, target] of targets) {
    if (value !== 'remote') continue;
    await config.update('runtime', 'local', target);
    changed = true;
  }
  if (!changed) await config.update('runtime', 'local', vscode.ConfigurationTarget.Global);
}

/**
 * Shows `message` as an error; with the remote runtime configured, adds the fallback choice.
 * Resolves once the user has chosen (or dismissed), after acting on the choice.
 */
export async function reportModelError(message: string, error: unknown, remoteConfigured: boolean): Promise<void> {
  const actions: string[] = [];
  if (remoteConfigured) actions.push(USE_LOCAL_MODEL);
  if (error instanceof RemoteEndpointError && error.code === 'unauthorized') actions.push(SET_TOKEN);
  const choice = await vscode.window.showErrorMessage(`EliCal: ${message}`, ...actions);
  if (choice === USE_LOCAL_MODEL) {
    await switchToLocalRuntime();
    void vscode.window.showInformationMessage('EliCal: now using the local model (elical.runtime = "local"). Set it back to "remote" to use the endpoint again.');
  } else if (choice === SET_TOKEN) {
    await vscode.commands.executeCommand('elical.setRemoteToken');
  }
}
