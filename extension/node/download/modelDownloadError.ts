/**
 * Why a model package download failed. One code per failure so callers (the CLI, the VS Code
 * command, tests) can react without parsing messages; every message names the URL or the file and
 * says what to do. Messages never carry credentials: download URLs may not have a user name or
 * password, and URLs are shown without their query (displayUrl.ts), where signed redirects and
 * tokens keep theirs.
 */
export type ModelDownloadErrorCode =
  /** The URL is not an http(s) URL without credentials. */
  | 'invalid-url'
  /** Nothing answered: connection refused, unknown host, network down. */
  | 'unreachable'
  /** The TLS handshake failed (certificate, protocol, https to a plain-http port). */
  | 'tls'
  /** No response, or no bytes of the body, within the stall timeout. */
  | 'timeout'
  /** The connection closed before the response was complete. */
  | 'connection-closed'
  /** HTTP 401 or 403. */
  | 'unauthorized'
  /** HTTP 404 or 410. */
  | 'not-found'
  /** HTTP 5xx. */
  | 'server-error'
  /** Another unexpected answer: a status, a redirect loop, a Content-Range that does not fit. */
  | 'http-error'
  /** manifest.json is not JSON (often an HTML page: the URL is not the manifest's). */
  | 'manifest-not-json'
  /** manifest.json is JSON but not a model package manifest this build reads. */
  | 'manifest-invalid'
  /** A file name in the manifest would land outside the package folder, or is reserved. */
  | 'unsafe-path'
  /** A downloaded file's sha256 differs from the manifest's (the file is deleted). */
  | 'sha256-mismatch'
  /** Every file arrived intact, but the package fails the model package checks. */
  | 'package-invalid'
  /** The destination folder exists and overwriting it was not asked for. */
  | 'destination-exists'
  /** Another live process is downloading into the same destination (stagingLock.ts). */
  | 'in-progress'
  /** The caller's AbortSignal fired (partial files are kept for a later resume). */
  | 'aborted';

export class ModelDownloadError extends Error {
  constructor(
    readonly code: ModelDownloadErrorCode,
    message: string,
    /** The package file concerned (relative path, `manifest.json` for the manifest), if any. */
    readonly file?: string,
    /** The HTTP status when the server answered one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ModelDownloadError';
  }
}
