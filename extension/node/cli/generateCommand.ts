/**
 * `elical generate --model DIR --in questions.jsonl --out bench.jsonl`: answers every question
 * greedily and with seeded samples, writing HonestyBench records (elical.md, "HonestyBench")
 * that the elicitation and evaluation steps read, judged with a named lexical judge
 * (consistency of each sample with the greedy answer always; correctness when gold answers exist).
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { answerCorrectness, samplingCorrectness } from '../../core/elicitation/answerCorrectness';
import { DEFAULT_JUDGE, isJudgeName, JUDGE_NAMES, type JudgeName } from '../../core/elicitation/answerJudge';
import { judgeByName } from '../../core/elicitation/judgeByName';
import { AnsweringAborted, sampleAnswers } from '../../core/elicitation/sampleAnswers';
import { CliUsageError, type CliCommand, type CliIo } from './cliIo';
import { parseCommandArgs } from './parseCommandArgs';
import { openModel, parseCount, parseProvider } from './openModel';

const HELP = `usage: elical generate --model DIR --in questions.jsonl --out bench.jsonl [--samples 20] [--judge exact|containment|f1] [--max-new-tokens N] [--seed S] [--adapter ID] [--provider cpu|cuda|auto] [--threads N]

Reads one JSON object per line with "question" (string) and optional "answer" (gold answers:
a string or a list of strings). Writes one HonestyBench record per question: question, answer,
greedy_response, greedy_tokens, greedy_logprobs, greedy_cumulative_logprobs, sampling_response,
judge, consistency_judgement (each sample against the greedy answer) and, when gold answers are
given, greedy_correctness and sampling_correctness. Other fields of the input line (fact_id,
exposures, relation, ...) are kept, after those.
  --judge NAME         exact (normalised exact match), containment (whole-word containment
                       either way; default) or f1 (SQuAD token F1 >= 0.5); named in each record
  greedy:   repetition penalty 1.05
  sampling: temperature 1.0, top-p 0.95, top-k 50, repetition penalty 1.05; sample j of question
            i (0-based, in file order of non-blank lines) uses seed S + i * samples + j
  --samples N          sampled answers per question (default 20; 0 = greedy only)
  --max-new-tokens N   answer length limit (default: the package's generation.maxNewTokens)
  --seed S             base seed (default 0)
  --adapter ID         shared-base LoRA packages: the checkpoint to answer with (default: the
                       default head's)
The output appears only when complete (written to a temporary file, then renamed).`;

interface InputQuestion {
  question: string;
  answer: string[];
  /** The line's other fields, in their order, copied to the output record. */
  extra: Record<string, unknown>;
}

/** Fields generate writes itself; an input line's values for them are replaced, not copied. */
const OUTPUT_FIELDS = new Set([
  'question', 'answer', 'greedy_response', 'greedy_tokens', 'greedy_logprobs', 'greedy_cumulative_logprobs',
  'sampling_response', 'judge', 'consistency_judgement', 'greedy_correctness', 'sampling_correctness',
]);

/** Parses the questions file; every problem names its line. */
export function parseQuestionLines(text: string, file: string): InputQuestion[] {
  const questions: InputQuestion[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new CliUsageError(`${where}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliUsageError(`${where}: expected a JSON object with a "question" field`);
    const record = value as Record<string, unknown>;
    if (typeof record.question !== 'string' || record.question.trim() === '') throw new CliUsageError(`${where}: "question" must be a non-empty string`);
    const answer = record.answer;
    let answers: string[];
    if (answer === undefined || answer === null) answers = [];
    else if (typeof answer === 'string') answers = [answer];
    else if (Array.isArray(answer) && answer.every((item) => typeof item === 'string')) answers = answer as string[];
    else throw new CliUsageError(`${where}: "answer" must be a string or a list of strings`);
    const extra: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(record)) if (!OUTPUT_FIELDS.has(key)) extra[key] = field;
    questions.push({ question: record.question, answer: answers, extra });
  });
  if (questions.length === 0) throw new CliUsageError(`${file}: no questions (one JSON object per line)`);
  return questions;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('generate', HELP, args, {
    model: { type: 'string' },
    in: { type: 'string' },
    out: { type: 'string' },
    samples: { type: 'string' },
    'max-new-tokens': { type: 'string' },
    seed: { type: 'string' },
    provider: { type: 'string' },
    threads: { type: 'string' },
    adapter: { type: 'string' },
    judge: { type: 'string' },
  }, (text) => io.stdout(text));
  if (parsed === null) return 0;
  const { values } = parsed;
  for (const name of ['model', 'in', 'out'] as const) if (!values[name]) throw new CliUsageError(`generate: --${name} is required\n${HELP}`);
  const model = values.model as string;
  const input = values.in as string;
  const output = values.out as string;
  const samples = parseCount('samples', values.samples, 20, 0);
  const seed = parseCount('seed', values.seed, 0, 0);
  const provider = parseProvider(values.provider);
  const threads = parseCount('threads', values.threads, 0, 0);
  const judgeOption = values.judge ?? DEFAULT_JUDGE;
  if (!isJudgeName(judgeOption)) throw new CliUsageError(`generate: --judge must be one of ${JUDGE_NAMES.join(', ')}, got ${JSON.stringify(judgeOption)}`);
  const judgeName: JudgeName = judgeOption;
  const judge = judgeByName(judgeName);
  let text: string;
  try {
    text = await readFile(input, 'utf8');
  } catch (error) {
    throw new CliUsageError(`generate: cannot read --in ${input} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const questions = parseQuestionLines(text, input);

  const { pkg, runner } = await openModel(model, provider, io, threads);
  const maxNewTokens = parseCount('max-new-tokens', values['max-new-tokens'], pkg.manifest.generation.maxNewTokens, 1);
  const adapter = values.adapter;
  if (adapter !== undefined && !pkg.loraCheckpoints.has(adapter)) {
    await runner.dispose();
    throw new CliUsageError(`generate: --adapter ${adapter}: ${pkg.loraCheckpoints.size === 0 ? 'this model has no LoRA checkpoints as inputs' : `this model has ${[...pkg.loraCheckpoints.keys()].join(', ')}`}`);
  }
  const temporary = `${output}.${randomBytes(6).toString('hex')}.partial`;
  const handle = await open(temporary, 'wx');
  const started = Date.now();
  try {
    const answering = { runner, tokenizer: pkg.tokenizer, prompt: pkg.manifest.prompt, eosTokenIds: pkg.manifest.generation.eosTokenIds };
    for (const [index, item] of questions.entries()) {
      if (io.signal.aborted) throw new AnsweringAborted();
      const answers = await sampleAnswers(answering, item.question, { samples, firstSeed: seed + index * samples, maxNewTokens, judge, adapter, signal: io.signal });
      const { prompt, greedy, greedyText, sampledTexts } = answers;
      const record: Record<string, unknown> = {
        question: item.question,
        answer: item.answer,
        greedy_response: [greedyText],
        greedy_tokens: [pkg.tokenizer.idsToTokens(greedy.tokenIds)],
        greedy_logprobs: [greedy.logprobs],
        greedy_cumulative_logprobs: [greedy.logprobs.reduce((sum, value) => sum + value, 0)],
        sampling_response: sampledTexts,
        judge: judgeName,
        consistency_judgement: answers.consistency,
      };
      // Without gold answers correctness is unknown, not 0, so the fields are left out.
      if (item.answer.length > 0) {
        record.greedy_correctness = answerCorrectness(greedyText, item.answer, judge);
        record.sampling_correctness = samplingCorrectness(sampledTexts, item.answer, judge);
      }
      Object.assign(record, item.extra);
      await handle.write(`${JSON.stringify(record)}\n`);
      const seconds = (Date.now() - started) / 1000;
      io.stderr(`generate: ${index + 1}/${questions.length} questions, ${seconds.toFixed(1)} s${prompt.truncation ? ` (line ${index + 1}: ${prompt.truncation})` : ''}\n`);
    }
    await handle.sync();
    await handle.close();
    await rename(temporary, output);
    io.stderr(`generate: wrote ${questions.length} records to ${output}\n`);
    return 0;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    if (error instanceof AnsweringAborted) {
      io.stderr(`generate: interrupted; ${output} was not written\n`);
      return 130;
    }
    throw error;
  } finally {
    await runner.dispose();
  }
}

export const generateCommand: CliCommand = { name: 'generate', summary: 'answer questions greedily and by sampling (HonestyBench records)', run };
