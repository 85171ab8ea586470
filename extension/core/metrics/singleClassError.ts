/**
 * Thrown by metrics that compare correct with incorrect items (AUROC, PRR) when only one class is
 * present, where they are undefined. A class of its own so callers (the CLI, bootstrap) can tell
 * "undefined for this data" from a programming error without matching message text.
 */
export class SingleClassError extends Error {
  /** The only correctness value present. */
  readonly presentClass: 0 | 1;

  constructor(metric: string, presentClass: 0 | 1, count: number) {
    super(
      `${metric} needs both correct and incorrect items, but all ${count} items have correct = ${presentClass}`,
    );
    this.name = 'SingleClassError';
    this.presentClass = presentClass;
  }
}
