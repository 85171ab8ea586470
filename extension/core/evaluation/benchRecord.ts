/**
 * A HonestyBench record (elical.md, "HonestyBench") as the training and evaluation steps read it:
 * every field they use, parsed from `unknown` and checked, with the 1-based line it came from so
 * that every later complaint can name it. Fields a step does not need may be absent; the step
 * asks for them with requireBenchField, which names the first line lacking one.
 * The journal's import (journal/honestyBenchRecords.ts) reads the few fields a label needs; this
 * reader covers the generation fields (tokens, log-probs, judgements) that import ignores.
 */
import { RecordError, RecordReader } from '../journal/recordReader';

export interface BenchRecord {
  /** 1-based line number in its file. */
  line: number;
  question: string;
  answer: string[];
  greedyResponse: string | null;
  /** len(greedy_tokens[0]) and greedy_cumulative_logprobs[0] (N-Prob), when present. */
  greedyTokenCount: number | null;
  greedyCumulativeLogprob: number | null;
  greedyCorrectness: 0 | 1 | null;
  samplingCorrectness: (0 | 1)[] | null;
  consistencyJudgement: (0 | 1)[] | null;
  judge: string | null;
  /** Extension fields of the demo data (tools/demo/README.md). */
  factId: string | null;
  exposureBucket: string | null;
}

/** The optional fields a step can demand. */
export type BenchField = 'greedyCorrectness' | 'samplingCorrectness' | 'consistencyJudgement' | 'greedyTokenCount';

const FIELD_NAMES: Record<BenchField, string> = {
  greedyCorrectness: 'greedy_correctness',
  samplingCorrectness: 'sampling_correctness',
  consistencyJudgement: 'consistency_judgement',
  greedyTokenCount: 'greedy_tokens / greedy_cumulative_logprobs',
};

/** Thrown with "FILE:LINE: reason". */
export class BenchFileError extends Error {
  override readonly name = 'BenchFileError';
}

function own(value: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(value, key) ? value[key] : undefined;
}

function zeroOnes(value: unknown, field: string): (0 | 1)[] {
  if (!Array.isArray(value) || value.length === 0) throw new RecordError(`field ${field} must be a non-empty array of 0 and 1`);
  return value.map((item, index) => {
    if (item !== 0 && item !== 1) throw new RecordError(`field ${field}[${index}] must be 0 or 1, got ${JSON.stringify(item)}`);
    return item;
  });
}

/** Parses one record; throws RecordError naming the field. */
export function parseBenchRecord(value: unknown, line: number): BenchRecord {
  const reader = RecordReader.of(value, 'a HonestyBench record');
  const raw = value as Record<string, unknown>;
  const question = reader.string('question', { nonEmpty: true });
  const answer = reader.has('answer') ? reader.strings('answer') : [];
  const greedy = reader.has('greedy_response') ? reader.strings('greedy_response') : [];
  let greedyTokenCount: number | null = null;
  let greedyCumulativeLogprob: number | null = null;
  const tokens = own(raw, 'greedy_tokens');
  const cumulative = own(raw, 'greedy_cumulative_logprobs');
  if (tokens !== undefined || cumulative !== undefined) {
    if (!Array.isArray(tokens) || !Array.isArray(tokens[0]) || tokens[0].length === 0 || !tokens[0].every((token: unknown) => typeof token === 'string')) {
      throw new RecordError('field greedy_tokens must be a list holding a non-empty list of token strings');
    }
    if (!Array.isArray(cumulative) || typeof cumulative[0] !== 'number' || !Number.isFinite(cumulative[0]) || cumulative[0] > 1e-9) {
      throw new RecordError(`field greedy_cumulative_logprobs must be a list holding a finite log-probability <= 0, got ${JSON.stringify(cumulative)}`);
    }
    greedyTokenCount = tokens[0].length;
    greedyCumulativeLogprob = cumulative[0];
  }
  const correctness = own(raw, 'greedy_correctness');
  const sampling = own(raw, 'sampling_correctness');
  const consistency = own(raw, 'consistency_judgement');
  const optionalString = (field: string): string | null => {
    const item = own(raw, field);
    if (item === undefined || item === null) return null;
    if (typeof item !== 'string') throw new RecordError(`field ${field} must be a string, got ${JSON.stringify(item)}`);
    return item;
  };
  return {
    line,
    question,
    answer,
    greedyResponse: greedy.length > 0 ? greedy[0] : null,
    greedyTokenCount,
    greedyCumulativeLogprob,
    greedyCorrectness: correctness === undefined ? null : reader.oneOf('greedy_correctness', [0, 1] as const),
    samplingCorrectness: sampling === undefined ? null : zeroOnes(sampling, 'sampling_correctness'),
    consistencyJudgement: consistency === undefined ? null : zeroOnes(consistency, 'consistency_judgement'),
    judge: optionalString('judge'),
    factId: optionalString('fact_id'),
    exposureBucket: optionalString('exposure_bucket'),
  };
}

/**
 * Parses JSONL text (blank lines skipped, "\r\n" accepted). Errors: BenchFileError
 * "FILE:LINE: reason" for the first bad line, or "FILE: no records" for an empty file.
 * Example (also a unit test): line 2 `{"question": "Q", "greedy_correctness": 2}` gives
 * "bench.jsonl:2: field greedy_correctness must be one of 0, 1, got 2".
 */
export function parseBenchJsonl(text: string, file: string): BenchRecord[] {
  const records: BenchRecord[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const body = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (body.trim() === '') return;
    try {
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch (error) {
        throw new RecordError(`not valid JSON (${(error as Error).message})`);
      }
      records.push(parseBenchRecord(value, index + 1));
    } catch (error) {
      if (error instanceof RecordError) throw new BenchFileError(`${file}:${index + 1}: ${error.message}`);
      throw error;
    }
  });
  if (records.length === 0) throw new BenchFileError(`${file}: no records (one HonestyBench JSON object per line)`);
  return records;
}

/**
 * Throws BenchFileError "FILE:LINE: missing FIELD, which WHY" for the first record lacking the
 * field (e.g. Cons-Sem needs consistency_judgement; run `elical generate` with gold answers).
 */
export function requireBenchField(records: readonly BenchRecord[], file: string, field: BenchField, why: string): void {
  const missing = records.find((record) => (field === 'greedyTokenCount' ? record.greedyTokenCount : record[field]) === null);
  if (missing !== undefined) throw new BenchFileError(`${file}:${missing.line}: missing ${FIELD_NAMES[field]}, which ${why}`);
}
