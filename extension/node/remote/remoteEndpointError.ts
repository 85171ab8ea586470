/**
 * Why a call to a remote Open Inference Protocol v2 endpoint failed. One class, one code per
 * failure, so the extension can react to the kind of failure (offer "retry", "check the token",
 * "fall back to local") without parsing messages. Messages name the URL (never credentials) and
 * say what to do.
 */
export type RemoteEndpointErrorCode =
  /** Nothing answered: connection refused, unknown host, network down. */
  | 'unreachable'
  /** The TLS handshake failed (certificate, protocol, https to a plain-http port). */
  | 'tls'
  /** 401 or 403: the bearer token is missing, wrong or not allowed. */
  | 'unauthorized'
  /** 404 for a model route: the server does not serve that model name. */
  | 'model-not-found'
  /** 400 (or 413): the server rejected the request as invalid. */
  | 'bad-request'
  /** 5xx from the server. */
  | 'server-error'
  /** Another HTTP status the protocol does not expect. */
  | 'http-error'
  /** /v2/health/ready did not answer 200. */
  | 'not-ready'
  /** The model's metadata (inputs, outputs, hidden size) does not fit the local model package. */
  | 'model-mismatch'
  /** The response's tensors have the wrong name, type or shape, or their data does not fit it. */
  | 'shape-mismatch'
  /** The response body is not the JSON the protocol defines. */
  | 'malformed-response'
  /** No complete response within the per-request timeout. */
  | 'timeout'
  /** The connection closed before the response was complete. */
  | 'connection-closed'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** The operation exists locally but not over this endpoint (generation, LoRA adapters, logits). */
  | 'not-supported';

export class RemoteEndpointError extends Error {
  constructor(
    readonly code: RemoteEndpointErrorCode,
    message: string,
    /** HTTP status when the server answered, else undefined. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RemoteEndpointError';
  }
}
