/**
 * The panel webview: one editor-area panel, reused. It only moves messages: everything the
 * webview sends goes through PanelController.handle (validation included), its events go to the
 * journal, and every journal change (from any window) pushes a fresh snapshot.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { PanelController } from '../core/panelController';
import type { HostMessage } from '../core/protocol';
import type { LabelJournal } from './labelJournal';
import { webviewHtml } from './webviewHtml';

export class PanelProvider implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly controller: PanelController;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly journal: LabelJournal,
    private readonly log: (line: string) => void,
    /** The model package's default head (null when no package is configured or readable). */
    defaultHeadId: () => string | null,
  ) {
    this.controller = new PanelController({ newId: () => randomUUID(), now: () => new Date().toISOString(), log, defaultHeadId });
    this.subscriptions.push(journal.onDidChange((state) => this.post(this.controller.snapshotMessage(state))));
  }

  show(): void {
    if (this.panel !== undefined) {
      this.panel.reveal();
      return;
    }
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('elical.panel', 'EliCal Confidence', vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [media, dist],
      retainContextWhenHidden: false,
    });
    panel.webview.html = webviewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css')).toString(),
    });
    panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw), undefined, this.subscriptions);
    panel.onDidDispose(() => (this.panel = undefined), undefined, this.subscriptions);
    this.panel = panel;
  }

  private async receive(raw: unknown): Promise<void> {
    const outcome = this.controller.handle(raw, this.journal.state);
    for (const reply of outcome.replies) this.post(reply);
    if (outcome.append.length === 0) return;
    try {
      // The journal's change event sends the new snapshot.
      await this.journal.append(outcome.append);
    } catch (error) {
      const reason = `not recorded: ${(error as Error).message}`;
      this.log(reason);
      this.post({ protocolVersion: 1, type: 'error', reason });
    }
  }

  /** Sends a fresh snapshot to an open panel (something outside the journal changed what it shows). */
  refresh(): void {
    if (this.panel !== undefined) this.post(this.controller.snapshotMessage(this.journal.state));
  }

  private post(message: HostMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
