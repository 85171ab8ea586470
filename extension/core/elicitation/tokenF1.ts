import { answerWords } from './normalizeAnswer';

/** An answer agrees under the F1 judge when its token F1 reaches this value. */
export const F1_JUDGE_THRESHOLD = 0.5;

/**
 * SQuAD-style token F1 between two answers, on the words of normalizeAnswer.
 *
 * Definition: with candidate words C and reference words R (multisets), common = the size of
 * their multiset intersection; if common = 0 the F1 is 0; otherwise precision = common / |C|,
 * recall = common / |R| and F1 = 2 * precision * recall / (precision + recall).
 * Choice: when either side has no words, F1 is 0 (SQuAD would give 1 when both are empty; an
 * empty answer states nothing, as in exactMatchJudge).
 * Range: [0, 1]; symmetric in its arguments.
 * Worked example (also a unit test): "United States Dollar" vs "US Dollar" -> words
 * [united, states, dollar] and [us, dollar], common 1, precision 1/3, recall 1/2,
 * F1 = 2 * (1/6) / (5/6) = 0.4.
 */
export function tokenF1(candidate: string, reference: string): number {
  const c = answerWords(candidate);
  const r = answerWords(reference);
  if (c.length === 0 || r.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const word of r) counts.set(word, (counts.get(word) ?? 0) + 1);
  let common = 0;
  for (const word of c) {
    const left = counts.get(word) ?? 0;
    if (left > 0) {
      common++;
      counts.set(word, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / c.length;
  const recall = common / r.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * The F1 judge: agreement when tokenF1 >= F1_JUDGE_THRESHOLD (0.5).
 * Worked examples (also unit tests): ("United States Dollar", "US Dollar") -> false (0.4);
 * ("Euro", "the Euro EUR") -> true (2 * 1 * 0.5 / 1.5 = 0.667).
 */
export function f1Judge(candidate: string, reference: string): boolean {
  return tokenF1(candidate, reference) >= F1_JUDGE_THRESHOLD;
}
