/**
 * Where a file named in a downloaded manifest goes: its URL beside manifest.json, and its path in
 * the staging folder. The name comes from the network, so it is checked here even though the
 * manifest parser already refuses `..` and absolute paths: a name must be plain `/`-separated
 * segments that stay inside the folder, and may not be one the downloader itself writes.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ModelDownloadError } from './modelDownloadError';

/** Suffix of a file still being downloaded (renamed away once its sha256 matched). */
export const PARTIAL_SUFFIX = '.elical-part';

function unsafe(name: string, why: string): never {
  throw new ModelDownloadError('unsafe-path', `manifest.json lists the file ${JSON.stringify(name)}, which ${why}; refusing to download this package`, 'manifest.json');
}

/** Throws 'unsafe-path' unless `name` is a safe relative file name (see the file comment). */
export function checkPackageFileName(name: string): void {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || isAbsolute(name)) unsafe(name, 'is an absolute path');
  // Backslashes would be separators on Windows only; package paths use `/` everywhere.
  if (name.includes('\\')) unsafe(name, 'contains a backslash (package paths use /)');
  if ([...name].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f')) unsafe(name, 'contains a control character');
  const segments = name.split('/');
  if (segments.includes('..')) unsafe(name, 'leaves the package folder');
  if (segments.some((segment) => segment === '' || segment === '.')) unsafe(name, 'has an empty or "." path segment');
  if (name === 'manifest.json') unsafe(name, 'would replace the manifest itself');
  if (name.endsWith(PARTIAL_SUFFIX)) unsafe(name, `ends with ${PARTIAL_SUFFIX}, which the downloader uses for unfinished files`);
}

/** The URL of `name` beside the manifest: each segment percent-encoded, so `#`, `?` or spaces stay part of the name. */
export function packageFileUrl(baseUrl: URL, name: string): URL {
  checkPackageFileName(name);
  return new URL(name.split('/').map(encodeURIComponent).join('/'), baseUrl);
}

/** The absolute path of `name` inside `dir`, checked again after resolving. */
export function packageFilePath(dir: string, name: string): string {
  checkPackageFileName(name);
  const root = resolve(dir);
  const path = resolve(join(root, ...name.split('/')));
  const inside = relative(root, path);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) unsafe(name, 'resolves outside the package folder');
  return path;
}
