/**
 * Turns the elical.openaiUrl / elical.openaiModel settings into the checked endpoint of the
 * OpenAI-compatible answer source before anything is sent, each problem named by its setting.
 *
 * elical.openaiUrl is the API's base URL, as OpenAI's own clients take it, usually ending in /v1
 * (https://api.openai.com/v1, http://127.0.0.1:8080/v1 for llama.cpp, vLLM or Ollama); the
 * client appends /chat/completions. A URL that already ends in /chat/completions is used as is.
 */
import { isLoopbackHost } from './remote/isLoopbackHost';

export interface OpenaiEndpointSettings {
  /** elical.openaiUrl (already trimmed). */
  url: string;
  /** elical.openaiModel (already trimmed). */
  model: string;
}

export interface OpenaiUrl {
  /** Where chat completions are posted. */
  completionsUrl: string;
  origin: string;
  /**
   * SecretStorage key of the API key: one key per origin, so a key stored for one server is
   * never sent to another after the URL changes.
   */
  keyKey: string;
  /** The plain-http-to-a-non-loopback-host warning, or null. */
  warning: string | null;
}

export interface OpenaiEndpoint extends OpenaiUrl {
  model: string;
}

/** Prefix of the SecretStorage keys that hold OpenAI-compatible API keys. */
export const OPENAI_KEY_PREFIX = 'elical.openaiKey:';

const COMPLETIONS_PATH = 'chat/completions';

/**
 * Checks elical.openaiUrl and derives where to post.
 * Errors (Error, message names the setting): empty; not a URL; a scheme other than http(s);
 * user:password, a query or a fragment in it (a key belongs in secret storage, and the URL is
 * echoed in messages).
 * Example: 'http://127.0.0.1:8080/v1' gives completionsUrl
 * 'http://127.0.0.1:8080/v1/chat/completions', keyKey 'elical.openaiKey:http://127.0.0.1:8080',
 * warning null; 'http://10.0.0.5:8080/v1/chat/completions' is kept and warned about.
 */
export function resolveOpenaiUrl(text: string): OpenaiUrl {
  if (text === '') throw new Error('elical.openaiUrl is empty: set it to the server\'s base URL, e.g. http://127.0.0.1:8080/v1 (needed when elical.answerSource is "openai")');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`elical.openaiUrl ${JSON.stringify(text)} is not a URL (expected e.g. http://127.0.0.1:8080/v1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`elical.openaiUrl must start with http:// or https://, got ${url.protocol}`);
  if (url.username !== '' || url.password !== '') {
    throw new Error('elical.openaiUrl must not contain a user name or password: remove them, and store the API key with "EliCal: Set OpenAI-Compatible API Key" (it is kept in VS Code\'s secret storage)');
  }
  if (url.search !== '' || url.hash !== '') throw new Error('elical.openaiUrl must not have a query (?…) or fragment (#…); an API key belongs in "EliCal: Set OpenAI-Compatible API Key"');
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(`/${COMPLETIONS_PATH}`) ? path : `${path}/${COMPLETIONS_PATH}`;
  const warning =
    url.protocol === 'http:' && !isLoopbackHost(url.hostname)
      ? `elical.openaiUrl ${url.origin} uses plain http on a non-loopback host: questions, answers and the API key travel unencrypted; use https`
      : null;
  return { completionsUrl: url.href, origin: url.origin, keyKey: `${OPENAI_KEY_PREFIX}${url.origin}`, warning };
}

/** resolveOpenaiUrl, and elical.openaiModel, which must name the model the server should answer with. */
export function resolveOpenaiEndpoint(settings: OpenaiEndpointSettings): OpenaiEndpoint {
  const resolved = resolveOpenaiUrl(settings.url);
  if (settings.model === '') throw new Error('elical.openaiModel is empty: set it to a model the server at elical.openaiUrl serves (its /v1/models lists them)');
  return { ...resolved, model: settings.model };
}
