/**
 * Elicitation without labels (elical.md, "Three checkpoint families", Eli-Only): answer each
 * question greedily and m times by sampling, take Cons-Sem (the share of samples that agree with
 * the greedy answer) as the target, and fit a fresh head from the last-prompt-token feature to it.
 * The extension runs this on the user's own past questions, `elical elicit` on a questions file;
 * both get an Eli-Only head for their own kind of question, which a later retrain continues as
 * EliCal.
 */
import type { BenchRecord } from '../evaluation/benchRecord';
import { trainFamilyHead, type FamilyHead } from '../evaluation/trainFamilyHead';
import type { HeadKind } from '../heads/headMetadata';
import { buildPrompt } from '../prompts/promptWrapper';
import { questionFeatures } from '../scoring/questionFeatures';
import type { AnswerJudge, JudgeName } from './answerJudge';
import { consSem } from './consSem';
import { sampleAnswers, type AnsweringModel } from './sampleAnswers';

/** Fewest distinct questions an elicitation accepts: below this the 10 % validation share is empty or a single question. */
export const MIN_ELICIT_QUESTIONS = 20;

/** Fewest samples per question: with one sample Cons-Sem is only 0 or 1. */
export const MIN_ELICIT_SAMPLES = 2;

export interface ElicitRequest {
  model: AnsweringModel;
  /** Questions to answer; repeated texts are answered once (first occurrence kept, order kept). */
  questions: readonly string[];
  /** Samples per question, >= MIN_ELICIT_SAMPLES (the paper uses 20). */
  samples: number;
  /** Sample j of question i (0-based, after removing repeats) uses seed firstSeed + i * samples + j, as `elical generate` does. */
  firstSeed: number;
  maxNewTokens: number;
  judge: AnswerJudge;
  judgeName: JudgeName;
  kind: HeadKind;
  /** Validation split, initialisation and batch order of the head. */
  seed: number;
  /** Features already computed on this backbone, by question text; filled with new ones. */
  featureCache?: Map<string, Float32Array>;
  signal?: AbortSignal;
  /** Phase, items done, items in the phase. */
  onProgress?: (phase: 'answering' | 'features' | 'training', done: number, total: number) => void;
}

export interface ElicitResult extends FamilyHead {
  /** The distinct questions, in the order answered. */
  questions: string[];
  /** One HonestyBench record per question (no gold answers, so no correctness fields). */
  records: Record<string, unknown>[];
  /** Mean Cons-Sem over the questions, in [0, 1]. */
  meanConsistency: number;
}

/** The distinct non-blank questions, trimmed, in first-seen order. */
export function distinctQuestions(questions: readonly string[]): string[] {
  return [...new Set(questions.map((question) => question.trim()).filter((question) => question !== ''))];
}

/**
 * Runs the elicitation. Errors: RangeError when fewer than MIN_ELICIT_QUESTIONS distinct
 * questions or fewer than MIN_ELICIT_SAMPLES samples are asked for (before any model call);
 * AnsweringAborted or the signal's reason when cancelled; the runner's and trainer's errors.
 */
export async function elicitEliOnlyHead(request: ElicitRequest): Promise<ElicitResult> {
  const questions = distinctQuestions(request.questions);
  if (questions.length < MIN_ELICIT_QUESTIONS) throw new RangeError(`elicitation needs at least ${MIN_ELICIT_QUESTIONS} distinct questions; got ${questions.length}`);
  if (!Number.isInteger(request.samples) || request.samples < MIN_ELICIT_SAMPLES) throw new RangeError(`elicitation needs at least ${MIN_ELICIT_SAMPLES} samples per question; got ${request.samples}`);
  const { model, signal } = request;
  const records: Record<string, unknown>[] = [];
  const benchRecords: BenchRecord[] = [];
  const prompts = new Map<string, readonly number[]>();
  let consistencySum = 0;
  for (const [index, question] of questions.entries()) {
    const answers = await sampleAnswers(model, question, {
      samples: request.samples,
      firstSeed: request.firstSeed + index * request.samples,
      maxNewTokens: request.maxNewTokens,
      judge: request.judge,
      signal,
    });
    prompts.set(question, answers.prompt.tokenIds);
    const cumulative = answers.greedy.logprobs.reduce((sum, value) => sum + value, 0);
    records.push({
      question,
      answer: [],
      greedy_response: [answers.greedyText],
      greedy_tokens: [model.tokenizer.idsToTokens(answers.greedy.tokenIds)],
      greedy_logprobs: [answers.greedy.logprobs],
      greedy_cumulative_logprobs: [cumulative],
      sampling_response: answers.sampledTexts,
      judge: request.judgeName,
      consistency_judgement: answers.consistency,
    });
    benchRecords.push({
      line: index + 1,
      question,
      answer: [],
      greedyResponse: answers.greedyText,
      greedyTokenCount: answers.greedy.tokenIds.length,
      greedyCumulativeLogprob: cumulative,
      greedyCorrectness: null,
      samplingCorrectness: null,
      consistencyJudgement: answers.consistency,
      judge: request.judgeName,
      factId: null,
      exposureBucket: null,
    });
    consistencySum += consSem(answers.consistency);
    request.onProgress?.('answering', index + 1, questions.length);
  }
  const features = await questionFeatures(model.runner, questions, {
    // The prompt the answers were generated from is the prompt a question is scored from.
    promptIds: (question) => prompts.get(question) ?? buildPrompt(question, model.prompt, model.tokenizer).tokenIds,
    signal,
    cache: request.featureCache,
    onProgress: (done, total) => request.onProgress?.('features', done, total),
  });
  const trained = await trainFamilyHead({
    family: 'eli-only',
    kind: request.kind,
    target: 'consistency',
    features,
    hiddenSize: model.runner.hiddenSize,
    records: benchRecords,
    rows: questions.map((_, row) => row),
    budget: null,
    seed: request.seed,
    signal,
    onProgress: (progress) => request.onProgress?.('training', progress.step, progress.totalSteps),
  });
  return { ...trained, questions, records, meanConsistency: consistencySum / questions.length };
}
