/**
 * Step two of a download: every file of a fetched manifest into `DEST.partial/`, each verified
 * (downloadPackageFile.ts), then the whole staged package through the same checks as any package
 * (loadModelPackage), and only then a rename of the staging folder to DEST. DEST therefore never
 * holds half a package: it is absent, the previous package, or the new, checked one.
 *
 * A run that stops (network failure, cancel, crash) leaves DEST.partial/ behind; the next run for
 * the same DEST and the same manifest keeps the verified files and resumes the partial one. A
 * different manifest (the package changed upstream) empties the staging folder first.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { DownloadProgress } from '../../core/download/downloadProgress';
import type { ModelManifest } from '../../core/scoring/modelManifest';
import { ModelPackageError } from '../../core/scoring/modelPackageError';
import { loadModelPackage } from '../modelPackage';
import { writeFileAtomic } from '../writeFileAtomic';
import { downloadPackageFile } from './downloadPackageFile';
import type { RemotePackage } from './fetchRemoteManifest';
import { ModelDownloadError } from './modelDownloadError';
import { openHttpResponse } from './openHttpResponse';
import { packageFilePath, packageFileUrl } from './packageFileLocation';
import { acquireStagingLock } from './stagingLock';
import { resolveTransferOptions, type ResolvedTransferOptions, type TransferOptions } from './transferOptions';

export interface DownloadOptions extends TransferOptions {
  /** Replace an existing DEST (only once the new package passed every check). */
  force?: boolean;
  /** Called often (every chunk); throttle before drawing. */
  onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadResult {
  /** The package folder (absolute). */
  dir: string;
  manifest: ModelManifest;
  fileCount: number;
  /** The package's size in bytes, manifest.json excluded. */
  bytes: number;
  /** Bytes that came over the network in this run (less than `bytes` after a resume). */
  bytesReceived: number;
}

/** The staging folder of a destination. */
export function stagingFolder(destination: string): string {
  return `${resolve(destination)}.partial`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function sizeIfFile(path: string): Promise<number | null> {
  try {
    const info = await lstat(path);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

function destinationExists(destination: string): ModelDownloadError {
  return new ModelDownloadError('destination-exists', `${destination} already exists; choose another folder, or allow replacing it (elical download --force)`);
}

/**
 * The file's size from a HEAD request, for the progress total only: a status other than 200 or a
 * missing Content-Length gives null (the GET reports real problems). A transport failure gives
 * 'unreachable', so the caller stops asking: a stalled server must not cost one timeout per file
 * before the downloads even start.
 */
async function remoteSize(url: URL, file: string, transfer: ResolvedTransferOptions): Promise<number | null | 'unreachable'> {
  try {
    const response = await openHttpResponse(url, { method: 'HEAD', timeoutMs: transfer.timeoutMs, signal: transfer.signal, file });
    response.discard();
    const length = response.headers['content-length'];
    return response.status === 200 && typeof length === 'string' && /^\d+$/.test(length) ? Number(length) : null;
  } catch (error) {
    if (error instanceof ModelDownloadError && error.code === 'aborted') throw error;
    return 'unreachable';
  }
}

/** Keeps the staging folder when it holds this manifest's files; empties it otherwise. */
async function prepareStaging(staging: string, manifestText: string): Promise<void> {
  const manifestPath = join(staging, 'manifest.json');
  const staged = await readFile(manifestPath, 'utf8').catch(() => null);
  if (staged === manifestText) return;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await writeFileAtomic(manifestPath, manifestText);
}

/** Moves the checked package into place; with `force`, the old DEST goes only after the new one is there. */
async function placePackage(staging: string, destination: string, force: boolean): Promise<void> {
  if (!(await exists(destination))) {
    await rename(staging, destination);
    return;
  }
  if (!force) throw destinationExists(destination);
  const previous = `${destination}.replaced-${randomBytes(4).toString('hex')}`;
  await rename(destination, previous);
  try {
    await rename(staging, destination);
  } catch (error) {
    await rename(previous, destination).catch(() => undefined);
    throw error;
  }
  await rm(previous, { recursive: true, force: true });
}

/**
 * Downloads `remote` (from fetchRemoteManifest) into `destination`. Errors are ModelDownloadError:
 * 'destination-exists' (before any transfer, and again at the end if the folder appeared
 * meanwhile), the codes of downloadPackageFile, 'package-invalid' when the files are intact but the
 * package fails loadModelPackage's checks (the staging folder is then removed: downloading it
 * again would give the same package), 'in-progress' while another live process downloads into the
 * same destination.
 */
export async function downloadModelPackage(remote: RemotePackage, destination: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const transfer = resolveTransferOptions(options);
  const dir = resolve(destination);
  const force = options.force === true;
  if (!force && (await exists(dir))) throw destinationExists(dir);
  const staging = stagingFolder(dir);
  await mkdir(dirname(dir), { recursive: true });
  const releaseLock = await acquireStagingLock(staging, dir);
  try {
    return await downloadIntoStaging(remote, dir, staging, force, transfer, options.onProgress);
  } finally {
    await releaseLock();
  }
}

async function downloadIntoStaging(
  remote: RemotePackage,
  dir: string,
  staging: string,
  force: boolean,
  transfer: ResolvedTransferOptions,
  onProgress: DownloadOptions['onProgress'],
): Promise<DownloadResult> {
  await prepareStaging(staging, remote.manifestText);

  const fileCount = remote.files.length;
  const sizes: (number | null)[] = [];
  const report = (phase: DownloadProgress['phase'], fileIndex: number, bytesDone: number): void => {
    const bytesTotal = sizes.length === fileCount && sizes.every((size) => size !== null) ? (sizes as number[]).reduce((sum, size) => sum + size, 0) : null;
    onProgress?.({ phase, file: phase === 'files' ? remote.files[fileIndex - 1].path : null, fileIndex, fileCount, bytesDone, bytesTotal });
  };

  let probing = true;
  for (const file of remote.files) {
    if (transfer.signal?.aborted) throw new ModelDownloadError('aborted', 'the download was cancelled');
    let size = await sizeIfFile(packageFilePath(staging, file.path));
    if (size === null && probing) {
      const remoteAnswer = await remoteSize(packageFileUrl(remote.baseUrl, file.path), file.path, transfer);
      probing = remoteAnswer !== 'unreachable';
      size = remoteAnswer === 'unreachable' ? null : remoteAnswer;
    }
    sizes.push(size);
    report('sizes', sizes.length, 0);
  }

  let finished = 0;
  let bytesReceived = 0;
  for (const [index, file] of remote.files.entries()) {
    const size = await downloadPackageFile(file, {
      baseUrl: remote.baseUrl,
      stagingDir: staging,
      transfer,
      onBytes: (fileBytes) => report('files', index + 1, finished + fileBytes),
      onReceived: (bytes) => {
        bytesReceived += bytes;
      },
    });
    // The real size replaces the HEAD answer (or its absence) for the rest of the total.
    sizes[index] = size;
    finished += size;
  }

  report('verifying', fileCount, finished);
  let manifest: ModelManifest;
  try {
    manifest = (await loadModelPackage(staging)).manifest;
  } catch (error) {
    if (!(error instanceof ModelPackageError)) throw error;
    await rm(staging, { recursive: true, force: true });
    throw new ModelDownloadError('package-invalid', `every file arrived intact, but the package is not usable: ${error.message}`, error.file);
  }
  // The check reads every file and does not watch the signal: a cancel during "verifying" must
  // still leave DEST as it was (with force, the old package too). The staging folder stays, so
  // a rerun only checks the package again.
  if (transfer.signal?.aborted) throw new ModelDownloadError('aborted', 'the download was cancelled while the package was being checked; the downloaded files are kept for the next run');
  await placePackage(staging, dir, force);
  return { dir, manifest, fileCount, bytes: finished, bytesReceived };
}
