import { normalizeAnswer } from './normalizeAnswer';

/**
 * Normalised exact match: the candidate agrees with the reference when both normalise
 * (normalizeAnswer) to the same non-empty string.
 * Choice: an answer that normalises to "" (blank, or punctuation only) agrees with nothing, not
 * even another blank answer, because it states nothing; counting blank pairs as agreement would
 * give a model that answers nothing perfect self-consistency.
 * Worked examples (also unit tests): ("The Euro.", "euro") -> true; ("Euro", "Euro EUR") ->
 * false; ("A", "B") -> false; ("A", "a") -> true; ("", "") -> false.
 */
export function exactMatchJudge(candidate: string, reference: string): boolean {
  const a = normalizeAnswer(candidate);
  return a !== '' && a === normalizeAnswer(reference);
}
