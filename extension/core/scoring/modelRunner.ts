/**
 * What the confidence scorer and the generator need from a language model backbone. The ONNX
 * implementation is extension/node/onnxModelRunner.ts; core code only sees this interface.
 */

/** Sampling settings; the product's Cons-Sem samples use temperature 1.0, top-p 0.95, top-k 50. */
export interface SamplingSettings {
  /** > 0; logits are divided by it before top-k / top-p and the draw. */
  temperature: number;
  /** In (0, 1]; 1 disables nucleus filtering. */
  topP: number;
  /** >= 0 integer; 0 disables top-k filtering. */
  topK: number;
  /** Seed of the pseudo-random generator: the same seed gives the same samples. */
  seed: number;
}

export interface GenerateOptions {
  /** >= 1: the answer stops after this many new tokens (finishReason 'length'). */
  maxNewTokens: number;
  /** 'greedy' takes the most likely token (lowest id on ties); otherwise seeded sampling. */
  decoding: 'greedy' | SamplingSettings;
  /** >= 1 (1 = off); Hugging Face's rule for tokens already in the prompt or the answer. */
  repetitionPenalty: number;
  /** Generation stops after emitting any of these (the EOS token is kept in tokenIds). */
  eosTokenIds: readonly number[];
  /** Checked before every step; when aborted, generation returns what it has ('aborted'). */
  signal?: AbortSignal;
  /**
   * With shared-base LoRA packages: which LoRA checkpoint the backbone runs with (default: the
   * runner's default checkpoint). Naming a checkpoint the runner does not have is an
   * error.
   */
  adapter?: string;
  /**
   * Called with each new token id (and its log-probability, as in the result) as soon as it is
   * chosen, in order, before the next step runs (the EOS token included), so a caller can show
   * the answer while it is generated. It is called synchronously inside generation: a slow
   * callback slows generation, and one that throws ends generation with that error. It sees
   * exactly the ids of the result's tokenIds.
   */
  onToken?: (tokenId: number, logprob: number) => void;
}

export type FinishReason = 'eos' | 'length' | 'aborted';

export interface GenerationResult {
  /** The new tokens only (not the prompt), including the EOS token when it ended generation. */
  tokenIds: number[];
  /**
   * Natural-log probability of each chosen token under the model's distribution after the
   * repetition penalty and BEFORE temperature, top-k and top-p: the model's own belief in the
   * token, which is what N-Prob averages. Greedy decoding (N-Prob's setting) has no temperature
   * or filtering, so for it this equals the log-probability of the processed distribution.
   */
  logprobs: number[];
  finishReason: FinishReason;
}

/** Last-real-token features of a batch of prompts. */
export interface LastTokenOutputs {
  /** [batch, hiddenSize], row-major: final-norm hidden state at each row's last token. */
  hiddenStates: Float32Array;
  /** [batch, vocabSize], row-major, when requested; otherwise undefined. */
  logits: Float32Array | undefined;
}

export interface ModelRunner {
  readonly hiddenSize: number;
  readonly vocabSize: number;
  /** Which execution provider actually runs the model ('cpu', 'cuda'), once known. */
  readonly runtime: string;
  /**
   * One forward pass over `rows` (token ids; rows may differ in length, none empty): the hidden
   * state at each row's last real token, never at a pad position. Each row's result equals that
   * row run alone.
   */
  forwardLastToken(rows: readonly (readonly number[])[], options?: { withLogits?: boolean; adapter?: string }): Promise<LastTokenOutputs>;
  /** Continues `promptIds` (non-empty) token by token with a KV cache. */
  generate(promptIds: readonly number[], options: GenerateOptions): Promise<GenerationResult>;
  /** Frees native resources; the runner cannot be used afterwards. */
  dispose(): Promise<void>;
}
