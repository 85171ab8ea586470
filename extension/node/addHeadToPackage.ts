/**
 * Registers a head file that already lies inside a model package in its manifest.json: a new
 * `heads` entry (id, file, sha256, family, kind, budget, target, trainingData, metrics) and the
 * file's sha256 in the `files` inventory; the package's default head is set only when it had
 * none. The manifest is rewritten atomically (temporary file + rename), so an interrupted run
 * leaves the old manifest, and the result is re-validated by loading the package before this
 * returns (a failure restores the old manifest).
 */
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { HeadMetadata } from '../core/heads/headMetadata';
import { loadModelPackage, sha256File } from './modelPackage';
import { writeFileAtomic } from './writeFileAtomic';

export interface HeadRegistration {
  packageDir: string;
  /** Path of the head file; must be inside packageDir. */
  headFile: string;
  id: string;
  metadata: HeadMetadata;
  /** Free text for the manifest's trainingData. */
  trainingData: string;
}

/** Raised when the head cannot be registered; the message says why and nothing was changed. */
export class AddHeadError extends Error {
  override readonly name = 'AddHeadError';
}

/**
 * The checks addHeadToPackage makes before changing anything, callable before training so that a
 * long run does not end in a refusal: the head file lies inside the package, the id is valid and
 * free. Returns the head file's package-relative path ('/' separators). Throws AddHeadError.
 */
export async function checkHeadRegistration(packageDir: string, headFile: string, id: string): Promise<string> {
  const dir = resolve(packageDir);
  const rel = relative(dir, resolve(headFile));
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || resolve(dir, rel) !== resolve(headFile) || rel.startsWith(sep)) {
    throw new AddHeadError(`${headFile} is outside the package ${dir}; write the head inside it (e.g. --out ${join(packageDir, 'heads', `${id}.safetensors`)})`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id)) throw new AddHeadError(`head id ${JSON.stringify(id)} must be letters, digits, . _ - (from the file name)`);
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { heads?: unknown };
  if (!Array.isArray(manifest.heads)) throw new AddHeadError('manifest.json has no heads list');
  if (manifest.heads.some((entry: { id?: unknown }) => entry.id === id)) {
    throw new AddHeadError(`the package already has a head with id ${JSON.stringify(id)}; choose another --out name or remove that entry from manifest.json`);
  }
  return rel.split(sep).join('/');
}

export async function addHeadToPackage(registration: HeadRegistration): Promise<void> {
  const dir = resolve(registration.packageDir);
  const file = await checkHeadRegistration(dir, registration.headFile, registration.id);
  const manifestPath = join(dir, 'manifest.json');
  const before = await readFile(manifestPath, 'utf8');
  const manifest = JSON.parse(before) as { heads: unknown[]; files?: unknown; defaultHead?: unknown };
  const rel = file.split('/').join(sep);
  const sha256 = await sha256File(join(dir, rel));
  const { metadata } = registration;
  manifest.heads.push({
    id: registration.id,
    file,
    sha256,
    family: metadata.family,
    kind: metadata.kind,
    budget: metadata.budget,
    target: metadata.target,
    trainingData: registration.trainingData,
    metrics: {},
  });
  if (typeof manifest.files === 'object' && manifest.files !== null && !Array.isArray(manifest.files)) (manifest.files as Record<string, string>)[file] = sha256;
  if (manifest.defaultHead === null || manifest.defaultHead === undefined) manifest.defaultHead = registration.id;
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  try {
    await loadModelPackage(dir);
  } catch (error) {
    await writeFileAtomic(manifestPath, before);
    throw new AddHeadError(`the package did not load with the new head, so manifest.json was restored: ${(error as Error).message}`);
  }
}
