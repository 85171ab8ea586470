/**
 * What the confidence scorer needs from a tokenizer. Core code never sees the tokenizer library:
 * extension/node/tokenizerLoader.ts adapts Hugging Face tokenizer files to this interface, and
 * tests can adapt anything else.
 */

/** One turn of a chat, as chat templates expect it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Special token ids the tokenizer declares; `undefined` when the tokenizer has none. */
export interface SpecialTokenIds {
  bos: number | undefined;
  eos: number | undefined;
  pad: number | undefined;
  unk: number | undefined;
}

export interface TextTokenizer {
  /**
   * Token ids of `text`. With `addSpecialTokens` the tokenizer's own post-processor adds what it
   * always adds (a BOS for Llama); text rendered by a chat template already contains its special
   * tokens as text, so callers encode it without.
   */
  encode(text: string, options: { addSpecialTokens: boolean }): number[];
  /** Text of `ids`; `skipSpecialTokens` drops special tokens such as EOS from the text. */
  decode(ids: readonly number[], options: { skipSpecialTokens: boolean }): string;
  /** The token strings of `ids` (one per id), as HonestyBench's greedy_tokens records them. */
  idsToTokens(ids: readonly number[]): string[];
  /** Id of a token string, or undefined when the vocabulary lacks it. */
  tokenToId(token: string): number | undefined;
  readonly specialTokenIds: SpecialTokenIds;
  /** True when the tokenizer ships a chat template. */
  readonly hasChatTemplate: boolean;
  /**
   * The chat rendered by the tokenizer's chat template; `addGenerationPrompt` appends the header
   * of the assistant turn, so the model continues with its answer. Throws when there is no
   * template (check `hasChatTemplate`).
   */
  applyChatTemplate(messages: readonly ChatMessage[], options: { addGenerationPrompt: boolean }): string;
}
