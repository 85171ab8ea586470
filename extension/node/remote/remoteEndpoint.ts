/**
 * Turns the `elical.remote*` settings into a checked endpoint before anything is sent: the
 * extension's settings are user input, so each problem is reported with the setting's name and
 * what to do, not as a transport error deep inside the client.
 */
import { plainHttpWarning } from './isLoopbackHost';

export interface RemoteEndpointSettings {
  /** elical.remoteUrl (already trimmed). */
  url: string;
  /** elical.remoteModel; '' means the package's manifest name (what `elical serve` uses). */
  model: string;
  /** elical.remoteTimeoutMs. */
  timeoutMs: number;
}

export interface RemoteEndpoint {
  /** Normalised server root (no credentials, query or fragment). */
  url: string;
  origin: string;
  modelName: string;
  timeoutMs: number;
  /**
   * SecretStorage key of this endpoint's bearer token: one token per origin (scheme, host,
   * port), so a token stored for one server is never sent to another after the URL changes.
   */
  tokenKey: string;
  /** The plain-http-to-a-non-loopback-host warning, or null. */
  warning: string | null;
}

/** Prefix of the SecretStorage keys that hold remote endpoint tokens. */
export const REMOTE_TOKEN_KEY_PREFIX = 'elical.remoteToken:';

/**
 * Checks the settings and derives the endpoint.
 * Errors (Error, message names the setting): empty URL; not a URL; a scheme other than http(s);
 * user:password in the URL (tokens belong in SecretStorage, never in settings); a query or
 * fragment; a timeout outside 100..600000 ms; an empty model name with no package name.
 * Example: { url: 'http://127.0.0.1:8000', model: '', timeoutMs: 5000 } with package
 * 'tiny-llama-fixture' gives url 'http://127.0.0.1:8000/', modelName 'tiny-llama-fixture',
 * tokenKey 'elical.remoteToken:http://127.0.0.1:8000', warning null.
 */
export function resolveRemoteEndpoint(settings: RemoteEndpointSettings, packageName: string): RemoteEndpoint {
  const switchHint = 'set it in the settings, or set elical.runtime to "local"';
  if (settings.url === '') throw new Error(`elical.runtime is "remote" but elical.remoteUrl is empty: ${switchHint}`);
  let url: URL;
  try {
    url = new URL(settings.url);
  } catch {
    throw new Error(`elical.remoteUrl ${JSON.stringify(settings.url)} is not a URL (expected e.g. http://127.0.0.1:8000): ${switchHint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`elical.remoteUrl must start with http:// or https://, got ${url.protocol}`);
  // The URL is echoed in messages and logs, so a credential in it would leak; refuse it outright.
  if (url.username !== '' || url.password !== '') {
    throw new Error('elical.remoteUrl must not contain a user name or password: remove them, and store the token with "EliCal: Set Remote Endpoint Token" (it is kept in VS Code\'s secret storage)');
  }
  if (url.search !== '' || url.hash !== '') throw new Error('elical.remoteUrl must not have a query (?…) or fragment (#…)');
  if (!Number.isInteger(settings.timeoutMs) || settings.timeoutMs < 100 || settings.timeoutMs > 600_000) {
    throw new Error(`elical.remoteTimeoutMs must be an integer in 100..600000, got ${settings.timeoutMs}`);
  }
  const modelName = settings.model !== '' ? settings.model : packageName;
  if (modelName === '') throw new Error('elical.remoteModel is empty and the model package has no name to use instead');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return {
    url: url.href,
    origin: url.origin,
    modelName,
    timeoutMs: settings.timeoutMs,
    tokenKey: `${REMOTE_TOKEN_KEY_PREFIX}${url.origin}`,
    warning: plainHttpWarning(url),
  };
}
