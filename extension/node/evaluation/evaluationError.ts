/**
 * Bad input to an evaluation (runEvaluation.ts, evaluationArguments.ts): an unreadable or
 * malformed HonestyBench file, a record lacking a field the comparison needs, a test file named
 * twice, bad command arguments. The message names the file (and line) or the argument; callers
 * show it as is (the CLI prefixes "eval: "). Never thrown for cancellation or runtime failures.
 */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}
