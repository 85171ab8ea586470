/**
 * `elical metrics FILE.jsonl [--paper-ece]`: the paper's headline metrics for a file of scored
 * answers, one `{"confidence": number, "correct": 0|1}` per line. The quick start runs it on a
 * committed fixture, so it is also the first thing a new user sees working.
 */
import { readFile } from 'node:fs/promises';
import { CliCommand, CliIo, CliUsageError } from './cliIo';
import { auroc } from '../../core/metrics/auroc';
import { calibrationError } from '../../core/metrics/calibrationError';
import { alignment } from '../../core/metrics/alignment';
import { brier } from '../../core/metrics/brier';
import { SingleClassError } from '../../core/metrics/singleClassError';

const USAGE = `usage: elical metrics FILE.jsonl [--paper-ece]

Reads one JSON object per line, {"confidence": number in [0, 1], "correct": 0 or 1} (other
fields are ignored, blank lines skipped), and prints one JSON object:
  n          number of items
  auroc      AUROC x100 (ties averaged, as scikit-learn)
  ece        expected calibration error as a fraction (10 equal-width bins, 1.0 in the last)
  alignment  the paper's Alignment x100 (tau tuned on the first 20 % of lines, accuracy on the rest)
  brier      Brier score (mean squared error of confidence against correctness)

options:
  --paper-ece  reproduce the reference code's ECE, which leaves confidences of exactly 1.0 out
               of the sum while counting them in N (only for comparing with published numbers)
  -h, --help   show this help`;

/** The printed summary, in the units of the paper. */
export interface MetricsSummary {
  n: number;
  /** AUROC x100. */
  auroc: number;
  /** ECE as a fraction in [0, 1]. */
  ece: number;
  /** Alignment accuracy x100. */
  alignment: number;
  brier: number;
}

/** Scored items read from a file, in file order. */
interface ScoredLines {
  confidences: number[];
  correct: number[];
}

/**
 * Parses the JSONL text; every problem names the file and the 1-based line, because a file of
 * thousands of lines is useless to fix from "bad input" alone.
 */
function parseScoredLines(text: string, file: string): ScoredLines {
  const confidences: number[] = [];
  const correct: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new CliUsageError(`${where}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CliUsageError(`${where}: expected an object {"confidence": number, "correct": 0|1}, got ${JSON.stringify(value)}`);
    }
    const record = value as Record<string, unknown>;
    const confidence = record.confidence;
    if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) {
      throw new CliUsageError(`${where}: "confidence" must be a number in [0, 1], got ${JSON.stringify(confidence) ?? 'nothing'}`);
    }
    const label = record.correct;
    if (label !== 0 && label !== 1) {
      throw new CliUsageError(`${where}: "correct" must be 0 or 1, got ${JSON.stringify(label) ?? 'nothing'}`);
    }
    confidences.push(confidence);
    correct.push(label);
  });
  if (confidences.length === 0) throw new CliUsageError(`${file}: no items (the file is empty or has only blank lines)`);
  return { confidences, correct };
}

/** The summary of already parsed items; SingleClassError becomes a usage error naming the file. */
function summariseMetrics(items: ScoredLines, file: string, paperEce: boolean): MetricsSummary {
  let aurocFraction: number;
  try {
    aurocFraction = auroc(items.confidences, items.correct);
  } catch (error) {
    if (error instanceof SingleClassError) throw new CliUsageError(`${file}: ${error.message}`);
    throw error;
  }
  return {
    n: items.confidences.length,
    auroc: aurocFraction * 100,
    ece: calibrationError(items.confidences, items.correct, { paperCompatible: paperEce }),
    alignment: alignment(items.confidences, items.correct).accuracy * 100,
    brier: brier(items.confidences, items.correct),
  };
}

export const metricsCommand: CliCommand = {
  name: 'metrics',
  summary: 'AUROC, ECE, Alignment and Brier of a JSONL file of {confidence, correct}',
  async run(args: string[], io: CliIo): Promise<number> {
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const files: string[] = [];
    let paperEce = false;
    for (const arg of args) {
      if (arg === '--paper-ece') paperEce = true;
      else if (arg.startsWith('-')) throw new CliUsageError(`metrics: unknown option "${arg}"\n${USAGE}`);
      else files.push(arg);
    }
    if (files.length !== 1) {
      throw new CliUsageError(`metrics: expected exactly one FILE.jsonl, got ${files.length}\n${USAGE}`);
    }
    const file = files[0];
    let text: string;
    try {
      text = await readFile(file, { encoding: 'utf8', signal: io.signal });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
      throw new CliUsageError(`${file}: cannot read (${reason})`);
    }
    const summary = summariseMetrics(parseScoredLines(text, file), file, paperEce);
    io.stdout(`${JSON.stringify(summary)}\n`);
    return 0;
  },
};
