/**
 * "EliCal: Download a Model…": asks for the URL of a package's manifest.json, downloads the
 * package (extension/node/download/) into global storage as models/NAME, with a cancellable
 * notification showing bytes and the current file, then offers to use it. A cancelled or failed
 * download keeps its verified files, and running the command again with the same URL resumes.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { downloadPercent, downloadProgressText, type DownloadProgress } from '../core/download/downloadProgress';
import { packageFolderName } from '../core/download/packageFolderName';
import { downloadModelPackage, type DownloadResult } from '../node/download/downloadModelPackage';
import { fetchRemoteManifest } from '../node/download/fetchRemoteManifest';
import { ModelDownloadError } from '../node/download/modelDownloadError';
import { parseDownloadUrl } from '../node/download/parseDownloadUrl';
import type { ModelService } from './modelService';
import { useModelPackage } from './useModelPackage';

export interface DownloadModelDeps {
  /** The extension's global storage folder; packages go to its models/ folder. */
  storageDir: string;
  models: ModelService;
  log: (line: string) => void;
}

const USE = 'Use this model';
const REPLACE = 'Download again and replace';
const KEEP = 'Use the downloaded one';

/** Null when the input box may accept `value`, else why not. */
function checkUrl(value: string): string | null {
  if (value.trim() === '') return null;
  try {
    parseDownloadUrl(value);
    return null;
  } catch (error) {
    return error instanceof ModelDownloadError ? error.message : String(error);
  }
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Turns the downloader's frequent reports into a few notification updates (VS Code adds up increments). */
function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>): (event: DownloadProgress) => void {
  let shownPercent = 0;
  let lastTime = 0;
  return (event) => {
    const percent = downloadPercent(event) ?? 0;
    const now = Date.now();
    if (percent <= shownPercent && now - lastTime < 250) return;
    // A part that restarts from zero cannot move the bar back; it catches up when bytes pass it.
    const increment = Math.max(0, percent - shownPercent);
    shownPercent += increment;
    lastTime = now;
    progress.report({ message: downloadProgressText(event), increment });
  };
}

type Outcome = { kind: 'done'; result: DownloadResult } | { kind: 'existing'; dir: string; name: string } | { kind: 'stopped' };

async function download(url: string, deps: DownloadModelDeps): Promise<Outcome> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'EliCal: downloading a model', cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    try {
      progress.report({ message: 'reading manifest.json' });
      const remote = await fetchRemoteManifest(url, {
        signal: controller.signal,
        warn: (warning) => {
          deps.log(`download: warning: ${warning}`);
          void vscode.window.showWarningMessage(`EliCal: ${warning}`);
        },
      });
      const dir = join(deps.storageDir, 'models', packageFolderName(remote.manifest.name));
      let force = false;
      if (await exists(dir)) {
        const choice = await vscode.window.showWarningMessage(`EliCal: ${remote.manifest.name} is already downloaded (${dir}).`, { modal: true }, KEEP, REPLACE);
        if (choice === undefined) return { kind: 'stopped' };
        if (choice === KEEP) return { kind: 'existing', dir, name: remote.manifest.name };
        force = true;
        // The open model may be this very folder; the next question reopens whichever is selected.
        await deps.models.close();
      }
      deps.log(`download: ${remote.manifest.name} (${remote.files.length} files) from ${remote.baseUrl.href} to ${dir}`);
      const result = await downloadModelPackage(remote, dir, { signal: controller.signal, force, onProgress: progressReporter(progress) });
      deps.log(`download: ${result.manifest.name} complete in ${result.dir} (${result.bytes} bytes, ${result.bytesReceived} received this time)`);
      return { kind: 'done', result };
    } finally {
      cancel.dispose();
    }
  });
}

export async function runDownloadModel(deps: DownloadModelDeps): Promise<void> {
  const url = await vscode.window.showInputBox({
    title: 'Download a Model Package',
    prompt: "URL of the package's manifest.json (or of its folder, ending in /); the files listed in it are fetched from beside it and checked against their sha256.",
    placeHolder: 'https://example.com/models/demo/manifest.json',
    ignoreFocusOut: true,
    validateInput: checkUrl,
  });
  if (url === undefined || url.trim() === '') return;
  let outcome: Outcome;
  try {
    outcome = await download(url, deps);
  } catch (error) {
    if (!(error instanceof ModelDownloadError)) throw error;
    deps.log(`download failed (${error.code}): ${error.message}`);
    if (error.code === 'aborted') {
      void vscode.window.showInformationMessage('EliCal: download cancelled. The files so far are kept: run "Download a Model…" again with the same URL to resume.');
    } else {
      void vscode.window.showErrorMessage(`EliCal: the download failed: ${error.message}`);
    }
    return;
  }
  if (outcome.kind === 'stopped') return;
  const dir = outcome.kind === 'done' ? outcome.result.dir : outcome.dir;
  const name = outcome.kind === 'done' ? outcome.result.manifest.name : outcome.name;
  const choice = await vscode.window.showInformationMessage(`EliCal: ${name} is ready in ${dir}.`, USE);
  if (choice === USE) await useModelPackage(dir, deps.models);
}
