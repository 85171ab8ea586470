import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EvaluationError } from '../../../../extension/node/evaluation/evaluationError';
import { writeReportFolder } from '../../../../extension/node/evaluation/writeReportFolder';

test('writeReportFolder: all files appear at once under the new name; the parent is created', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-report-folder-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const parent = join(dir, 'evaluations');
  const folder = await writeReportFolder(parent, '2025-01-02T03-04-05-006Z', new Map([['report.md', '# report\n'], ['plot.svg', '<svg/>']]));
  assert.equal(folder, join(parent, '2025-01-02T03-04-05-006Z'));
  assert.deepEqual(readdirSync(parent), ['2025-01-02T03-04-05-006Z'], 'no temporary folder left');
  assert.deepEqual(readdirSync(folder).sort(), ['plot.svg', 'report.md']);
  assert.equal(readFileSync(join(folder, 'report.md'), 'utf8'), '# report\n');
  await assert.rejects(writeReportFolder(parent, '2025-01-02T03-04-05-006Z', new Map([['report.md', 'other']])), (error) => error instanceof EvaluationError && /already exists/.test(error.message));
  assert.equal(readFileSync(join(folder, 'report.md'), 'utf8'), '# report\n', 'an existing folder is never replaced');
});

test('writeReportFolder: bad names are refused and a failure mid-way leaves nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elical-report-folder-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, file] of [['../out', 'report.md'], ['ok', '../report.md'], ['ok', 'a/b.svg'], ['', 'report.md'], ['ok', '..']]) {
    await assert.rejects(writeReportFolder(dir, name, new Map([[file, 'x']])), (error) => error instanceof EvaluationError && /not a plain file name/.test(error.message), `${name} ${file}`);
  }
  assert.deepEqual(readdirSync(dir), []);
  // The second file's write fails (its text is not a string) after the first was written.
  const failing = new Map<string, string>([['report.md', 'x'], ['plot.svg', Symbol('not text') as unknown as string]]);
  await assert.rejects(writeReportFolder(dir, 'run', failing));
  assert.deepEqual(readdirSync(dir), [], 'neither the folder nor its temporary sibling');
});
