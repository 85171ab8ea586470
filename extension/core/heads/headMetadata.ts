/**
 * The metadata a head file carries in its safetensors `__metadata__` (docs/model-package.md,
 * "Heads (safetensors)"): which family and budget produced the head, on which target, with which
 * seed, and a summary of its training. The format allows only string values, so numbers are
 * written as decimal strings and the training summary as a JSON string.
 *
 * String form (all keys required):
 *   format = "elical-head", formatVersion = "1", kind = "linear" | "mlp",
 *   family = "eli-only" | "cal-only" | "elical", budget = "all" | a positive integer,
 *   target = "consistency" | "correctness", seed = a non-negative integer or "unknown",
 *   training = JSON {"epochsRun", "bestEpoch", "validationLoss", "trainSize", "validationSize"}
 *   or JSON null.
 * "unknown" and null are for heads imported from elsewhere (e.g. the seed release's
 * `vector_head_epoch_best.pt`), whose seed and training run this project never saw.
 * Extra keys are ignored on read, so later versions may add information without breaking older
 * readers; a different formatVersion is refused.
 */

export type HeadFamily = 'eli-only' | 'cal-only' | 'elical';
export type HeadKind = 'linear' | 'mlp';
export type HeadTarget = 'consistency' | 'correctness';

export const HEAD_FILE_FORMAT = 'elical-head';
export const HEAD_FILE_FORMAT_VERSION = 1;

/** What training did. Epochs count from 1; `bestEpoch` 0 only when no epoch ran. */
export interface HeadTrainingSummary {
  epochsRun: number;
  bestEpoch: number;
  /** Validation MSE of the kept (best) epoch; null when there was no validation split. */
  validationLoss: number | null;
  trainSize: number;
  validationSize: number;
}

export interface HeadMetadata {
  family: HeadFamily;
  kind: HeadKind;
  /** Number of labels (or questions) trained on; null means "all". */
  budget: number | null;
  target: HeadTarget;
  /** null: not known (an imported head). */
  seed: number | null;
  /** null: not known (an imported head). */
  training: HeadTrainingSummary | null;
}

/** Raised for metadata that is missing, malformed or of another format version. */
export class HeadMetadataError extends Error {
  override readonly name = 'HeadMetadataError';
}

const FAMILIES: readonly HeadFamily[] = ['eli-only', 'cal-only', 'elical'];
const KINDS: readonly HeadKind[] = ['linear', 'mlp'];
const TARGETS: readonly HeadTarget[] = ['consistency', 'correctness'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new HeadMetadataError(`head metadata "${key}" must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function decimalInteger(key: string, value: unknown, min: number): number {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]*)$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new HeadMetadataError(`head metadata "${key}" must be an integer >= ${min} written in decimal; got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function count(key: string, value: unknown, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new HeadMetadataError(`head metadata training.${key} must be an integer >= ${min}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Validates a training summary (from parsed JSON or from code). */
function parseTraining(value: unknown): HeadTrainingSummary {
  if (!isRecord(value)) throw new HeadMetadataError('head metadata "training" must be a JSON object');
  const epochsRun = count('epochsRun', value.epochsRun);
  const bestEpoch = count('bestEpoch', value.bestEpoch);
  if (bestEpoch > epochsRun || (epochsRun > 0 && bestEpoch === 0)) {
    throw new HeadMetadataError(`head metadata training.bestEpoch ${bestEpoch} must lie in 1..epochsRun (${epochsRun})`);
  }
  const loss = value.validationLoss;
  if (loss !== null && (typeof loss !== 'number' || !Number.isFinite(loss) || loss < 0)) {
    throw new HeadMetadataError(`head metadata training.validationLoss must be a finite number >= 0 or null; got ${JSON.stringify(loss)}`);
  }
  return {
    epochsRun,
    bestEpoch,
    validationLoss: loss,
    trainSize: count('trainSize', value.trainSize),
    validationSize: count('validationSize', value.validationSize),
  };
}

/** Validates a metadata object built in code; returns a fresh copy. */
export function validateHeadMetadata(value: unknown): HeadMetadata {
  if (!isRecord(value)) throw new HeadMetadataError('head metadata must be an object');
  const budget = value.budget;
  if (budget !== null && (typeof budget !== 'number' || !Number.isSafeInteger(budget) || budget < 1)) {
    throw new HeadMetadataError(`head metadata "budget" must be a positive integer or null (all); got ${JSON.stringify(budget)}`);
  }
  const seed = value.seed;
  if (seed !== null && (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0)) {
    throw new HeadMetadataError(`head metadata "seed" must be a non-negative integer or null (unknown); got ${JSON.stringify(seed)}`);
  }
  return {
    family: oneOf('family', value.family, FAMILIES),
    kind: oneOf('kind', value.kind, KINDS),
    budget,
    target: oneOf('target', value.target, TARGETS),
    seed,
    training: value.training === null ? null : parseTraining(value.training),
  };
}

/**
 * Parses the safetensors `__metadata__` of a head file (string values). Throws
 * `HeadMetadataError` naming the first missing or malformed key.
 */
export function parseHeadMetadata(raw: unknown): HeadMetadata {
  if (!isRecord(raw)) throw new HeadMetadataError('head metadata must be an object of strings');
  for (const key of ['format', 'formatVersion', 'kind', 'family', 'budget', 'target', 'seed', 'training']) {
    if (!(key in raw)) throw new HeadMetadataError(`head metadata lacks "${key}"`);
    if (typeof raw[key] !== 'string') throw new HeadMetadataError(`head metadata "${key}" must be a string; got ${JSON.stringify(raw[key])}`);
  }
  if (raw.format !== HEAD_FILE_FORMAT) {
    throw new HeadMetadataError(`head metadata "format" is ${JSON.stringify(raw.format)}, expected "${HEAD_FILE_FORMAT}"`);
  }
  if (raw.formatVersion !== String(HEAD_FILE_FORMAT_VERSION)) {
    throw new HeadMetadataError(`head file formatVersion ${JSON.stringify(raw.formatVersion)} is not supported; this build reads ${HEAD_FILE_FORMAT_VERSION}`);
  }
  let training: unknown;
  try {
    training = JSON.parse(raw.training as string);
  } catch (error) {
    throw new HeadMetadataError(`head metadata "training" is not valid JSON: ${(error as Error).message}`);
  }
  return validateHeadMetadata({
    family: raw.family,
    kind: raw.kind,
    budget: raw.budget === 'all' ? null : decimalInteger('budget', raw.budget, 1),
    target: raw.target,
    seed: raw.seed === 'unknown' ? null : decimalInteger('seed', raw.seed, 0),
    training,
  });
}

/** The string form written into `__metadata__`; validates first, so bad input writes nothing. */
export function serialiseHeadMetadata(metadata: HeadMetadata): Record<string, string> {
  const valid = validateHeadMetadata(metadata);
  const t = valid.training;
  return {
    format: HEAD_FILE_FORMAT,
    formatVersion: String(HEAD_FILE_FORMAT_VERSION),
    kind: valid.kind,
    family: valid.family,
    budget: valid.budget === null ? 'all' : String(valid.budget),
    target: valid.target,
    seed: valid.seed === null ? 'unknown' : String(valid.seed),
    training: t === null ? 'null' : JSON.stringify({
      epochsRun: t.epochsRun,
      bestEpoch: t.bestEpoch,
      validationLoss: t.validationLoss,
      trainSize: t.trainSize,
      validationSize: t.validationSize,
    }),
  };
}
