import type { ModelRunner } from './modelRunner';

export interface QuestionFeaturesOptions {
  /** Token ids of the exact prompt a question is scored from (ConfidenceScorer.buildPrompt). */
  promptIds: (question: string) => readonly number[];
  /** Questions per forward pass; default 16 (bounds memory, keeps progress and cancel responsive). */
  batchSize?: number;
  /** Shared-base LoRA packages: the checkpoint to read features from (the heads' adapter). */
  adapter?: string;
  /** Checked before every batch (and passed to runners that accept it, e.g. the remote one). */
  signal?: AbortSignal;
  /** After each batch: questions done and in all. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Features already known, by question text (e.g. from an earlier retrain on the same backbone);
   * a hit skips the model. Filled with what this call computes.
   */
  cache?: Map<string, Float32Array>;
}

/**
 * The EliCal feature of each question: the final-layer hidden state at the last real prompt
 * token, from the same prompt the question is scored from, batched through the runner (which
 * left-pads, so a row's feature does not depend on its batch). Returns row-major
 * [questions, hiddenSize], row i for questions[i].
 * Errors: the runner's (RangeError for an empty or over-long prompt, RemoteEndpointError over a
 * remote endpoint); an aborted signal rejects with its reason before the next batch.
 */
export async function questionFeatures(runner: ModelRunner, questions: readonly string[], options: QuestionFeaturesOptions): Promise<Float32Array> {
  const hidden = runner.hiddenSize;
  const batchSize = options.batchSize ?? 16;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const out = new Float32Array(questions.length * hidden);
  const missing: number[] = [];
  questions.forEach((question, row) => {
    const known = options.cache?.get(question);
    if (known !== undefined && known.length === hidden) out.set(known, row * hidden);
    else missing.push(row);
  });
  let done = questions.length - missing.length;
  options.onProgress?.(done, questions.length);
  for (let start = 0; start < missing.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const batch = missing.slice(start, start + batchSize);
    const rows = batch.map((row) => options.promptIds(questions[row]));
    // The interface has no signal; runners that take one (remote) read it from the same object.
    const runOptions: { adapter?: string; signal?: AbortSignal } = {};
    if (options.adapter !== undefined) runOptions.adapter = options.adapter;
    if (options.signal !== undefined) runOptions.signal = options.signal;
    const { hiddenStates } = await runner.forwardLastToken(rows, runOptions);
    batch.forEach((row, i) => {
      const feature = hiddenStates.slice(i * hidden, (i + 1) * hidden);
      out.set(feature, row * hidden);
      options.cache?.set(questions[row], feature);
    });
    done += batch.length;
    options.onProgress?.(done, questions.length);
  }
  return out;
}
