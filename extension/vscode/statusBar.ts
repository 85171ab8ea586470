/**
 * Status bar item: active model, runtime and the last confidence; a click opens the panel.
 */
import * as vscode from 'vscode';
import { badgeText, type BandThresholds } from '../core/chatFlow';

export class ConfidenceStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private model = 'no model loaded';
  private runtime = '';
  private last: string | null = null;

  constructor() {
    this.item = vscode.window.createStatusBarItem('elical.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'EliCal Confidence';
    this.item.command = 'elical.openPanel';
    this.render();
    this.item.show();
  }

  setModel(name: string | null, runtime: string): void {
    this.model = name ?? 'no model loaded';
    this.runtime = runtime;
    this.render();
  }

  setLastConfidence(confidence: number, headId: string, thresholds: BandThresholds): void {
    this.last = badgeText(confidence, headId, thresholds);
    this.render();
  }

  private render(): void {
    const runtime = this.runtime === '' ? '' : ` (${this.runtime})`;
    // Where the backbone runs is part of the text: a remote endpoint must never be a surprise.
    const where = this.runtime === '' ? '' : ` · ${this.runtime.startsWith('remote') ? 'remote' : this.runtime}`;
    this.item.text = `$(pulse) ${this.last === null ? 'EliCal' : this.last.split(' (')[0]}${where}`;
    this.item.tooltip = `EliCal Confidence\nModel: ${this.model}${runtime}\nLast confidence: ${this.last ?? 'none yet'}\nClick to open the panel.`;
    this.item.accessibilityInformation = { label: `EliCal Confidence. Model ${this.model}${runtime}. Last confidence ${this.last ?? 'none yet'}.` };
  }

  dispose(): void {
    this.item.dispose();
  }
}
