/**
 * The one input check shared by every metric, so that each metric states its formula and not
 * its validation, and so that bad input fails the same way everywhere and before any work.
 */

/**
 * Throws unless `confidences` and `correct` describe at least one scored item: equal lengths,
 * every confidence a number in [0, 1] (0 and 1 included), every correctness exactly 0 or 1.
 * `correct` is numeric (not boolean) because that is how HonestyBench's greedy_correctness and
 * the CLI's JSONL store it.
 * Errors (RangeError, naming the first offending index and value):
 *   - empty input: "no items: a metric needs at least one scored item";
 *   - lengths differ: "3 confidences but 4 correctness labels";
 *   - confidence NaN, infinite or outside [0, 1]: "confidence at index 2 is 1.5; ...";
 *   - correctness other than 0 or 1: "correct at index 0 is 2; ...".
 * Worked example (also a unit test): checkScoredItems([0.2, 1], [0, 1]) returns; with [0.2, NaN]
 * it throws "confidence at index 1 is NaN; confidences must be numbers in [0, 1]".
 */
export function checkScoredItems(confidences: ArrayLike<number>, correct: ArrayLike<number>): void {
  if (confidences.length !== correct.length) {
    throw new RangeError(`${confidences.length} confidences but ${correct.length} correctness labels; each item needs both`);
  }
  if (confidences.length === 0) throw new RangeError('no items: a metric needs at least one scored item');
  for (let i = 0; i < confidences.length; i++) {
    const value = confidences[i];
    // Written as a negated range test so that NaN (which fails every comparison) is caught too.
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new RangeError(`confidence at index ${i} is ${String(value)}; confidences must be numbers in [0, 1]`);
    }
    const label = correct[i];
    if (label !== 0 && label !== 1) {
      throw new RangeError(`correct at index ${i} is ${String(label)}; correctness must be 0 or 1`);
    }
  }
}
