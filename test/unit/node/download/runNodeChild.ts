/**
 * Runs a script in a separate Node process (through tsx, so it can require the extension's
 * TypeScript) and reports whether it exited on its own within a limit. The download tests use it
 * to prove that a failure leaves no open handle behind: a socket or timer nobody releases keeps a
 * process alive, which only shows as a child that never exits. Asynchronous on purpose: the HTTP
 * server the child talks to runs in the test's own process, which spawnSync would block.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface ChildRun {
  /** Exit code; null when it was killed at the limit. */
  code: number | null;
  /** Whether the limit ran out and the child was killed. */
  hung: boolean;
  stdout: string;
  stderr: string;
}

const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');

/** `script` is CommonJS run from the repository root; `args` arrive in process.argv.slice(1). */
export function runNodeChild(script: string, args: string[], limitMs: number): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', script, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, hung, stdout, stderr });
    });
  });
}
