/**
 * Why a streamed chat completion from an OpenAI-compatible server failed: one code per kind of
 * failure, so the chat can react (check the key, the URL, wait) without parsing messages.
 * Messages name the URL and model, say what to do, and never contain the API key.
 */
export type OpenaiChatErrorCode =
  /** Nothing answered: connection refused, unknown host, network down. */
  | 'unreachable'
  /** The TLS handshake failed (certificate, https to a plain-http port). */
  | 'tls'
  /** 401 or 403: the API key is missing, wrong or not allowed. */
  | 'unauthorized'
  /** 404: no chat completions route at that URL, or no model of that name. */
  | 'not-found'
  /** 429: rate limit or quota. */
  | 'rate-limited'
  /** 400, 413 or 422: the server rejected the request. */
  | 'bad-request'
  /** 5xx, or an error object inside the stream. */
  | 'server-error'
  /** Another status, a redirect included. */
  | 'http-error'
  /** The body is not the event stream (or JSON) a chat completion is, or it is too large. */
  | 'malformed-response'
  /** No response within the connect timeout, or a silence longer than the idle timeout. */
  | 'timeout'
  /** The connection closed before the stream's end. */
  | 'connection-closed'
  /** The caller's AbortSignal fired. */
  | 'aborted';

export class OpenaiChatError extends Error {
  constructor(
    readonly code: OpenaiChatErrorCode,
    message: string,
    /** HTTP status when the server answered, else undefined. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OpenaiChatError';
  }
}
