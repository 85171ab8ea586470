/**
 * Bounded retries with exponential backoff for the downloader. Transient: 'unreachable',
 * 'connection-closed', 'timeout', and HTTP 408, 429, 502, 503, 504 (a busy or restarting server
 * or proxy). Everything else (404, a sha256 mismatch, TLS, an abort) fails at once: trying again
 * would fail the same way.
 */
import { ModelDownloadError } from './modelDownloadError';

export interface RetryPolicy {
  /** Extra attempts after a transient failure (0: fail on the first). */
  retries: number;
  /** Wait before retry k (k = 0, 1, ...) is retryBaseDelayMs * 2^k, capped at 10 s. */
  retryBaseDelayMs: number;
  signal?: AbortSignal;
}

const TRANSIENT_STATUS: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);
const MAX_DELAY_MS = 10_000;

export function isTransient(error: unknown): boolean {
  if (!(error instanceof ModelDownloadError)) return false;
  if (error.code === 'unreachable' || error.code === 'connection-closed' || error.code === 'timeout') return true;
  return error.status !== undefined && TRANSIENT_STATUS.has(error.status);
}

/** Example: base 500 ms waits 500, 1000, 2000, ... ms, never more than 10,000. */
export function backoffDelayMs(retry: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** retry, MAX_DELAY_MS);
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ModelDownloadError('aborted', 'the download was cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, fails for good, or used up the policy's retries. When
 * `progressed()` says a failed attempt still moved the work forward (bytes reached the disk), the
 * count starts again: a long download over a flaky link keeps going while each try gains ground.
 */
export async function retryTransient<T>(attempt: () => Promise<T>, policy: RetryPolicy, progressed: () => boolean = () => false): Promise<T> {
  let failures = 0;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error) || policy.signal?.aborted) throw error;
      failures = progressed() ? 1 : failures + 1;
      if (failures > policy.retries) throw error;
      await pause(backoffDelayMs(failures - 1, policy.retryBaseDelayMs), policy.signal);
    }
  }
}
