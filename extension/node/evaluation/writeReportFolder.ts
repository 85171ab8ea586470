/**
 * Writes an evaluation's files (report and plots) as one new folder `<parent>/<name>`, all or
 * nothing: the files go into a hidden temporary sibling first, which is renamed into place at the
 * end, so a failure (or a crash) never leaves a half-written report folder under that name.
 * Errors: EvaluationError when `<parent>/<name>` exists or a file name is not a plain name; the
 * file system's errors otherwise (the temporary folder is removed first).
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EvaluationError } from './evaluationError';

/** Returns the new folder's path. `files` maps plain file names to their text. */
export async function writeReportFolder(parent: string, name: string, files: ReadonlyMap<string, string>): Promise<string> {
  for (const file of [name, ...files.keys()]) {
    if (file === '' || file === '.' || file === '..' || basename(file) !== file || file.includes('\\')) throw new EvaluationError(`not a plain file name: ${JSON.stringify(file)}`);
  }
  const target = join(parent, name);
  const exists = await access(target).then(() => true, () => false);
  if (exists) throw new EvaluationError(`${target} already exists`);
  await mkdir(parent, { recursive: true });
  const temp = join(parent, `.${name}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(temp);
    for (const [file, text] of files) await writeFile(join(temp, file), text, 'utf8');
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  return target;
}
