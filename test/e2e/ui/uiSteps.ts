/**
 * A UI scenario as named steps run in order, with a screenshot after each one. The first failing
 * step leaves `NN-name-FAILED.png` and ends the scenario; the steps after it count as skipped,
 * because each step starts from the screen the one before left.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { SuiteResult } from '../support/suiteResult';

export interface UiStep {
  /** File-name friendly: it names the screenshot. */
  name: string;
  run: () => Promise<void>;
}

export async function runUiSteps(suite: string, page: Page, screenshots: string, steps: readonly UiStep[], log: (line: string) => void): Promise<SuiteResult> {
  const started = performance.now();
  const result: SuiteResult = { name: suite, passed: 0, failed: 0, skipped: 0, durationMs: 0, failures: [] };
  for (const [index, step] of steps.entries()) {
    const file = `${String(index + 1).padStart(2, '0')}-${step.name}`;
    if (result.failed > 0) {
      result.skipped += 1;
      log(`  - ${step.name} (skipped)`);
      continue;
    }
    const stepStarted = performance.now();
    try {
      await step.run();
      await page.screenshot({ path: join(screenshots, `${file}.png`) });
      result.passed += 1;
      log(`  ✔ ${step.name} (${((performance.now() - stepStarted) / 1000).toFixed(1)} s)`);
    } catch (error) {
      result.failed += 1;
      const message = error instanceof Error ? error.message : String(error);
      result.failures.push(`${suite} step "${step.name}": ${message.split('\n')[0]} (screenshot ${join(screenshots, `${file}-FAILED.png`)})`);
      log(`  ✘ ${step.name}: ${message}`);
      await page.screenshot({ path: join(screenshots, `${file}-FAILED.png`) }).catch((shotError: unknown) => log(`    (no screenshot: ${String(shotError)})`));
    }
  }
  result.durationMs = performance.now() - started;
  return result;
}
