import type { QuestionRecord } from '../journal/foldJournal';
import { reliabilityBins, type ReliabilityBin } from '../metrics/reliabilityBins';
import { checkpointMetrics, type CheckpointMetrics } from '../metrics/checkpointMetrics';

/** One row of the panel's comparison table and one series of its reliability diagram. */
export interface CheckpointComparisonRow {
  headId: string;
  /** Labelled questions this head scored (its n). */
  n: number;
  /** Null below `minItems` labelled scores (too few to say anything). */
  metrics: CheckpointMetrics | null;
  /** 10 equal-width bins (reliabilityBins); empty bins when metrics is null. */
  bins: ReliabilityBin[];
}

export interface CheckpointComparisonOptions {
  /** Heads to compare, in display order (e.g. package heads, then the user's). */
  headIds: readonly string[];
  /** Bootstrap resamples per interval; default 200. */
  resamples?: number;
  /** Fewest labelled scores for metrics; default 2. */
  minItems?: number;
}

/**
 * Each checkpoint's metrics on the user's labels, from the confidences recorded in the journal
 * when each question was asked. A head retrained later has no score for older questions, so it is
 * measured only on questions asked after it existed: never on the labels it trained on (an
 * honest, out-of-sample n, which is why n is shown per row).
 * Definition: for head h, the items are the questions (in journal order) that have both an
 * active label and a recorded score for h; metrics = checkpointMetrics(scores, labels) with the
 * given resamples and seed 42; bins = reliabilityBins of the same items.
 * Worked example (also a unit test): questions with scores {a: 0.9} label 1, {a: 0.2, b: 0.6}
 * label 0, {b: 0.7} unlabelled -> row a: n 2, brier (0.01 + 0.04) / 2 = 0.025; row b: n 1, no
 * metrics (below 2 items).
 */
export function checkpointComparison(questions: Iterable<QuestionRecord>, options: CheckpointComparisonOptions): CheckpointComparisonRow[] {
  return comparisonItems(questions, options.headIds).map((items) => comparisonRow(items, options));
}

/** One head's labelled items, in journal order: everything its comparison row depends on. */
export interface HeadItems {
  headId: string;
  confidences: number[];
  labels: number[];
}

/** Each head's items as checkpointComparison defines them, in `headIds` order. */
export function comparisonItems(questions: Iterable<QuestionRecord>, headIds: readonly string[]): HeadItems[] {
  const byHead = new Map<string, HeadItems>(headIds.map((headId) => [headId, { headId, confidences: [], labels: [] }]));
  const heads = [...byHead.values()];
  for (const question of questions) {
    if (question.label === null) continue;
    for (const head of heads) {
      const score = question.scores[head.headId];
      if (score === undefined) continue;
      head.confidences.push(score);
      head.labels.push(question.label.label);
    }
  }
  return headIds.map((headId) => byHead.get(headId) as HeadItems);
}

/** One head's row from its items (checkpointComparison's definition). */
export function comparisonRow(items: HeadItems, options: Pick<CheckpointComparisonOptions, 'resamples' | 'minItems'>): CheckpointComparisonRow {
  const { headId, confidences: c, labels: y } = items;
  if (c.length < (options.minItems ?? 2)) {
    return { headId, n: c.length, metrics: null, bins: c.length === 0 ? emptyBins() : reliabilityBins(c, y) };
  }
  return { headId, n: c.length, metrics: checkpointMetrics(c, y, { resamples: options.resamples ?? 200, seed: 42 }), bins: reliabilityBins(c, y) };
}

function emptyBins(): ReliabilityBin[] {
  return Array.from({ length: 10 }, (_, k) => ({ lower: k / 10, upper: (k + 1) / 10, count: 0, meanConfidence: null, accuracy: null }));
}
