/**
 * `elical elicit --model DIR --in questions.jsonl --out HEAD.safetensors`: an Eli-Only head from
 * self-consistency alone (no labels), for the user's own kind of question. It is `generate`
 * followed by `train --family eli-only` in one step, through the same core function the
 * extension's "Elicit from Self-Consistency" command runs (core/elicitation/elicitEliOnlyHead.ts).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_JUDGE, isJudgeName, JUDGE_NAMES } from '../../core/elicitation/answerJudge';
import { elicitEliOnlyHead, MIN_ELICIT_QUESTIONS, MIN_ELICIT_SAMPLES } from '../../core/elicitation/elicitEliOnlyHead';
import { judgeByName } from '../../core/elicitation/judgeByName';
import { AnsweringAborted } from '../../core/elicitation/sampleAnswers';
import { writeHeadFile } from '../../core/heads/headFile';
import type { HeadKind } from '../../core/heads/headMetadata';
import { writeFileAtomic } from '../writeFileAtomic';
import { CliUsageError, type CliCommand, type CliIo } from './cliIo';
import { parseQuestionLines } from './generateCommand';
import { openModel, parseCount, parseProvider } from './openModel';
import { parseCommandArgs } from './parseCommandArgs';

const HELP = `usage: elical elicit --model DIR --in questions.jsonl --out HEAD.safetensors [--records FILE]
       [--samples 20] [--judge exact|containment|f1] [--kind linear|mlp] [--seed 42] [--sample-seed 0]
       [--max-new-tokens N] [--provider cpu|cuda|auto] [--threads N]

Answers every distinct question of --in (one JSON object per line with "question"; gold answers
are not needed and are ignored) greedily and --samples times by sampling, takes Cons-Sem (the
share of samples agreeing with the greedy answer) as each question's target, and trains a fresh
Eli-Only head on the last-prompt-token features, with a grouped 10 % held out to choose the epoch.
At least ${MIN_ELICIT_QUESTIONS} distinct questions and ${MIN_ELICIT_SAMPLES} samples. The same as \`elical generate\` then
\`elical train --family eli-only\` with the same seeds.
  --records FILE   also write the HonestyBench records (the answers and judgements) to FILE
  --seed S         validation split, initialisation and batch order (default 42)
  --sample-seed S  sample j of question i uses seed S + i * samples + j (default 0)
Outputs appear only when complete.`;

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('elicit', HELP, args, {
    model: { type: 'string' },
    in: { type: 'string' },
    out: { type: 'string' },
    records: { type: 'string' },
    samples: { type: 'string' },
    judge: { type: 'string' },
    kind: { type: 'string' },
    seed: { type: 'string' },
    'sample-seed': { type: 'string' },
    'max-new-tokens': { type: 'string' },
    provider: { type: 'string' },
    threads: { type: 'string' },
  }, (text) => io.stdout(text));
  if (parsed === null) return 0;
  const { values } = parsed;
  for (const name of ['model', 'in', 'out'] as const) if (!values[name]) throw new CliUsageError(`elicit: --${name} is required\n${HELP}`);
  const out = values.out as string;
  if (!out.endsWith('.safetensors')) throw new CliUsageError(`elicit: --out must name a .safetensors file, got ${out}`);
  if (values.records !== undefined && resolve(values.records) === resolve(out)) throw new CliUsageError('elicit: --records and --out must be different files');
  const samples = parseCount('samples', values.samples, 20, MIN_ELICIT_SAMPLES);
  const seed = parseCount('seed', values.seed, 42, 0);
  const sampleSeed = parseCount('sample-seed', values['sample-seed'], 0, 0);
  const judgeName = values.judge ?? DEFAULT_JUDGE;
  if (!isJudgeName(judgeName)) throw new CliUsageError(`elicit: --judge must be one of ${JUDGE_NAMES.join(', ')}, got ${JSON.stringify(judgeName)}`);
  const kind = values.kind ?? 'linear';
  if (kind !== 'linear' && kind !== 'mlp') throw new CliUsageError(`elicit: --kind must be linear or mlp, got ${JSON.stringify(kind)}`);
  const input = values.in as string;
  let text: string;
  try {
    text = await readFile(input, 'utf8');
  } catch (error) {
    throw new CliUsageError(`elicit: cannot read --in ${input} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const questions = parseQuestionLines(text, input).map((item) => item.question);
  const distinct = new Set(questions.map((question) => question.trim())).size;
  if (distinct < MIN_ELICIT_QUESTIONS) throw new CliUsageError(`elicit: ${input} has ${distinct} distinct questions; elicitation needs at least ${MIN_ELICIT_QUESTIONS}`);

  const { pkg, runner } = await openModel(values.model as string, parseProvider(values.provider), io, parseCount('threads', values.threads, 0, 0));
  try {
    const maxNewTokens = parseCount('max-new-tokens', values['max-new-tokens'], pkg.manifest.generation.maxNewTokens, 1);
    const started = Date.now();
    let lastReport = 0;
    let result;
    try {
      result = await elicitEliOnlyHead({
        model: { runner, tokenizer: pkg.tokenizer, prompt: pkg.manifest.prompt, eosTokenIds: pkg.manifest.generation.eosTokenIds },
        questions,
        samples,
        firstSeed: sampleSeed,
        maxNewTokens,
        judge: judgeByName(judgeName),
        judgeName,
        kind: kind as HeadKind,
        seed,
        signal: io.signal,
        onProgress: (phase, done, total) => {
          if (Date.now() - lastReport < 1000 && done < total) return;
          lastReport = Date.now();
          io.stderr(`elicit: ${phase} ${done}/${total}, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        },
      });
    } catch (error) {
      if (error instanceof AnsweringAborted || io.signal.aborted) {
        io.stderr(`elicit: interrupted; ${out} was not written\n`);
        return 130;
      }
      throw error;
    }
    if (values.records !== undefined) {
      await writeFileAtomic(values.records, Buffer.from(result.records.map((record) => JSON.stringify(record)).join('\n') + '\n'));
      io.stderr(`elicit: wrote ${result.records.length} records to ${values.records}\n`);
    }
    await writeFileAtomic(out, writeHeadFile(result.head, result.metadata));
    const t = result.metadata.training;
    io.stderr(
      `elicit: wrote ${out} (eli-only, ${kind}, ${result.questions.length} questions x ${samples} samples, mean Cons-Sem ${result.meanConsistency.toFixed(3)}, ` +
        `${t?.trainSize} train + ${t?.validationSize} validation, best epoch ${t?.bestEpoch}/${t?.epochsRun}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } finally {
    await runner.dispose();
  }
}

export const elicitCommand: CliCommand = { name: 'elicit', summary: 'train an Eli-Only head from self-consistency on a questions file (no labels)', run };
