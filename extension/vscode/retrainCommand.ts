/**
 * "EliCal: Retrain Calibration": features of the labelled questions from the model (batched,
 * cancellable), then EliCal and Cal-Only retrained and cross-validated on the same labels
 * (core/retrain/retrainCalibration.ts), heads written as new versioned files, one head-trained
 * journal event per head, and the choice to promote one. Everything that decides something is in
 * the core module; this file only moves data between VS Code, the model and the journal.
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { pickBadgeHead } from '../core/chatFlow';
import type { HeadMetadata } from '../core/heads/headMetadata';
import { JOURNAL_SCHEMA_VERSION, type JournalEvent } from '../core/journal/journalEvent';
import { flattenCheckpointMetrics } from '../core/metrics/checkpointMetrics';
import { MIN_RETRAIN_LABELS, retrainCalibration, type RetrainResult } from '../core/retrain/retrainCalibration';
import { questionFeatures } from '../core/scoring/questionFeatures';
import type { TrainableHead } from '../core/training/batchGradient';
import { userHeadId } from '../node/userHeadStore';
import type { LabelJournal } from './labelJournal';
import type { ModelService } from './modelService';

export interface RetrainDeps {
  models: ModelService;
  journal: LabelJournal;
  log: (line: string) => void;
}

const CAL_ONLY_ONLY = 'Train Cal-Only only';

/** Features by backbone and question text: a second retrain on the same model skips the forward passes. */
const featureCaches = new Map<string, Map<string, Float32Array>>();

export async function runRetrain(deps: RetrainDeps): Promise<void> {
  const { journal, log } = deps;
  // Held until the work is done: a close() meanwhile (settings, another command) must not free
  // the runner this command is still using (ModelService.acquire).
  const lease = await deps.models.acquire();
  const { model } = lease;
  try {
    const labelled = [...journal.state.questions.values()].filter((question) => question.label !== null);
    if (labelled.length < MIN_RETRAIN_LABELS) {
      void vscode.window.showWarningMessage(`EliCal: a retrain needs at least ${MIN_RETRAIN_LABELS} labelled questions; you have ${labelled.length}. Label answers with the Right / Wrong buttons first.`);
      return;
    }
    // EliCal continues an Eli-Only head: the package's (or, failing that, one the user elicited).
    const packaged = model.pkg.heads.find(({ entry }) => entry.family === 'eli-only');
    const elicited = [...model.userHeads].reverse().find((head) => head.metadata.family === 'eli-only');
    const eliOnly: { id: string; head: TrainableHead } | null = packaged !== undefined ? { id: packaged.entry.id, head: packaged.head } : elicited !== undefined ? { id: elicited.id, head: elicited.head } : null;
    if (eliOnly === null) {
      const choice = await vscode.window.showWarningMessage(
        `EliCal: ${model.pkg.manifest.name} has no Eli-Only head, so EliCal (which continues one) cannot be trained. Cal-Only can: it learns from your ${labelled.length} labels alone.`,
        { modal: true },
        CAL_ONLY_ONLY,
      );
      if (choice !== CAL_ONLY_ONLY) return;
    }
    const labels = labelled.map((question) => (question.label as NonNullable<typeof question.label>).label);
    const activeBefore = pickBadgeHead(model.scorer.headIds, journal.state.activeHeadId, model.pkg.manifest.defaultHead);
    const existingHeads = [
      ...model.pkg.heads.map(({ entry, head }) => ({ id: entry.id, head })),
      ...model.userHeads.map(({ id, head }) => ({ id, head })),
    ].filter(({ id }) => id === activeBefore);
    const backbone = model.pkg.manifest.backbone.sha256;
    const cache = featureCaches.get(backbone) ?? new Map<string, Float32Array>();
    featureCaches.set(backbone, cache);

    const started = performance.now();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'EliCal: retraining calibration', cancellable: true },
      async (progress, token): Promise<RetrainResult | null> => {
        const abort = new AbortController();
        const subscription = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        const advance = (fraction: number, message: string): void => {
          progress.report({ increment: Math.max(0, fraction * 100 - reported), message });
          reported = Math.max(reported, fraction * 100);
        };
        try {
          const features = await questionFeatures(model.runner, labelled.map((question) => question.question), {
            promptIds: (question) => model.scorer.buildPrompt(question).tokenIds,
            signal: abort.signal,
            cache,
            onProgress: (done, total) => advance((0.5 * done) / total, `features ${done}/${total}`),
          });
          return await retrainCalibration({
            features,
            hiddenSize: model.runner.hiddenSize,
            labels,
            elicitationHead: eliOnly?.head ?? null,
            existingHeads,
            signal: abort.signal,
            onProgress: (step) => advance(0.5 + (0.5 * step.done) / step.total, `${step.family} ${step.fold === null ? 'on all labels' : `fold ${step.fold + 1}`} (${step.done}/${step.total})`),
          });
        } catch (error) {
          if (abort.signal.aborted) return null;
          throw error;
        } finally {
          subscription.dispose();
        }
      },
    );
    if (result === null) {
      void vscode.window.showInformationMessage('EliCal: retrain cancelled; nothing was written.');
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    const now = new Date();
    const before = result.existing.find(({ id }) => id === activeBefore);
    const metricsBefore = before === undefined ? null : flattenCheckpointMetrics(before.metrics);
    const events: JournalEvent[] = [];
    const written: { family: string; id: string; auroc: string }[] = [];
    for (const family of result.families) {
      const id = userHeadId(now, family.family);
      const metadata: HeadMetadata = { family: family.family, kind: family.head.kind, budget: result.labelCount, target: 'correctness', seed: 42, training: family.summary };
      const path = await deps.models.userHeadStore.write(id, family.head, metadata, backbone);
      log(`retrain: wrote ${path}`);
      events.push({
        schemaVersion: JOURNAL_SCHEMA_VERSION,
        type: 'head-trained',
        id: randomUUID(),
        time: now.toISOString(),
        headId: id,
        family: family.family,
        budget: result.labelCount,
        labelCount: result.labelCount,
        metricsBefore,
        metricsAfter: flattenCheckpointMetrics(family.crossValidated),
      });
      const auroc = family.crossValidated.auroc;
      written.push({ family: family.family, id, auroc: auroc === null ? 'n/a' : `${auroc.value.toFixed(1)} [${auroc.lower.toFixed(1)}, ${auroc.upper.toFixed(1)}]` });
    }
    await journal.append(events);
    // The next use reloads the model with the new heads beside the old ones.
    await deps.models.close();
    const summary = written.map(({ family, auroc }) => `${family === 'elical' ? 'EliCal' : 'Cal-Only'} AUROC ${auroc}`).join('; ');
    log(`retrain on ${result.labelCount} labels (${result.folds.length}-fold CV) in ${seconds.toFixed(2)} s: ${summary}`);
    const choices = written.map(({ family }) => (family === 'elical' ? 'Promote EliCal' : 'Promote Cal-Only'));
    const choice = await vscode.window.showInformationMessage(
      `EliCal: retrained on ${result.labelCount} labels in ${seconds.toFixed(1)} s (${result.folds.length}-fold cross-validation): ${summary}. Active: ${activeBefore}.`,
      ...choices,
    );
    const promoted = written.find(({ family }) => choice === (family === 'elical' ? 'Promote EliCal' : 'Promote Cal-Only'));
    if (promoted === undefined) return;
    await journal.append([{ schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'head-promoted', id: randomUUID(), time: new Date().toISOString(), headId: promoted.id, previousHeadId: journal.state.activeHeadId }]);
    void vscode.window.showInformationMessage(`EliCal: ${promoted.id} is now the active checkpoint ("EliCal: Select Active Checkpoint…" rolls back).`);
  } finally {
    await lease.release();
  }
}
