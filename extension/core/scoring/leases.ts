/**
 * Leases on shared, closable things (an open model and its ONNX session): while a long piece of
 * work holds one, retiring it does not free it; the last release does. Freeing a model under a
 * running retrain, elicitation or evaluation would fail minutes of work, and the next user should
 * get a fresh model anyway, so a retired item lives on only for its holders.
 */
export class Leases<T> {
  private readonly holders = new Map<T, number>();
  private readonly retired = new Set<T>();

  constructor(private readonly free: (item: T) => Promise<void>) {}

  /** Holds `item` until the returned release is called (calling it again does nothing). */
  hold(item: T): () => Promise<void> {
    this.holders.set(item, (this.holders.get(item) ?? 0) + 1);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      const left = (this.holders.get(item) ?? 1) - 1;
      if (left > 0) {
        this.holders.set(item, left);
        return;
      }
      this.holders.delete(item);
      if (this.retired.delete(item)) await this.free(item);
    };
  }

  /** Frees `item` now when nobody holds it, else when its last holder releases it. */
  async retire(item: T): Promise<void> {
    if (this.holders.has(item)) this.retired.add(item);
    else await this.free(item);
  }

  /** Frees every retired item still held (shutdown: the holders are going away too). */
  async freeRetired(): Promise<void> {
    const items = [...this.retired];
    this.retired.clear();
    this.holders.clear();
    await Promise.all(items.map((item) => this.free(item)));
  }
}
