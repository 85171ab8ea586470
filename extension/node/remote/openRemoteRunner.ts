/**
 * Opens the backbone on a remote endpoint for a local model package: the package still supplies
 * the tokenizer, prompt and heads; only the forward pass travels. The runner is checked against
 * the server (ready, model metadata fits the package) before it is handed out, so a wrong URL,
 * token or model name fails when the model is opened, with the client's error code, rather than
 * on the first question.
 */
import type { ModelPackage } from '../modelPackage';
import { InferenceClient } from './inferenceClient';
import type { RemoteEndpoint } from './remoteEndpoint';
import { RemoteModelRunner } from './remoteModelRunner';

export interface OpenRemoteRunnerOptions {
  pkg: ModelPackage;
  endpoint: RemoteEndpoint;
  /** Bearer token from SecretStorage, or undefined for an open server. Never logged. */
  token: string | undefined;
  /** Receives the plain-http warning and similar notes (never the token). */
  warn?: (message: string) => void;
  signal?: AbortSignal;
  /** Extra attempts for retryable failures (InferenceClient's default when omitted). */
  retries?: number;
}

/**
 * Errors: RemoteEndpointError from the client or the metadata check ('unreachable',
 * 'unauthorized', 'model-not-found', 'model-mismatch', 'timeout', ...); nothing stays open.
 * A package with shared-base LoRA heads cannot be served remotely (one backbone per model), so
 * such a package is refused with a message before any request.
 */
export async function openRemoteRunner(options: OpenRemoteRunnerOptions): Promise<RemoteModelRunner> {
  const { pkg, endpoint } = options;
  if (pkg.manifest.lora !== null) {
    throw new Error(`${pkg.manifest.name} feeds shared-base LoRA adapters as graph inputs, which a remote endpoint cannot take; serve a merged export of the checkpoint, or set elical.runtime to "local"`);
  }
  const client = new InferenceClient({ url: endpoint.url, token: options.token, timeoutMs: endpoint.timeoutMs, retries: options.retries, warn: options.warn });
  const runner = new RemoteModelRunner({
    client,
    modelName: endpoint.modelName,
    architecture: pkg.manifest.architecture,
    backbone: pkg.manifest.backbone,
    padTokenId: pkg.manifest.generation.padTokenId,
  });
  try {
    await runner.connect(options.signal);
  } catch (error) {
    await runner.dispose();
    throw error;
  }
  return runner;
}
