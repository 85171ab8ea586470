/**
 * What the extension-host suite needs to know about the VS Code it runs in, handed over by the
 * runner through the environment (the extension host inherits the server's environment), and the
 * waits it shares. Each missing variable is an error naming it: a suite that guessed paths would
 * read another user's journal.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { type JournalEvent } from '../../../extension/core/journal/journalEvent';
import { JournalFile } from '../../../extension/node/journalFile';

export const EXTENSION_ID = 'elical.elical-confidence';
export const TEST_MODEL_EXTENSION_ID = 'elical-e2e.elical-e2e-test-model';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set: start the suite with test/e2e/runE2e.ts or test/e2e/runTestElectron.ts`);
  return value;
}

/** The `--user-data-dir` VS Code was started with. */
export function userDataDir(): string {
  return required('ELICAL_E2E_USER_DATA_DIR');
}

/** The model package folder the suite scores with (the committed tiny fixture unless told otherwise). */
export function fixtureModelDir(): string {
  return required('ELICAL_E2E_MODEL_DIR');
}

/** Where the extension keeps its label journal: its global storage folder under the user data folder. */
export function journalPath(): string {
  return join(userDataDir(), 'User', 'globalStorage', EXTENSION_ID, 'journal.jsonl');
}

export async function journalEvents(): Promise<JournalEvent[]> {
  const read = await JournalFile.readFile(journalPath());
  if (read.warnings.length > 0) throw new Error(`journal ${journalPath()} has unreadable lines: ${JSON.stringify(read.warnings)}`);
  return read.events;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Journal events appended after the first `before` ones, once `done` says they are complete. */
export async function waitForNewEvents(before: number, what: string, done: (events: JournalEvent[]) => boolean, timeoutMs?: number): Promise<JournalEvent[]> {
  return waitFor(
    what,
    async () => {
      const events = (await journalEvents()).slice(before);
      return done(events) ? events : undefined;
    },
    timeoutMs,
  );
}

/** Sets a user-level setting and waits until VS Code reports it, so the next request reads it. */
export async function setUserSetting(key: string, value: unknown): Promise<void> {
  const [section, ...rest] = key.split('.');
  await vscode.workspace.getConfiguration(section).update(rest.join('.'), value, vscode.ConfigurationTarget.Global);
  await waitFor(`setting ${key} = ${JSON.stringify(value)}`, () => (JSON.stringify(vscode.workspace.getConfiguration(section).get(rest.join('.'))) === JSON.stringify(value) ? true : undefined), 10_000);
}

/**
 * Sends `query` through the chat view, as a user typing it would: the request reaches the
 * participant through VS Code's chat service, not through a call into the extension.
 */
export async function askInChat(query: string): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.chat.open', { query, isPartialQuery: false });
}
