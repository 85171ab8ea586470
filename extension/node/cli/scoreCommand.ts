/**
 * `elical score --model DIR "question"`: the confidence of every (or the chosen) head that the
 * model's greedy answer to the question will be right, as one JSON line on stdout.
 */
import { ConfidenceScorer } from '../../core/scoring/confidenceScorer';
import { CliUsageError, type CliCommand, type CliIo } from './cliIo';
import { parseCommandArgs } from './parseCommandArgs';
import { openModel, parseCount, parseProvider } from './openModel';

const HELP = `usage: elical score --model DIR "question" [--heads all|ID,ID] [--raw] [--provider cpu|cuda|auto] [--threads N]

Prints {question, prompt_tokens, heads: {id: confidence}, runtime, ms, truncation}.
  --model DIR     model package folder (manifest.json, backbone.onnx, heads/)
  --heads LIST    "all" (default) or comma-separated head ids
  --raw           score the text exactly as given (tokenizer special tokens only; no prompt
                  wrapper, no chat template)
  --provider P    cpu (default), cuda, or auto (CUDA if it loads, else CPU with the reason)
  --threads N     onnxruntime intra-op threads (default: one per core)
ms is the scoring time (prompt, forward pass, heads) after the model has loaded.`;

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('score', HELP, args, { model: { type: 'string' }, heads: { type: 'string' }, raw: { type: 'boolean' }, provider: { type: 'string' }, threads: { type: 'string' } }, (text) => io.stdout(text), true);
  if (parsed === null) return 0;
  const { values, positionals } = parsed;
  if (!values.model) throw new CliUsageError(`score: --model DIR is required\n${HELP}`);
  if (positionals.length !== 1) throw new CliUsageError(`score: give exactly one question (quote it), got ${positionals.length}\n${HELP}`);
  const question = positionals[0];
  if (question.trim() === '') throw new CliUsageError('score: the question is empty');
  const provider = parseProvider(values.provider);
  const threads = parseCount('threads', values.threads, 0, 0);

  const { pkg, runner } = await openModel(values.model, provider, io, threads);
  try {
    const scorer = new ConfidenceScorer(runner, pkg.tokenizer, pkg.manifest.prompt, pkg.heads.map(({ entry, head }) => ({ id: entry.id, head, adapter: entry.loraCheckpoint ?? undefined })));
    const headIds = values.heads === undefined || values.heads === 'all' ? undefined : values.heads.split(',').map((id) => id.trim()).filter(Boolean);
    if (headIds) {
      const unknown = headIds.filter((id) => !scorer.headIds.includes(id));
      if (unknown.length > 0) throw new CliUsageError(`score: unknown head(s) ${unknown.join(', ')}; ${pkg.manifest.name} has ${scorer.headIds.join(', ')}`);
    }
    const score = await scorer.score(question, { raw: values.raw ?? false, headIds });
    io.stdout(`${JSON.stringify({
      question: score.question,
      prompt_tokens: score.promptTokens,
      heads: score.heads,
      runtime: `onnxruntime-node (${runner.runtime})`,
      ms: Math.round(score.ms * 1000) / 1000,
      truncation: score.truncation,
    })}\n`);
    if (score.truncation) io.stderr(`elical: ${score.truncation}\n`);
    return 0;
  } finally {
    await runner.dispose();
  }
}

export const scoreCommand: CliCommand = { name: 'score', summary: 'confidence that the model will answer a question right', run };
