/**
 * Runs the project's Python reference code (Debian's torch / onnx / scikit-learn through
 * /usr/bin/python3) from tests. On a developer machine without those packages the calling
 * test is skipped with the reason; under CI (CI=true) a missing module fails the test, since
 * .ci/run installs them and a silent skip would hide a broken install.
 */
import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

export const PYTHON = '/usr/bin/python3';

const availability = new Map<string, string | null>();

/** null when every module imports; otherwise the reason it does not. */
export function missingPythonModules(modules: string[]): string | null {
  const key = modules.join(',');
  if (!availability.has(key)) {
    const probe = spawnSync(PYTHON, ['-c', modules.map((name) => `import ${name}`).join('; ')], { encoding: 'utf8' });
    availability.set(key, probe.status === 0 ? null : `${PYTHON} cannot import ${key}: ${(probe.stderr || String(probe.error)).trim().split('\n').pop()}`);
  }
  return availability.get(key) ?? null;
}

/** Skips (locally) or fails (CI) the test when the modules are missing; returns true when usable. */
export function requirePython(t: TestContext, modules: string[]): boolean {
  const missing = missingPythonModules(modules);
  if (missing === null) return true;
  if (process.env.CI === 'true') throw new Error(`${missing} (CI must install it: see .ci/run)`);
  t.skip(missing);
  return false;
}

/** Runs a Python script file with arguments; throws with its stderr when it fails. */
export function runPython(args: string[], options: { input?: string; timeoutMs?: number } = {}): string {
  const result = spawnSync(PYTHON, args, {
    encoding: 'utf8',
    input: options.input,
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`python ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stderr}`);
  }
  return result.stdout;
}
