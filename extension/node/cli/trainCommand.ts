/**
 * `elical train`: trains one confidence head of one EliCal family on a HonestyBench file and
 * writes a head file with full metadata (docs/model-package.md), optionally registering it in
 * the model package. Features come from the package's backbone through the feature cache.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { requireBenchField } from '../../core/evaluation/benchRecord';
import { TARGET_NAMES, trainFamilyHead, type TargetName } from '../../core/evaluation/trainFamilyHead';
import { readHeadFile, writeHeadFile } from '../../core/heads/headFile';
import type { HeadFamily, HeadKind } from '../../core/heads/headMetadata';
import type { TrainableHead } from '../../core/training/batchGradient';
import { selectBudgetSubsets } from '../../core/training/budgets';
import { addHeadToPackage, AddHeadError, checkHeadRegistration } from '../addHeadToPackage';
import { writeFileAtomic } from '../writeFileAtomic';
import { benchFeatures, readBenchFile } from './benchInput';
import { CliUsageError, type CliCommand, type CliIo } from './cliIo';
import { parseCommandArgs } from './parseCommandArgs';
import { openModel, parseCount, parseProvider } from './openModel';
import { parseTrainerSettings, TRAINER_OPTIONS, TRAINER_OPTIONS_HELP } from './trainerOptions';

const HELP = `usage: elical train --model DIR --train FILE --family eli-only|cal-only|elical --out HEAD.safetensors
       [--from HEAD_ID_OR_FILE] [--budget N|all] [--kind linear|mlp] [--target consistency|correctness|sampling]
       [--seed 42] [--add-to-package] [--cache DIR] [--provider cpu|cuda|auto] [--threads N]

Trains one head on the HonestyBench records of FILE (features: the package's backbone at the
last prompt token, cached next to FILE or in --cache DIR).
  --family      eli-only (target consistency = Cons-Sem), cal-only (fresh head on labels) or
                elical (continues from --from, an Eli-Only head: a head id of the package or a
                head file)
  --budget N    train on N records chosen by the seed (the same N for cal-only and elical with
                the same seed); default all
  --target      consistency (eli-only's), correctness (greedy_correctness, default otherwise) or
                sampling (mean of sampling_correctness)
  --seed S      subset, validation split, initialisation and batch order (default 42)
A grouped 10 % of the chosen records (by fact_id, else question text) is held out to choose the
epoch. --add-to-package registers the head (id = file name without .safetensors) in the
package's manifest.json; --out must then lie inside the package.
${TRAINER_OPTIONS_HELP}`;

const FAMILIES: readonly HeadFamily[] = ['eli-only', 'cal-only', 'elical'];
const KINDS: readonly HeadKind[] = ['linear', 'mlp'];

function choice<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback?: T): T {
  const chosen = value ?? fallback;
  if (chosen === undefined) throw new CliUsageError(`train: --${name} is required (${allowed.join(', ')})\n${HELP}`);
  if (!(allowed as readonly string[]).includes(chosen)) throw new CliUsageError(`train: --${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(chosen)}`);
  return chosen as T;
}

/** --budget: a positive integer or "all" (null). */
export function parseBudget(value: string | undefined): number | null {
  if (value === undefined || value === 'all') return null;
  return parseCount('budget', value, 0, 1);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('train', HELP, args, {
    model: { type: 'string' },
    train: { type: 'string' },
    family: { type: 'string' },
    from: { type: 'string' },
    budget: { type: 'string' },
    kind: { type: 'string' },
    target: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    'add-to-package': { type: 'boolean' },
    cache: { type: 'string' },
    provider: { type: 'string' },
    threads: { type: 'string' },
    ...TRAINER_OPTIONS,
  }, (text) => io.stdout(text));
  if (parsed === null) return 0;
  const { values } = parsed;
  for (const name of ['model', 'train', 'out'] as const) if (!values[name]) throw new CliUsageError(`train: --${name} is required\n${HELP}`);
  const family = choice('family', values.family, FAMILIES);
  const kind = choice('kind', values.kind, KINDS, 'linear');
  const target: TargetName = choice('target', values.target, TARGET_NAMES, family === 'eli-only' ? 'consistency' : 'correctness');
  const budget = parseBudget(values.budget);
  const seed = parseCount('seed', values.seed, 42, 0);
  const settings = parseTrainerSettings(values);
  const out = values.out as string;
  if (!out.endsWith('.safetensors')) throw new CliUsageError(`train: --out must name a .safetensors file, got ${out}`);
  if (family === 'elical' && values.from === undefined) throw new CliUsageError('train: an elical head continues from an Eli-Only head: name it with --from HEAD_ID_OR_FILE');
  if (family !== 'elical' && values.from !== undefined) throw new CliUsageError(`train: --from is only for --family elical (a ${family} head starts fresh)`);
  const trainFile = values.train as string;
  const records = await readBenchFile(trainFile, 'train');
  try {
    if (target === 'consistency') requireBenchField(records, trainFile, 'consistencyJudgement', 'the consistency target needs (run elical generate)');
    if (target === 'correctness') requireBenchField(records, trainFile, 'greedyCorrectness', 'the correctness target needs (run elical generate with gold answers)');
    if (target === 'sampling') requireBenchField(records, trainFile, 'samplingCorrectness', 'the sampling target needs (run elical generate with gold answers)');
  } catch (error) {
    throw new CliUsageError(`train: ${(error as Error).message}`);
  }
  let rows: number[];
  try {
    rows = selectBudgetSubsets(records.length, [budget], seed)[0].indices;
  } catch (error) {
    throw new CliUsageError(`train: --budget: ${(error as Error).message} in ${trainFile}`);
  }

  const { pkg, runner } = await openModel(values.model as string, parseProvider(values.provider), io, parseCount('threads', values.threads, 0, 0));
  try {
    // Overwriting a file the manifest lists would leave a package whose sha256 check fails.
    const listed = Object.keys(pkg.manifest.files).concat(pkg.manifest.heads.map(({ file }) => file)).map((rel) => resolve(pkg.dir, rel));
    if (listed.includes(resolve(out))) throw new CliUsageError(`train: --out ${out} is a file of the package's manifest; overwriting it would break the package (choose a new file name)`);
    if (values['add-to-package']) {
      try {
        await checkHeadRegistration(pkg.dir, resolve(out), basename(out, '.safetensors'));
      } catch (error) {
        if (error instanceof AddHeadError) throw new CliUsageError(`train: --add-to-package: ${error.message}`);
        throw error;
      }
    }
    let from: TrainableHead | undefined;
    if (values.from !== undefined) {
      const packaged = pkg.heads.find(({ entry }) => entry.id === values.from);
      if (packaged !== undefined) from = packaged.head;
      else {
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await readFile(values.from));
        } catch {
          throw new CliUsageError(`train: --from ${values.from} is neither a head id of the package (${pkg.heads.map(({ entry }) => entry.id).join(', ') || 'none'}) nor a readable head file`);
        }
        try {
          from = readHeadFile(bytes, { expectedHiddenSize: pkg.manifest.architecture.hiddenSize }).head;
        } catch (error) {
          throw new CliUsageError(`train: --from ${values.from}: ${(error as Error).message}`);
        }
      }
    }
    const input = await benchFeatures(trainFile, records, { runner, tokenizer: pkg.tokenizer, prompt: pkg.manifest.prompt, backboneSha256: pkg.manifest.backbone.sha256 }, io, 'train', values.cache);
    let trained;
    try {
      trained = await trainFamilyHead({
        family, kind, target, features: input.features, hiddenSize: input.hiddenSize, records, rows, budget, from, seed, settings,
        signal: io.signal,
        onProgress: (p) => io.stderr(`train: epoch ${p.epoch}, step ${p.step}/${p.totalSteps}, train MSE ${p.trainLoss.toFixed(5)}, validation MSE ${p.validationLoss.toFixed(5)}${p.improved ? ' (best)' : ''}\n`),
      });
    } catch (error) {
      if (io.signal.aborted) {
        io.stderr(`train: interrupted; ${out} was not written\n`);
        return 130;
      }
      throw new CliUsageError(`train: ${(error as Error).message}`);
    }
    await writeFileAtomic(out, writeHeadFile(trained.head, trained.metadata));
    const t = trained.metadata.training;
    io.stderr(`train: wrote ${out} (${family}, ${kind}, budget ${budget ?? 'all'}, ${t?.trainSize} train + ${t?.validationSize} validation rows, best epoch ${t?.bestEpoch}/${t?.epochsRun})\n`);
    if (values['add-to-package']) {
      const id = basename(out, '.safetensors');
      try {
        await addHeadToPackage({
          packageDir: pkg.dir,
          headFile: out,
          id,
          metadata: trained.metadata,
          trainingData: `${basename(trainFile)}: ${t?.trainSize} records trained, ${t?.validationSize} held out for validation (target ${target}, seed ${seed})`,
        });
      } catch (error) {
        if (error instanceof AddHeadError) throw new CliUsageError(`train: --add-to-package: ${error.message} (${out} was written)`);
        throw error;
      }
      io.stderr(`train: added head ${id} to ${pkg.dir}/manifest.json\n`);
    }
    return 0;
  } finally {
    await runner.dispose();
  }
}

export const trainCommand: CliCommand = { name: 'train', summary: 'train one Eli-Only, Cal-Only or EliCal head on a HonestyBench file', run };
