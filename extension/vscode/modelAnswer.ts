/**
 * The model package's own answer to a question, streamed as text while it is generated: what
 * `@confidence` shows with elical.answerSource "model" and what the extension's chat language
 * model (packageChatModel.ts) answers. One function, so the two cannot drift apart: both give
 * exactly the greedy answer that N-Prob and elicitation read.
 */
import { ANSWER_REPETITION_PENALTY } from '../core/elicitation/sampleAnswers';
import { IncrementalDecoder } from '../core/scoring/incrementalDecoder';
import type { FinishReason } from '../core/scoring/modelRunner';
import type { LoadedModel } from './modelService';

export interface ModelAnswer {
  /** 'length' when the answer was cut at `maxNewTokens` (the manifest's). */
  finishReason: FinishReason;
  maxNewTokens: number;
}

/** Generates the greedy answer to `question`, calling `onText` with each new piece of text. */
export async function generateModelAnswer(model: LoadedModel, question: string, options: { signal: AbortSignal; onText: (piece: string) => void }): Promise<ModelAnswer> {
  const prompt = model.scorer.buildPrompt(question);
  const decoder = new IncrementalDecoder((ids) => model.pkg.tokenizer.decode(ids, { skipSpecialTokens: true }));
  const { generation } = model.pkg.manifest;
  const emit = (piece: string): void => {
    if (piece !== '') options.onText(piece);
  };
  const result = await model.runner.generate(prompt.tokenIds, {
    maxNewTokens: generation.maxNewTokens,
    decoding: 'greedy',
    repetitionPenalty: ANSWER_REPETITION_PENALTY,
    eosTokenIds: generation.eosTokenIds,
    signal: options.signal,
    onToken: (tokenId) => emit(decoder.push(tokenId)),
  });
  emit(decoder.finish());
  return { finishReason: result.finishReason, maxNewTokens: generation.maxNewTokens };
}
