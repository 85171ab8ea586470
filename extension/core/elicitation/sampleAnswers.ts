/**
 * One question answered the way elicitation and the HonestyBench files need it (elical.md,
 * "Baselines"): a greedy answer with its token log-probabilities and m seeded samples, each sample
 * judged against the greedy answer. `elical generate`, `elical elicit` and the extension's
 * "Elicit from Self-Consistency" command all answer through this function, so a head elicited in
 * the editor learns from exactly the targets the command line would write.
 */
import type { BuiltPrompt, PromptSettings } from '../prompts/promptWrapper';
import { buildPrompt } from '../prompts/promptWrapper';
import type { GenerateOptions, GenerationResult, ModelRunner } from '../scoring/modelRunner';
import type { TextTokenizer } from '../scoring/textTokenizer';
import type { AnswerJudge } from './answerJudge';
import { consistencyJudgement } from './consistencyJudgement';

/** Repetition penalty of every answer, greedy and sampled (elical.md's reference setting). */
export const ANSWER_REPETITION_PENALTY = 1.05;

/** Sampling settings of the m samples (elical.md: temperature 1.0, top-p 0.95, top-k 50). */
export const SAMPLE_SETTINGS = { temperature: 1.0, topP: 0.95, topK: 50 } as const;

/** What answering needs from a model package. */
export interface AnsweringModel {
  runner: ModelRunner;
  tokenizer: TextTokenizer;
  prompt: PromptSettings;
  eosTokenIds: readonly number[];
}

export interface SampleAnswersOptions {
  /** Sampled answers, >= 0 (0 = greedy only; then there is no consistency judgement). */
  samples: number;
  /** Sample j (0-based) is drawn with seed firstSeed + j. */
  firstSeed: number;
  /** >= 1: new-token limit of every answer. */
  maxNewTokens: number;
  judge: AnswerJudge;
  /** Shared-base LoRA packages: the checkpoint that answers. */
  adapter?: string;
  signal?: AbortSignal;
}

export interface SampledAnswers {
  prompt: BuiltPrompt;
  /** Answer texts leave out the EOS token and surrounding blanks; tokens and log-probs keep it. */
  greedyText: string;
  greedy: GenerationResult;
  sampledTexts: string[];
  /** consistencyJudgement(greedyText, sampledTexts): empty when samples = 0. */
  consistency: (0 | 1)[];
}

/** Thrown when the signal aborts generation part-way; nothing of the question is returned. */
export class AnsweringAborted extends Error {
  override readonly name = 'AnsweringAborted';
  constructor() {
    super('answering was cancelled');
  }
}

/**
 * Answers `question` once greedily and `samples` times with SAMPLE_SETTINGS, all with
 * ANSWER_REPETITION_PENALTY. Errors: AnsweringAborted when the signal fires; the runner's errors.
 */
export async function sampleAnswers(model: AnsweringModel, question: string, options: SampleAnswersOptions): Promise<SampledAnswers> {
  if (!Number.isInteger(options.samples) || options.samples < 0) throw new RangeError(`samples must be a whole number >= 0, got ${options.samples}`);
  const prompt = buildPrompt(question, model.prompt, model.tokenizer);
  const generate = async (decoding: GenerateOptions['decoding']): Promise<GenerationResult> => {
    if (options.signal?.aborted) throw new AnsweringAborted();
    const result = await model.runner.generate(prompt.tokenIds, {
      maxNewTokens: options.maxNewTokens,
      decoding,
      repetitionPenalty: ANSWER_REPETITION_PENALTY,
      eosTokenIds: model.eosTokenIds,
      signal: options.signal,
      adapter: options.adapter,
    });
    if (result.finishReason === 'aborted') throw new AnsweringAborted();
    return result;
  };
  const text = (result: GenerationResult): string => model.tokenizer.decode(result.tokenIds, { skipSpecialTokens: true }).trim();
  const greedy = await generate('greedy');
  const sampledTexts: string[] = [];
  for (let sample = 0; sample < options.samples; sample++) {
    sampledTexts.push(text(await generate({ ...SAMPLE_SETTINGS, seed: options.firstSeed + sample })));
  }
  const greedyText = text(greedy);
  return { prompt, greedyText, greedy, sampledTexts, consistency: consistencyJudgement(greedyText, sampledTexts, options.judge) };
}
