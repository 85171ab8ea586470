/** What one end-to-end suite reports to the CI summary (`e2e: N passed, M failed`). */
export interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  /** Declared but not run (after a failed UI step, or mocha's pending tests). */
  skipped: number;
  durationMs: number;
  /** One line per failure, for the closing report. */
  failures: string[];
}

/**
 * Reads the counts line the extension-host suite prints ("extension-host suite: 12 passed, 1
 * failed, 0 pending") from its console output; null when the suite never printed it (it crashed
 * or never started), which the caller must treat as a failure.
 * Example: parseSuiteCounts('x\nextension-host suite: 12 passed, 1 failed, 0 pending\n', 'extension-host suite:')
 *   -> { passed: 12, failed: 1, skipped: 0 }
 */
export function parseSuiteCounts(output: string, prefix: string): { passed: number; failed: number; skipped: number } | null {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${escaped} (\\d+) passed, (\\d+) failed, (\\d+) pending$`, 'm').exec(output);
  if (match === null) return null;
  return { passed: Number(match[1]), failed: Number(match[2]), skipped: Number(match[3]) };
}
