/**
 * The URL a user gives for a model package: the package's manifest.json over http(s), or the
 * folder that holds it (a URL ending in `/`, to which manifest.json is added). Credentials in the
 * URL are refused: they would end up in messages and logs.
 */
import { isLoopbackHost } from '../remote/isLoopbackHost';
import { ModelDownloadError } from './modelDownloadError';

/** The manifest's URL; throws ModelDownloadError 'invalid-url' saying what is wrong. */
export function parseDownloadUrl(text: string): URL {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ModelDownloadError('invalid-url', `${JSON.stringify(trimmed)} is not a URL; give the URL of a model package's manifest.json, e.g. https://example.com/models/demo/manifest.json`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ModelDownloadError('invalid-url', `the URL must start with https:// or http://, got ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw new ModelDownloadError('invalid-url', 'the URL must not carry a user name or password');
  if (url.hash !== '') url.hash = '';
  if (url.pathname.endsWith('/')) url.pathname += 'manifest.json';
  return url;
}

/** The warning for a manifest fetched over plain http from another machine, or null. */
export function plainHttpDownloadWarning(url: URL): string | null {
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return null;
  return `${url.origin} uses plain http: whoever can change the manifest in transit can change the sha256 values that vouch for every file; prefer https`;
}
