/**
 * "EliCal: Elicit from Self-Consistency…": an Eli-Only head for the user's own kind of question,
 * without labels (core/elicitation/elicitEliOnlyHead.ts): the model answers the user's past
 * questions (or a questions file) greedily and by sampling, Cons-Sem becomes the target, and the
 * new head is written to global storage beside the retrained ones. A later retrain continues it
 * as EliCal when the package has no Eli-Only head of its own. When the user has labels, both the
 * active checkpoint and the new head are measured on them (the new head never saw them), so the
 * calibration history shows whether elicitation helped.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { pickBadgeHead } from '../core/chatFlow';
import { DEFAULT_JUDGE } from '../core/elicitation/answerJudge';
import { elicitEliOnlyHead, distinctQuestions, MIN_ELICIT_QUESTIONS, MIN_ELICIT_SAMPLES, type ElicitResult } from '../core/elicitation/elicitEliOnlyHead';
import { judgeByName } from '../core/elicitation/judgeByName';
import { AnsweringAborted } from '../core/elicitation/sampleAnswers';
import { JOURNAL_SCHEMA_VERSION, type JournalEvent } from '../core/journal/journalEvent';
import { checkpointMetrics, flattenCheckpointMetrics } from '../core/metrics/checkpointMetrics';
import { MIN_RETRAIN_LABELS, RETRAIN_BOOTSTRAP_RESAMPLES } from '../core/retrain/retrainCalibration';
import { questionFeatures } from '../core/scoring/questionFeatures';
import { parseQuestionLines } from '../node/cli/generateCommand';
import { userHeadId } from '../node/userHeadStore';
import { writeFileAtomic } from '../node/writeFileAtomic';
import type { LabelJournal } from './labelJournal';
import type { LoadedModel, ModelService } from './modelService';

export interface ElicitDeps {
  models: ModelService;
  journal: LabelJournal;
  /** Global storage folder: the records of each elicitation are kept in `elicitation/`. */
  storageDir: string;
  log: (line: string) => void;
}

/** Samples per question offered, the paper's 20 first. */
const SAMPLE_CHOICES = [
  { label: '20 samples', description: "the paper's setting", samples: 20 },
  { label: '10 samples', description: 'half the time; coarser targets (steps of 0.1)', samples: 10 },
  { label: '5 samples', description: 'quick look; targets in steps of 0.2', samples: 5 },
];

/** The questions to elicit from, or null when the user backed out (or was told why not). */
async function pickQuestions(journal: LabelJournal): Promise<{ questions: string[]; from: string } | null> {
  const past = distinctQuestions([...journal.state.questions.values()].map((question) => question.question));
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Your past questions', description: `${past.length} distinct questions in the label journal`, id: 'journal' as const },
      { label: 'Questions from a file…', description: 'JSONL, one {"question": ...} per line (HonestyBench files work)', id: 'file' as const },
    ],
    { title: 'EliCal: elicit from self-consistency (1/2)', placeHolder: 'Which questions should the model answer? (no labels needed)' },
  );
  if (picked === undefined) return null;
  if (picked.id === 'journal') return { questions: past, from: 'your past questions' };
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Questions (JSONL)': ['jsonl', 'json'] }, openLabel: 'Elicit from these questions' });
  if (files === undefined || files.length === 0) return null;
  return questionsFromFile(files[0].fsPath);
}

/** Metrics of `predict` on the labelled questions, or null when there are too few labels to mean anything. */
async function metricsOnLabels(model: LoadedModel, journal: LabelJournal, heads: { id: string; predict: (features: Float32Array, n: number) => Float32Array }[], cache: Map<string, Float32Array>, signal: AbortSignal): Promise<Map<string, Record<string, number>> | null> {
  const labelled = [...journal.state.questions.values()].filter((question) => question.label !== null);
  if (labelled.length < MIN_RETRAIN_LABELS) return null;
  const features = await questionFeatures(model.runner, labelled.map((question) => question.question), { promptIds: (question) => model.scorer.buildPrompt(question).tokenIds, signal, cache });
  const labels = labelled.map((question) => (question.label as NonNullable<typeof question.label>).label);
  const result = new Map<string, Record<string, number>>();
  for (const head of heads) {
    result.set(head.id, flattenCheckpointMetrics(checkpointMetrics(head.predict(features, labelled.length), labels, { resamples: RETRAIN_BOOTSTRAP_RESAMPLES })));
  }
  return result;
}

/**
 * Arguments for running the command from a keybinding, task or test without the pickers:
 * `{ questionsFile?: string, samples?: number }`; anything else is ignored and the pickers ask.
 */
export function elicitArguments(value: unknown): { questionsFile: string | null; samples: number | null } {
  if (typeof value !== 'object' || value === null) return { questionsFile: null, samples: null };
  const record = value as Record<string, unknown>;
  const samples = record.samples;
  return {
    questionsFile: typeof record.questionsFile === 'string' && record.questionsFile !== '' ? record.questionsFile : null,
    samples: typeof samples === 'number' && Number.isInteger(samples) && samples >= MIN_ELICIT_SAMPLES && samples <= 100 ? samples : null,
  };
}

async function questionsFromFile(path: string): Promise<{ questions: string[]; from: string }> {
  // A malformed line stops here with its line number, before any model work.
  const questions = parseQuestionLines(await readFile(path, 'utf8'), path).map((item) => item.question);
  return { questions: distinctQuestions(questions), from: path };
}

export async function runElicit(deps: ElicitDeps, args?: unknown): Promise<void> {
  const { journal, log } = deps;
  const given = elicitArguments(args);
  const chosen = given.questionsFile !== null ? await questionsFromFile(given.questionsFile) : await pickQuestions(journal);
  if (chosen === null) return;
  if (chosen.questions.length < MIN_ELICIT_QUESTIONS) {
    void vscode.window.showWarningMessage(`EliCal: elicitation needs at least ${MIN_ELICIT_QUESTIONS} distinct questions; ${chosen.from} has ${chosen.questions.length}. Ask @confidence more questions, or pick a questions file.`);
    return;
  }
  const samplesPick = given.samples !== null ? { samples: given.samples } : await vscode.window.showQuickPick(SAMPLE_CHOICES, { title: 'EliCal: elicit from self-consistency (2/2)', placeHolder: `Sampled answers per question, for ${chosen.questions.length} questions` });
  if (samplesPick === undefined) return;
  // Held until the work is done: a close() meanwhile (settings, another command) must not free
  // the runner this command is still using (ModelService.acquire).
  const lease = await deps.models.acquire();
  const { model } = lease;
  try {
    const backbone = model.pkg.manifest.backbone.sha256;
    const featureCache = new Map<string, Float32Array>();
    const started = performance.now();

    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `EliCal: eliciting from ${chosen.questions.length} questions x ${samplesPick.samples} samples`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const subscription = token.onCancellationRequested(() => abort.abort());
        // Answering is nearly all of the time; features, training and the label check share the rest.
        const shares = { answering: [0, 0.9], features: [0.9, 0.93], training: [0.93, 0.97] } as const;
        let reported = 0;
        const advance = (fraction: number, message: string): void => {
          progress.report({ increment: Math.max(0, fraction * 100 - reported), message });
          reported = Math.max(reported, fraction * 100);
        };
        try {
          const result: ElicitResult = await elicitEliOnlyHead({
            model: { runner: model.runner, tokenizer: model.pkg.tokenizer, prompt: model.pkg.manifest.prompt, eosTokenIds: model.pkg.manifest.generation.eosTokenIds },
            questions: chosen.questions,
            samples: samplesPick.samples,
            firstSeed: 0,
            maxNewTokens: model.pkg.manifest.generation.maxNewTokens,
            judge: judgeByName(DEFAULT_JUDGE),
            judgeName: DEFAULT_JUDGE,
            kind: 'linear',
            seed: 42,
            featureCache,
            signal: abort.signal,
            onProgress: (phase, done, total) => {
              const [from, to] = shares[phase];
              advance(from + ((to - from) * done) / total, `${phase} ${done}/${total}`);
            },
          });
          advance(0.97, 'measuring on your labels');
          const active = pickBadgeHead(model.scorer.headIds, journal.state.activeHeadId, model.pkg.manifest.defaultHead);
          const activeHead = [...model.pkg.heads.map(({ entry, head }) => ({ id: entry.id, head })), ...model.userHeads.map(({ id, head }) => ({ id, head }))].find(({ id }) => id === active);
          const measured = await metricsOnLabels(
            model,
            journal,
            [
              { id: 'new', predict: (features, n) => result.head.predict(features, n) },
              ...(activeHead === undefined ? [] : [{ id: active, predict: (features: Float32Array, n: number) => activeHead.head.predict(features, n) }]),
            ],
            featureCache,
            abort.signal,
          );
          return { result, active, measured };
        } catch (error) {
          if (abort.signal.aborted || error instanceof AnsweringAborted) return null;
          throw error;
        } finally {
          subscription.dispose();
        }
      },
    );
    if (outcome === null) {
      void vscode.window.showInformationMessage('EliCal: elicitation cancelled; nothing was written.');
      return;
    }
    const { result, active, measured } = outcome;
    const seconds = (performance.now() - started) / 1000;
    const now = new Date();
    const id = userHeadId(now, 'eli-only');
    const path = await deps.models.userHeadStore.write(id, result.head, result.metadata, backbone);
    // The answers behind the head, kept so the user can inspect or reuse them (elical train / eval).
    const recordsDir = join(deps.storageDir, 'elicitation');
    await mkdir(recordsDir, { recursive: true });
    const recordsPath = join(recordsDir, `${id}.jsonl`);
    await writeFileAtomic(recordsPath, result.records.map((record) => JSON.stringify(record)).join('\n') + '\n');
    log(`elicit: wrote ${path} and ${recordsPath} (${result.questions.length} questions x ${samplesPick.samples} samples from ${chosen.from}, mean Cons-Sem ${result.meanConsistency.toFixed(3)}, ${seconds.toFixed(1)} s)`);
    const event: JournalEvent = {
      schemaVersion: JOURNAL_SCHEMA_VERSION,
      type: 'head-trained',
      id: randomUUID(),
      time: now.toISOString(),
      headId: id,
      family: 'eli-only',
      budget: null,
      labelCount: 0,
      metricsBefore: measured?.get(active) ?? null,
      metricsAfter: measured?.get('new') ?? {},
    };
    await journal.append([event]);
    await deps.models.close();
    const after = measured?.get('new')?.auroc;
    const before = measured?.get(active)?.auroc;
    const comparison =
      after === undefined
        ? `Label at least ${MIN_RETRAIN_LABELS} answers to see how it ranks them.`
        : `On your ${[...journal.state.questions.values()].filter((question) => question.label !== null).length} labels: AUROC ${after.toFixed(1)} (active ${active}: ${before === undefined ? 'n/a' : before.toFixed(1)}).`;
    const choice = await vscode.window.showInformationMessage(
      `EliCal: Eli-Only head ${id} elicited from ${result.questions.length} questions in ${seconds.toFixed(0)} s (mean self-consistency ${(100 * result.meanConsistency).toFixed(0)}%). ${comparison}`,
      'Promote it',
    );
    if (choice !== 'Promote it') return;
    await journal.append([{ schemaVersion: JOURNAL_SCHEMA_VERSION, type: 'head-promoted', id: randomUUID(), time: new Date().toISOString(), headId: id, previousHeadId: journal.state.activeHeadId }]);
    void vscode.window.showInformationMessage(`EliCal: ${id} is now the active checkpoint ("EliCal: Select Active Checkpoint…" rolls back).`);
  } finally {
    await lease.release();
  }
}
