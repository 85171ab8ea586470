/**
 * Reading a HonestyBench file for training or evaluation, and its cached features, the same way
 * for `elical train` and `elical eval`: parse errors name file and line, progress goes to stderr.
 */
import { readFile } from 'node:fs/promises';
import { BenchFileError, parseBenchJsonl, type BenchRecord } from '../../core/evaluation/benchRecord';
import { loadOrComputeFeatures, type FeatureSource } from '../featureCache';
import { CliUsageError, type CliIo } from './cliIo';

export interface BenchInput {
  file: string;
  records: BenchRecord[];
  features: Float32Array;
  hiddenSize: number;
}

/** Parses a HonestyBench file; unreadable files and bad lines become CliUsageErrors. */
export async function readBenchFile(file: string, command: string): Promise<BenchRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliUsageError(`${command}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    return parseBenchJsonl(text, file);
  } catch (error) {
    if (error instanceof BenchFileError) throw new CliUsageError(`${command}: ${error.message}`);
    throw error;
  }
}

/** The records' features, from the cache when valid (reported), else computed with progress. */
export async function benchFeatures(file: string, records: BenchRecord[], source: FeatureSource, io: CliIo, command: string, cacheDir?: string): Promise<BenchInput> {
  let lastReport = 0;
  const result = await loadOrComputeFeatures({
    source,
    dataFile: file,
    questions: records.map((record) => record.question),
    cacheDir,
    signal: io.signal,
    onProgress: (done, total) => {
      if (Date.now() - lastReport < 1000 && done < total) return;
      lastReport = Date.now();
      io.stderr(`${command}: features of ${file}: ${done}/${total}\n`);
    },
  });
  io.stderr(`${command}: features of ${file}: ${result.cached ? 'cached' : 'computed'} (${result.path})\n`);
  return { file, records, features: result.features, hiddenSize: result.hiddenSize };
}
