/**
 * The model the extension scores with, opened lazily on first use (activation stays fast) and
 * disposed on deactivate or when the model settings change. Opening validates the whole package
 * (modelPackage.ts) and creates the ONNX session, so a broken package fails with the package
 * loader's message before any question is scored.
 */
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { ConfidenceScorer } from '../core/scoring/confidenceScorer';
import type { ScoringRuntime } from '../core/journal/journalEvent';
import { loadModelPackage, type ModelPackage } from '../node/modelPackage';
import { OnnxModelRunner } from '../node/onnxModelRunner';
import type { ElicalSettings } from './settings';

/** Package folder preferred among the bundled ones (issue 5: the demo model, once it ships). */
export const PREFERRED_BUNDLED_PACKAGE = 'demo-facts';

export interface LoadedModel {
  dir: string;
  pkg: ModelPackage;
  runner: OnnxModelRunner;
  scorer: ConfidenceScorer;
  runtime: ScoringRuntime;
}

/** The model package folder the settings name, or the bundled one; a clear error when there is none. */
export function resolveModelDir(settings: ElicalSettings, extensionPath: string): string {
  if (settings.modelPath !== '') {
    if (!isAbsolute(settings.modelPath)) throw new Error(`elical.modelPath must be an absolute folder path, got ${JSON.stringify(settings.modelPath)}`);
    return settings.modelPath;
  }
  const models = join(extensionPath, 'models');
  const packages = existsSync(models)
    ? readdirSync(models, { withFileTypes: true }).filter((entry) => entry.isDirectory() && existsSync(join(models, entry.name, 'manifest.json'))).map((entry) => entry.name).sort()
    : [];
  if (packages.includes(PREFERRED_BUNDLED_PACKAGE)) return join(models, PREFERRED_BUNDLED_PACKAGE);
  if (packages.length === 1) return join(models, packages[0]);
  if (packages.length === 0) {
    throw new Error('No model package: this build of the extension ships none in its models/ folder. Set elical.modelPath to a model package folder (run "EliCal: Select Model Package…"), e.g. one exported with tools/export_onnx.py.');
  }
  throw new Error(`The extension ships several model packages (${packages.join(', ')}); choose one with "EliCal: Select Model Package…".`);
}

export class ModelService implements vscode.Disposable {
  private loading: Promise<LoadedModel> | undefined;
  private readonly changed = new vscode.EventEmitter<LoadedModel | undefined>();
  /** Fires with the model once loaded, and with undefined when it is closed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extensionPath: string,
    private readonly settings: () => ElicalSettings,
    private readonly log: (line: string) => void,
  ) {}

  /** The loaded model, opening it on first use. A failed open is not cached: the next call retries. */
  get(): Promise<LoadedModel> {
    this.loading ??= this.open();
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  /** The model if it is already open (for the status bar); never starts a load. */
  async peek(): Promise<LoadedModel | undefined> {
    if (this.loading === undefined) return undefined;
    try {
      return await this.loading;
    } catch {
      return undefined;
    }
  }

  private async open(): Promise<LoadedModel> {
    const settings = this.settings();
    if (settings.runtime === 'remote') {
      throw new Error('elical.runtime is "remote", but this version has no remote (Open Inference Protocol) client yet; set elical.runtime to "local".');
    }
    const dir = resolveModelDir(settings, this.extensionPath);
    const pkg = await loadModelPackage(dir);
    const runner = new OnnxModelRunner({
      modelFile: pkg.backbonePath,
      architecture: pkg.manifest.architecture,
      backbone: pkg.manifest.backbone,
      padTokenId: pkg.manifest.generation.padTokenId,
      provider: settings.executionProvider,
      log: this.log,
      loraCheckpoints: pkg.loraCheckpoints,
      defaultAdapter: pkg.heads.find(({ entry }) => entry.id === pkg.manifest.defaultHead)?.entry.loraCheckpoint ?? undefined,
    });
    try {
      await runner.load();
    } catch (error) {
      await runner.dispose();
      throw error;
    }
    const scorer = new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, pkg.heads.map(({ entry, head }) => ({ id: entry.id, head, adapter: entry.loraCheckpoint ?? undefined })));
    const runtime: ScoringRuntime = runner.runtime === 'cuda' ? 'cuda' : 'cpu';
    if (runner.providerFallbackReason !== null) this.log(`CUDA was not used: ${runner.providerFallbackReason}`);
    this.log(`model ${pkg.manifest.name} loaded from ${pkg.dir} on ${runner.runtime} (heads: ${scorer.headIds.join(', ')})`);
    const model: LoadedModel = { dir: pkg.dir, pkg, runner, scorer, runtime };
    this.changed.fire(model);
    return model;
  }

  /** Closes the model (settings changed, another package selected); the next use reopens it. */
  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (loading === undefined) return;
    try {
      const model = await loading;
      await model.runner.dispose();
    } catch {
      // It never opened; nothing to free.
    }
    this.changed.fire(undefined);
  }

  dispose(): void {
    void this.close();
    this.changed.dispose();
  }
}
