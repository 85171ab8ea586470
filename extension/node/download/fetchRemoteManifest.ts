/**
 * Step one of a download: fetch and check a package's manifest.json. The result names every file
 * to fetch (exactly those the loader verifies, core/scoring/packageFiles.ts) with its sha256, and
 * the package name, so a caller can pick the destination folder before any large file moves.
 */
import { type ModelManifest, parseModelManifest } from '../../core/scoring/modelManifest';
import { ModelPackageError } from '../../core/scoring/modelPackageError';
import { type PackageFile, packageFiles } from '../../core/scoring/packageFiles';
import { displayUrl } from './displayUrl';
import { ModelDownloadError } from './modelDownloadError';
import { openHttpResponse, statusError } from './openHttpResponse';
import { checkPackageFileName } from './packageFileLocation';
import { parseDownloadUrl, plainHttpDownloadWarning } from './parseDownloadUrl';
import { retryTransient } from './retryTransient';
import { resolveTransferOptions, type TransferOptions } from './transferOptions';

export interface RemotePackage {
  manifestUrl: URL;
  /**
   * The folder URL the package's files are fetched from: the manifest URL's folder as given, not
   * after redirects (hosts redirect each file to its own signed CDN URL).
   */
  baseUrl: URL;
  manifest: ModelManifest;
  /** manifest.json as served; written to the package unchanged. */
  manifestText: string;
  files: PackageFile[];
}

/** A manifest is a few KiB; anything much larger is not one. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

async function readManifestText(url: URL, options: ReturnType<typeof resolveTransferOptions>): Promise<{ text: string; url: URL }> {
  const response = await openHttpResponse(url, { method: 'GET', headers: { accept: 'application/json' }, timeoutMs: options.timeoutMs, signal: options.signal, file: 'manifest.json' });
  const where = `GET ${displayUrl(response.url)}`;
  if (response.status !== 200) {
    response.discard();
    throw statusError(response.status, where, 'manifest.json', 'manifest.json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.length;
    if (size > MAX_MANIFEST_BYTES) {
      response.discard();
      throw new ModelDownloadError('manifest-not-json', `${where}: the response exceeds ${MAX_MANIFEST_BYTES} bytes, far more than a manifest.json; check the URL`, 'manifest.json');
    }
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), url: response.url };
}

/**
 * Fetches and validates the manifest at `url` (see parseDownloadUrl for what it accepts).
 * Errors are ModelDownloadError: the transport and status codes, 'manifest-not-json',
 * 'manifest-invalid' (with the model package check's message), 'unsafe-path'.
 */
export async function fetchRemoteManifest(url: string, options: TransferOptions & { warn?: (message: string) => void } = {}): Promise<RemotePackage> {
  const manifestUrl = parseDownloadUrl(url);
  const transfer = resolveTransferOptions(options);
  const warning = plainHttpDownloadWarning(manifestUrl);
  if (warning !== null) options.warn?.(warning);
  const fetched = await retryTransient(() => readManifestText(manifestUrl, transfer), transfer);
  let raw: unknown;
  try {
    raw = JSON.parse(fetched.text);
  } catch {
    const start = fetched.text.slice(0, 40).replace(/\s+/g, ' ');
    throw new ModelDownloadError(
      'manifest-not-json',
      `${displayUrl(fetched.url)} is not JSON (it starts with ${JSON.stringify(start)}); give the URL of the package's manifest.json file itself (on a code host, its raw or download link, not the page that shows it)`,
      'manifest.json',
    );
  }
  let manifest: ModelManifest;
  try {
    manifest = parseModelManifest(raw);
  } catch (error) {
    if (!(error instanceof ModelPackageError)) throw error;
    const code = error.code === 'path-outside-package' ? 'unsafe-path' : 'manifest-invalid';
    throw new ModelDownloadError(code, `${displayUrl(fetched.url)} is not a usable model package manifest: ${error.message}`, 'manifest.json');
  }
  const files = packageFiles(manifest);
  for (const file of files) checkPackageFileName(file.path);
  return { manifestUrl, baseUrl: new URL('.', manifestUrl), manifest, manifestText: fetched.text, files };
}
