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

export async function addHeadToPackage(registration: HeadRegistration): Promise<void> {
  const dir = resolve(registration.packageDir);
  const rel = relative(dir, resolve(registration.headFile));
  if (rel.startsWith(`..${sep}`) || rel === '..' || resolve(dir, rel) !== resolve(registration.headFile) || rel.startsWith(sep)) {
    throw new AddHeadError(`${registration.headFile} is outside the package ${dir}; write the head inside it (e.g. --out ${join(registration.packageDir, 'heads', `${registration.id}.safetensors`)})`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(registration.id)) throw new AddHeadError(`head id ${JSON.stringify(registration.id)} must be letters, digits, . _ - (from the file name)`);
  const manifestPath = join(dir, 'manifest.json');
  const before = await readFile(manifestPath, 'utf8');
  const manifest = JSON.parse(before) as { heads?: unknown; files?: unknown; defaultHead?: unknown };
  if (!Array.isArray(manifest.heads)) throw new AddHeadError('manifest.json has no heads list');
  if (manifest.heads.some((entry: { id?: unknown }) => entry.id === registration.id)) {
    throw new AddHeadError(`the package already has a head with id ${JSON.stringify(registration.id)}; choose another --out name or remove that entry from manifest.json`);
  }
  const file = rel.split(sep).join('/');
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
