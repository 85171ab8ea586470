/** What `EarlyStopping.observe` decided for one epoch. */
export type EarlyStoppingDecision = 'improved' | 'continue' | 'stop';

/**
 * Early stopping on validation loss with patience, keeping track of the best epoch.
 *
 * Definition: an epoch improves when its loss is strictly lower than the best so far (ties do
 * not count, as in the Hugging Face EarlyStoppingCallback with threshold 0); after `patience`
 * consecutive epochs without improvement, training stops. The first observed epoch always
 * improves. A NaN loss never improves.
 * Ranges: patience is an integer >= 1, or Infinity to never stop. Errors: RangeError otherwise.
 * Worked example (also a unit test): patience 2, losses 0.5, 0.4, 0.4, 0.45 give improved,
 * improved, continue, stop; best epoch 2 with loss 0.4.
 */
export class EarlyStopping {
  readonly patience: number;
  private bestLoss = Infinity;
  private bestAt = 0;
  private epochs = 0;

  constructor(patience: number) {
    if (!(patience === Infinity || (Number.isSafeInteger(patience) && patience >= 1))) {
      throw new RangeError(`patience must be an integer >= 1 or Infinity, got ${patience}`);
    }
    this.patience = patience;
  }

  /** Epoch (1-based) of the best loss so far; 0 before any epoch. */
  get bestEpoch(): number {
    return this.bestAt;
  }

  /** Best loss so far; Infinity before any improvement. */
  get bestValue(): number {
    return this.bestLoss;
  }

  observe(loss: number): EarlyStoppingDecision {
    this.epochs += 1;
    if (loss < this.bestLoss || (this.bestAt === 0 && !Number.isNaN(loss))) {
      this.bestLoss = loss;
      this.bestAt = this.epochs;
      return 'improved';
    }
    return this.epochs - this.bestAt >= this.patience ? 'stop' : 'continue';
  }
}
