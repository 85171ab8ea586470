/**
 * The model the extension scores with, opened lazily on first use (activation stays fast) and
 * disposed on deactivate or when the model settings change. Opening validates the whole package
 * (modelPackage.ts) and creates the ONNX session, so a broken package fails with the package
 * loader's message before any question is scored.
 *
 * With elical.runtime "remote" the backbone runs on an Open Inference Protocol v2 server; the
 * tokenizer, prompt and heads still come from the local package, so the user's own heads work
 * there too. The server is checked when the model opens. A remote failure is an error, never a
 * silent switch to the local runtime: the caller offers "Use local model" (remoteFallback.ts).
 *
 * The scorer applies the package's heads and the user's retrained heads (UserHeadStore) of the
 * same backbone in one forward pass.
 */
import * as vscode from 'vscode';
import { ConfidenceScorer, type NamedHead } from '../core/scoring/confidenceScorer';
import { Leases } from '../core/scoring/leases';
import type { ScoringRuntime } from '../core/journal/journalEvent';
import type { ModelRunner } from '../core/scoring/modelRunner';
import { loadModelPackage, type ModelPackage } from '../node/modelPackage';
import { resolveModelDir } from '../node/modelLocation';
import { OnnxModelRunner } from '../node/onnxModelRunner';
import { openRemoteRunner } from '../node/remote/openRemoteRunner';
import { type RemoteEndpoint, resolveRemoteEndpoint } from '../node/remote/remoteEndpoint';
import type { UserHead, UserHeadStore } from '../node/userHeadStore';
import type { RemoteTokenStore } from './remoteTokenStore';
import type { ElicalSettings } from './settings';

export interface LoadedModel {
  dir: string;
  pkg: ModelPackage;
  /** The local ONNX runner, or the remote one (which generates only on `elical serve`, not Triton). */
  runner: ModelRunner;
  scorer: ConfidenceScorer;
  runtime: ScoringRuntime;
  /** For the status bar and badge: 'CPU', 'CUDA' or 'remote (origin)'. */
  runtimeLabel: string;
  /** The endpoint when the backbone runs remotely, else null. */
  remote: RemoteEndpoint | null;
  /** The user's retrained heads for this backbone, oldest first (their ids are in the scorer too). */
  userHeads: UserHead[];
}

/** Status bar text for where the backbone runs. */
export function runtimeLabel(runtime: ScoringRuntime, remote: RemoteEndpoint | null): string {
  if (runtime === 'remote') return `remote (${remote?.origin ?? 'unknown endpoint'})`;
  return runtime === 'cuda' ? 'CUDA' : runtime === 'cpu' ? 'CPU' : runtime;
}

export class ModelService implements vscode.Disposable {
  private loading: Promise<LoadedModel> | undefined;
  /** Models held by acquire(): a closed one keeps its runner until its last lease is released. */
  private readonly leases = new Leases<LoadedModel>((model) => model.runner.dispose());
  private readonly changed = new vscode.EventEmitter<LoadedModel | undefined>();
  /** Fires with the model once loaded, and with undefined when it is closed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extensionPath: string,
    private readonly settings: () => ElicalSettings,
    private readonly log: (line: string) => void,
    private readonly tokens: RemoteTokenStore,
    /** Where retrained heads live (global storage/heads). */
    readonly userHeadStore: UserHeadStore,
    /** Shown once per open for plain http to a non-loopback host. */
    private readonly warn: (message: string) => void,
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
    const dir = resolveModelDir(settings.modelPath, this.extensionPath);
    const pkg = await loadModelPackage(dir);
    const { architecture, backbone } = pkg.manifest;
    let runner: ModelRunner;
    let runtime: ScoringRuntime;
    let remote: RemoteEndpoint | null = null;
    if (settings.runtime === 'remote') {
      remote = resolveRemoteEndpoint({ url: settings.remoteUrl, model: settings.remoteModel, timeoutMs: settings.remoteTimeoutMs }, pkg.manifest.name);
      const endpoint = remote;
      const warn = (message: string): void => {
        this.log(`warning: ${message}`);
        this.warn(message);
      };
      runner = await openRemoteRunner({ pkg, endpoint, token: await this.tokens.get(endpoint.tokenKey), warn });
      runtime = 'remote';
    } else {
      const local = new OnnxModelRunner({
        modelFile: pkg.backbonePath,
        architecture,
        backbone,
        padTokenId: pkg.manifest.generation.padTokenId,
        provider: settings.executionProvider,
        log: this.log,
        loraCheckpoints: pkg.loraCheckpoints,
        defaultAdapter: pkg.heads.find(({ entry }) => entry.id === pkg.manifest.defaultHead)?.entry.loraCheckpoint ?? undefined,
      });
      try {
        await local.load();
      } catch (error) {
        await local.dispose();
        throw error;
      }
      if (local.providerFallbackReason !== null) this.log(`CUDA was not used: ${local.providerFallbackReason}`);
      runner = local;
      runtime = local.runtime === 'cuda' ? 'cuda' : 'cpu';
    }
    let userHeads: UserHead[] = [];
    try {
      userHeads = await this.userHeadStore.load(backbone.sha256, architecture.hiddenSize, this.log);
    } catch (error) {
      // Retrained heads are an addition: without them the package's heads still score.
      this.log(`user heads in ${this.userHeadStore.directory} could not be read: ${(error as Error).message}`);
    }
    // User heads sit on the merged backbone, so with shared-base LoRA they use the default adapter.
    const defaultAdapter = pkg.heads.find(({ entry }) => entry.id === pkg.manifest.defaultHead)?.entry.loraCheckpoint ?? undefined;
    const heads: NamedHead[] = [
      ...pkg.heads.map(({ entry, head }) => ({ id: entry.id, head, adapter: entry.loraCheckpoint ?? undefined })),
      ...userHeads.map(({ id, head }) => ({ id, head, adapter: defaultAdapter })),
    ];
    const scorer = new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, heads);
    const label = runtimeLabel(runtime, remote);
    this.log(`model ${pkg.manifest.name} loaded from ${pkg.dir} on ${label} (heads: ${scorer.headIds.join(', ')})`);
    const model: LoadedModel = { dir: pkg.dir, pkg, runner, scorer, runtime, runtimeLabel: label, remote, userHeads };
    this.changed.fire(model);
    return model;
  }

  /** Closes the model (settings changed, another package selected); the next use reopens it. */
  /**
   * The loaded model for a long piece of work (retrain, elicitation, evaluation): until release(),
   * a close() (a settings change, another command's new head) does not free this model's runner;
   * the next get() opens a fresh one, and this one is freed when its last lease is released.
   */
  async acquire(): Promise<{ model: LoadedModel; release: () => Promise<void> }> {
    const model = await this.get();
    return { model, release: this.leases.hold(model) };
  }

  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (loading === undefined) return;
    try {
      const model = await loading;
      await this.leases.retire(model);
    } catch {
      // It never opened; nothing to free.
    }
    this.changed.fire(undefined);
  }

  dispose(): void {
    void this.close().then(() => this.leases.freeRetired());
    this.changed.dispose();
  }
}
