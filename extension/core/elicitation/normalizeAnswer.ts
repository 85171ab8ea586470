/**
 * The one text normalisation every lexical judge applies before comparing two answers, so that
 * "The Euro." and "euro" agree while "A" (a multiple-choice letter) never vanishes.
 */

/** Whole-word English articles removed by normalizeAnswer. */
export const ARTICLES: readonly string[] = ['a', 'an', 'the'];

const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]/gu;

/**
 * Normalises an answer for comparison (SQuAD's normalisation with the reference's "a" defect
 * fixed).
 *
 * Definition, in order:
 *  1. lower-case (String.prototype.toLowerCase, Unicode-aware);
 *  2. delete every Unicode punctuation or symbol character (\p{P}, \p{S}), without inserting a
 *     space, as SQuAD deletes string.punctuation: "U.S." -> "us", "Guinea-Bissau" ->
 *     "guineabissau" (so "guinea" is not a word of it);
 *  3. split on whitespace runs (dropping empty pieces);
 *  4. remove the words "a", "an" and "the" (whole words only: "ant", "theme", "banana" stay),
 *     UNLESS that would leave no word at all, in which case the words from step 3 are kept
 *     unchanged. Why: the reference code drops "a" unconditionally, so a multiple-choice answer
 *     "A" becomes "" and an empty string is contained in every gold answer, marking every "A"
 *     answer correct (elical.md, "Correctness");
 *  5. join the words with one space.
 * Range: a string with no leading, trailing or doubled spaces; "" only when the input has no
 * letters, digits or other non-punctuation characters at all (e.g. "", "?!", "  ").
 * Errors: none (any string is accepted).
 * Worked examples (also unit tests): "The  Euro." -> "euro"; "A" -> "a"; "the A" -> "the a"
 * (every word an article, so nothing is dropped); "An apple a day" -> "apple day";
 * "Theme park" -> "theme park"; "U.S. Dollar" -> "us dollar"; "?!" -> "".
 */
export function normalizeAnswer(text: string): string {
  const words = text.toLowerCase().replace(PUNCTUATION_OR_SYMBOL, '').split(/\s+/u).filter((word) => word.length > 0);
  const content = words.filter((word) => !ARTICLES.includes(word));
  return (content.length > 0 ? content : words).join(' ');
}

/** The words of normalizeAnswer(text); [] when it is empty. */
export function answerWords(text: string): string[] {
  const normalized = normalizeAnswer(text);
  return normalized === '' ? [] : normalized.split(' ');
}
