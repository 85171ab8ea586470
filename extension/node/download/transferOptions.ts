/**
 * The network settings of a model download, with their defaults and checks. Shared by the manifest
 * fetch and the file downloads so both behave the same on a slow or flaky link.
 */
export interface TransferOptions {
  /** Stall limit, ms: longest silence while waiting for a response or between two chunks (default 30,000). */
  timeoutMs?: number;
  /** Extra attempts after a transient failure, per request (default 3); see retryTransient.ts. */
  retries?: number;
  /** Backoff base, ms (default 500: waits 0.5, 1, 2 s, ...). */
  retryBaseDelayMs?: number;
  /** Cancels the download; partial files stay for a later resume. */
  signal?: AbortSignal;
}

export interface ResolvedTransferOptions {
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  signal?: AbortSignal;
}

/** Fills in defaults; a RangeError names a value out of range. */
export function resolveTransferOptions(options: TransferOptions): ResolvedTransferOptions {
  const check = (name: string, value: number | undefined, fallback: number, min: number): number => {
    const chosen = value ?? fallback;
    if (!Number.isFinite(chosen) || chosen < min) throw new RangeError(`${name} must be a number >= ${min}, got ${chosen}`);
    return chosen;
  };
  return {
    timeoutMs: check('timeoutMs', options.timeoutMs, 30_000, 1),
    retries: Math.floor(check('retries', options.retries, 3, 0)),
    retryBaseDelayMs: check('retryBaseDelayMs', options.retryBaseDelayMs, 500, 0),
    signal: options.signal,
  };
}
