/**
 * Scores questions before the model answers: builds the prompt the answer would be generated
 * from, runs the backbone once per batch, and applies every requested head to the same hidden
 * states (heads on a frozen backbone share one forward pass; elical.md, "Model").
 */
import type { ConfidenceHead } from '../heads/confidenceHead';
import { type BuiltPrompt, buildPrompt, buildRawPrompt, type PromptSettings } from '../prompts/promptWrapper';
import type { ModelRunner } from './modelRunner';
import type { TextTokenizer } from './textTokenizer';

export interface NamedHead {
  id: string;
  head: ConfidenceHead;
  /** Shared-base LoRA packages: the checkpoint the head was trained on (runner.forwardLastToken's adapter). */
  adapter?: string;
}

export interface ConfidenceScore {
  question: string;
  /** Length of the prompt the model read, in tokens (after any truncation). */
  promptTokens: number;
  /** Null, or the sentence saying what truncation dropped. */
  truncation: string | null;
  /** Head id -> probability in [0, 1] that the greedy answer is right. */
  heads: Record<string, number>;
  /** Wall time of this call (prompt building, forward pass, heads), in milliseconds. */
  ms: number;
}

export interface ScoreOptions {
  /** Score the text exactly as given: tokenizer special tokens only, no wrapper or template. */
  raw?: boolean;
  /** Which heads to apply (default: all), in the order given. */
  headIds?: readonly string[];
}

export class ConfidenceScorer {
  private readonly heads: Map<string, NamedHead>;

  constructor(
    private readonly runner: ModelRunner,
    private readonly tokenizer: TextTokenizer,
    private readonly prompt: PromptSettings,
    heads: readonly NamedHead[],
    /** Milliseconds from an arbitrary origin; injected so tests control time. */
    private readonly now: () => number = () => performance.now(),
    /** Rows per forward pass: bounds memory for long question lists. */
    private readonly maxBatch = 16,
  ) {
    if (heads.length === 0) throw new Error('the scorer needs at least one confidence head');
    this.heads = new Map();
    for (const named of heads) {
      const { id, head } = named;
      if (this.heads.has(id)) throw new Error(`head id ${id} is given twice`);
      if (head.hiddenSize !== runner.hiddenSize) throw new Error(`head ${id} reads hidden size ${head.hiddenSize}, but the model's is ${runner.hiddenSize}`);
      this.heads.set(id, named);
    }
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`maxBatch must be a positive integer, got ${maxBatch}`);
  }

  /** Ids of the heads this scorer can apply. */
  get headIds(): string[] {
    return [...this.heads.keys()];
  }

  /** The prompt a question is scored (and answered) from. */
  buildPrompt(question: string, raw = false): BuiltPrompt {
    return raw ? buildRawPrompt(question, this.prompt.maxPromptTokens, this.tokenizer) : buildPrompt(question, this.prompt, this.tokenizer);
  }

  async score(question: string, options: ScoreOptions = {}): Promise<ConfidenceScore> {
    const [result] = await this.scoreBatch([question], options);
    return result;
  }

  /**
   * Scores several questions with one forward pass per `maxBatch` of them (and per LoRA
   * checkpoint, when heads sit on different checkpoints of a shared base); each result equals
   * scoring that question alone (the runner left-pads and reads the last real token). `ms` of
   * each result is the batch's time divided by its size.
   * Errors: an unknown head id (the message lists the known ones); an empty question list.
   */
  async scoreBatch(questions: readonly string[], options: ScoreOptions = {}): Promise<ConfidenceScore[]> {
    if (questions.length === 0) throw new RangeError('no questions to score');
    const selected = (options.headIds ?? this.headIds).map((id) => {
      const named = this.heads.get(id);
      if (!named) throw new Error(`unknown head ${JSON.stringify(id)}; this model has ${this.headIds.join(', ')}`);
      return named;
    });
    const adapters = [...new Set(selected.map((named) => named.adapter))];
    const results: ConfidenceScore[] = [];
    for (let start = 0; start < questions.length; start += this.maxBatch) {
      const started = this.now();
      const chunk = questions.slice(start, start + this.maxBatch);
      const prompts = chunk.map((question) => this.buildPrompt(question, options.raw ?? false));
      const rows = prompts.map((prompt) => prompt.tokenIds);
      const confidences = new Map<string, Float32Array>();
      for (const adapter of adapters) {
        const { hiddenStates } = await this.runner.forwardLastToken(rows, adapter === undefined ? {} : { adapter });
        for (const named of selected) if (named.adapter === adapter) confidences.set(named.id, named.head.predict(hiddenStates, chunk.length));
      }
      const perHead = selected.map(({ id }) => ({ id, confidences: confidences.get(id) as Float32Array }));
      const ms = (this.now() - started) / chunk.length;
      chunk.forEach((question, row) => {
        const heads: Record<string, number> = {};
        for (const { id, confidences } of perHead) heads[id] = confidences[row];
        results.push({ question, promptTokens: prompts[row].tokenIds.length, truncation: prompts[row].truncation, heads, ms });
      });
    }
    return results;
  }
}
