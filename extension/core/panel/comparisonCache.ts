import type { QuestionRecord } from '../journal/foldJournal';
import { type CheckpointComparisonOptions, type CheckpointComparisonRow, comparisonItems, comparisonRow, type HeadItems } from './checkpointComparison';

/** How one row is computed from its items; comparisonRow unless a test counts the calls. */
export type ComparisonRowFunction = (items: HeadItems, options: Pick<CheckpointComparisonOptions, 'resamples' | 'minItems'>) => CheckpointComparisonRow;

interface CachedRow {
  items: HeadItems;
  resamples: number | undefined;
  minItems: number | undefined;
  row: CheckpointComparisonRow;
}

/**
 * checkpointComparison, remembering the last build's rows so that a rebuild recomputes only the
 * heads whose items changed. Why: the panel sends a fresh snapshot after every journal event, and
 * most events (a question scored but not labelled, an answer shown, a promotion) leave every
 * head's labelled (score, label) pairs as they were, while the bootstrap intervals are the
 * snapshot's one costly part.
 * Key: a row depends only on its head's items (the labelled scores and labels in journal order)
 * and the options (the seed is fixed), so a head whose items are element-wise equal (===) to last
 * time's, under the same options, gets last time's row object back; any other head is computed.
 * Comparing the items themselves, not a hash or a version number, means a reused row is always
 * the row a fresh computation would give, whatever the journal did (undo, another window).
 * Bounded: only the heads of the latest call are kept (one entry per compared head).
 * The rows returned are shared with later calls, so callers copy before changing anything.
 * Worked example (also a unit test): rows for heads a and b, then a new unlabelled question
 * scored by both -> the same two row objects, no computation; then a label on a question only a
 * scored -> a is computed again, b's row object is reused.
 */
export class ComparisonCache {
  private cached = new Map<string, CachedRow>();

  constructor(private readonly computeRow: ComparisonRowFunction = comparisonRow) {}

  rows(questions: Iterable<QuestionRecord>, options: CheckpointComparisonOptions): readonly CheckpointComparisonRow[] {
    const next = new Map<string, CachedRow>();
    const rows = comparisonItems(questions, options.headIds).map((items) => {
      const earlier = next.get(items.headId) ?? this.cached.get(items.headId);
      if (earlier !== undefined && earlier.resamples === options.resamples && earlier.minItems === options.minItems && sameItems(earlier.items, items)) {
        next.set(items.headId, earlier);
        return earlier.row;
      }
      const entry: CachedRow = { items, resamples: options.resamples, minItems: options.minItems, row: this.computeRow(items, options) };
      next.set(items.headId, entry);
      return entry.row;
    });
    this.cached = next;
    return rows;
  }
}

function sameItems(a: HeadItems, b: HeadItems): boolean {
  if (a.confidences.length !== b.confidences.length) return false;
  for (let i = 0; i < a.confidences.length; i++) {
    if (a.confidences[i] !== b.confidences[i] || a.labels[i] !== b.labels[i]) return false;
  }
  return true;
}
