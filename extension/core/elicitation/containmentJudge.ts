import { answerWords } from './normalizeAnswer';

/** True when `inner` (non-empty) occurs in `outer` as a run of consecutive whole words. */
function containsWords(outer: readonly string[], inner: readonly string[]): boolean {
  for (let start = 0; start + inner.length <= outer.length; start++) {
    let k = 0;
    while (k < inner.length && outer[start + k] === inner[k]) k++;
    if (k === inner.length) return true;
  }
  return false;
}

/**
 * Whole-word containment, in either direction: after normalizeAnswer, split into words, the
 * candidate agrees with the reference when either word list occurs inside the other as a run of
 * consecutive words. Both lists must be non-empty (an empty list would be inside everything:
 * the reference code's "A" defect).
 * Why both directions: "The capital is Lima" contains the gold "Lima" (a verbose answer is
 * right), and the gold "Papua New Guinean Kina" contains the answer "Kina" (a short answer is
 * right). The price: a too-general answer inside a longer gold ("Dollar" for "United States
 * Dollar") also counts; the exact judge is stricter.
 * Words, not characters: "Lima" is not inside "Limassol", and "guinea" is not inside
 * "Guinea-Bissau" (normalised to the single word "guineabissau").
 * Worked examples (also unit tests): ("The capital is Lima.", "Lima") -> true; ("Kina",
 * "Papua New Guinean Kina") -> true; ("Limassol", "Lima") -> false; ("new kina", "Papua New
 * Guinean Kina") -> false (not consecutive); ("A", "Paris") -> false; ("?", "Paris") -> false.
 */
export function containmentJudge(candidate: string, reference: string): boolean {
  const a = answerWords(candidate);
  const b = answerWords(reference);
  if (a.length === 0 || b.length === 0) return false;
  return a.length <= b.length ? containsWords(b, a) : containsWords(a, b);
}
