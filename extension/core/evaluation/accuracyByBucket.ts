import type { BenchRecord } from './benchRecord';

/** Greedy accuracy of the records of one exposure bucket. */
export interface BucketAccuracy {
  bucket: string;
  n: number;
  correct: number;
  /** correct / n, in [0, 1]. */
  accuracy: number;
}

/** The demo data's buckets in the order of increasing exposure (tools/demo/README.md). */
export const EXPOSURE_BUCKET_ORDER: readonly string[] = ['unseen', '1-2', '3-10', '>10'];

/**
 * Greedy accuracy per `exposure_bucket` (the knowledge-boundary check of issue 4): records
 * without a bucket or without greedy_correctness are left out. Buckets come in
 * EXPOSURE_BUCKET_ORDER, then any others alphabetically; [] when no record has a bucket.
 * Worked example (also a unit test): buckets [unseen, >10, unseen, 1-2] with correctness
 * [0, 1, 1, 1] -> unseen 1/2 = 0.5, 1-2 1/1, >10 1/1.
 */
export function accuracyByBucket(records: readonly BenchRecord[]): BucketAccuracy[] {
  const counts = new Map<string, { n: number; correct: number }>();
  for (const record of records) {
    if (record.exposureBucket === null || record.greedyCorrectness === null) continue;
    const entry = counts.get(record.exposureBucket) ?? { n: 0, correct: 0 };
    entry.n += 1;
    entry.correct += record.greedyCorrectness;
    counts.set(record.exposureBucket, entry);
  }
  const rank = (bucket: string): number => {
    const index = EXPOSURE_BUCKET_ORDER.indexOf(bucket);
    return index === -1 ? EXPOSURE_BUCKET_ORDER.length : index;
  };
  return [...counts.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([bucket, { n, correct }]) => ({ bucket, n, correct, accuracy: correct / n }));
}
