// What the extension's LabelJournal does on every change (extension/vscode/labelJournal.ts, which
// cannot load outside VS Code): readSince from the last offset, fold only the events read. The
// bytes here arrive in random pieces, cut mid-line as a reader can see a write in progress, with
// malformed lines among them; folding piece by piece must equal reading and folding the whole file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldJournal, JournalFolder } from '../../../extension/core/journal/foldJournal';
import { encodeJournalLine } from '../../../extension/core/journal/journalLineCodec';
import { createSeededRandom } from '../../../extension/core/math/seededRandom';
import { JournalFile } from '../../../extension/node/journalFile';
import { randomJournalEvents } from '../../support/randomJournalEvents';

let root = '';
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'elical-journal-fold-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('property: 30 journals read in random byte pieces and folded per read equal a whole read and one fold', async () => {
  const random = createSeededRandom(424242);
  for (let round = 0; round < 30; round++) {
    const lines = randomJournalEvents(random, 40).map((event) => `${encodeJournalLine(event)}\n`);
    for (let k = 0; k < 3; k++) lines.splice(Math.floor(random() * lines.length), 0, '{"schemaVersion":1,"type":"label-giv\n');
    const bytes = Buffer.from(lines.join(''), 'utf8');
    const file = await JournalFile.open(join(root, `r${round}`), { durability: 'none' });
    const folder = new JournalFolder();
    let offset = 0;
    let lineCount = 0;
    let written = 0;
    let warnings = 0;
    while (written < bytes.length) {
      const piece = Math.min(bytes.length - written, 1 + Math.floor(random() * 400));
      await appendFile(file.path, bytes.subarray(written, written + piece));
      written += piece;
      const update = await file.readSince(offset, lineCount);
      offset = update.endOffset;
      lineCount = update.lineCount;
      warnings += update.warnings.length;
      folder.fold(update.events);
    }
    const whole = await file.readAll();
    await file.close();
    assert.equal(warnings, whole.warnings.length, `round ${round}: the malformed lines are reported once each`);
    assert.deepStrictEqual(folder.state, foldJournal(whole.events), `round ${round}`);
  }
});
