/**
 * The user's label journal (extension/node/journalFile.ts) in the extension's global storage,
 * with its folded state kept current: after this window appends, and when another window
 * appends (the file is watched). Reads are serialised, so each byte of the file is folded once,
 * and only the new events are folded (JournalFolder): what a label click costs grows with the
 * events it adds, not with the journal.
 *
 * `state` is the folder's state, updated in place by later events (its records are replaced, not
 * changed: see "Sharing" in foldJournal.ts), so read it when needed rather than keeping it.
 */
import { watch, type FSWatcher } from 'node:fs';
import * as vscode from 'vscode';
import { JournalFolder, type JournalState } from '../core/journal/foldJournal';
import type { JournalEvent } from '../core/journal/journalEvent';
import { JournalFile } from '../node/journalFile';

export class LabelJournal implements vscode.Disposable {
  private readonly folder = new JournalFolder();
  private offset = 0;
  private lines = 0;
  private syncing: Promise<void> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private readonly changed = new vscode.EventEmitter<JournalState>();
  /** Fires with the new state whenever events were added (by any window). */
  readonly onDidChange = this.changed.event;

  private constructor(
    private readonly file: JournalFile,
    private readonly log: (line: string) => void,
  ) {}

  /** Opens (creating) the journal in `directory` and folds what it holds. */
  static async open(directory: string, log: (line: string) => void): Promise<LabelJournal> {
    const file = await JournalFile.open(directory);
    const journal = new LabelJournal(file, log);
    await journal.sync();
    try {
      journal.watcher = watch(file.path, { persistent: false }, () => void journal.sync());
      journal.watcher.on('error', (error) => log(`journal watch stopped: ${error.message}; other windows' labels appear after a reload`));
    } catch (error) {
      log(`journal watch unavailable: ${(error as Error).message}; other windows' labels appear after a reload`);
    }
    return journal;
  }

  get state(): JournalState {
    return this.folder.state;
  }

  get path(): string {
    return this.file.path;
  }

  /** Appends events (validated by the journal file first: an invalid one writes nothing), then folds what was appended. */
  async append(events: readonly JournalEvent[]): Promise<JournalState> {
    if (events.length === 0) return this.state;
    if (events.length === 1) await this.file.append(events[0]);
    else await this.file.appendMany(events);
    await this.sync();
    return this.state;
  }

  /** Reads what was appended since the last read (by any window) and folds those events alone; serialised. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      const update = await this.file.readSince(this.offset, this.lines);
      this.offset = update.endOffset;
      this.lines = update.lineCount;
      for (const warning of update.warnings) this.log(`journal line ${warning.line}: ${warning.reason}`);
      if (update.events.length === 0) return;
      for (const problem of this.folder.fold(update.events)) this.log(`journal event ${problem.eventId}: ${problem.reason}`);
      this.changed.fire(this.state);
    }).catch((error: unknown) => this.log(`journal read failed: ${error instanceof Error ? error.message : String(error)}`));
    return this.syncing;
  }

  dispose(): void {
    this.watcher?.close();
    this.changed.dispose();
    void this.file.close();
  }
}
