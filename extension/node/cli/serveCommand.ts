/**
 * `elical serve --model DIR`: serves the package's backbone over the Open Inference Protocol v2
 * (extension/node/remote/inferenceServer.ts) until Ctrl-C or SIGTERM, then stops gracefully.
 * Prints one JSON line on stdout once listening ({url, model, ...}) so scripts can read the port.
 */
import { readFile } from 'node:fs/promises';
import { InferenceServer } from '../remote/inferenceServer';
import { CliUsageError, type CliCommand, type CliIo } from './cliIo';
import { parseCommandArgs } from './parseCommandArgs';
import { openModel, parseCount, parseProvider } from './openModel';

const HELP = `usage: elical serve --model DIR [--host 127.0.0.1] [--port 8000] [--token-file F]
                    [--max-batch N] [--max-delay-ms D] [--no-batching] [--allow-unauthenticated]
                    [--max-body-bytes B] [--max-new-tokens N] [--max-generations N]
                    [--provider cpu|cuda|auto] [--threads N]

Serves the backbone of a model package over the Open Inference Protocol v2 (KServe / Triton
HTTP API): GET /v2/health/{live,ready}, /v2, /v2/models/NAME[/ready], POST /v2/models/NAME/infer,
and answers: POST /v2/models/NAME/generate, /generate_stream (docs/remote.md).
NAME is the manifest's name. Stops on Ctrl-C / SIGTERM after finishing in-flight requests.
  --host H              bind address (default 127.0.0.1; others warn, and need a token)
  --port P              default 8000; 0 picks a free port (printed on stdout)
  --token-file F        file holding the bearer token clients must send (one line)
  --max-batch N         rows per model run and per request (default 32)
  --max-delay-ms D      longest wait for more requests before a run (default 2)
  --no-batching         run every request alone
  --allow-unauthenticated  allow a non-loopback host without a token
  --max-body-bytes B    largest request body (default 8388608)
  --max-new-tokens N    longest answer a generate request may ask for (default 512)
  --max-generations N   answers generated at once; more get 503 and retry (default 4)
  --provider P          cpu, cuda, or auto (default auto)
  --threads N           onnxruntime intra-op threads (default: one per core)`;

async function readToken(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliUsageError(`serve: cannot read --token-file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const token = text.replace(/\r?\n$/, '');
  if (token.length === 0 || /[\r\n]/.test(token) || token.trim() !== token) throw new CliUsageError(`serve: --token-file ${file} must hold the token on one line, with no surrounding spaces`);
  return token;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('serve', HELP, args, {
    model: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'token-file': { type: 'string' },
    'max-batch': { type: 'string' },
    'max-delay-ms': { type: 'string' },
    'no-batching': { type: 'boolean' },
    'allow-unauthenticated': { type: 'boolean' },
    'max-body-bytes': { type: 'string' },
    'max-new-tokens': { type: 'string' },
    'max-generations': { type: 'string' },
    provider: { type: 'string' },
    threads: { type: 'string' },
  }, (text) => io.stdout(text));
  if (parsed === null) return 0;
  const { values } = parsed;
  if (!values.model) throw new CliUsageError(`serve: --model DIR is required\n${HELP}`);
  const port = parseCount('port', values.port, 8000, 0);
  if (port > 65535) throw new CliUsageError(`serve: --port must be at most 65535, got ${port}`);
  const maxBatch = parseCount('max-batch', values['max-batch'], 32, 1);
  const maxDelayText = values['max-delay-ms'] ?? '2';
  const maxDelayMs = Number(maxDelayText);
  if (!/^\d+(\.\d+)?$/.test(maxDelayText) || !Number.isFinite(maxDelayMs)) throw new CliUsageError(`serve: --max-delay-ms must be a number >= 0, got ${JSON.stringify(maxDelayText)}`);
  const maxBodyBytes = parseCount('max-body-bytes', values['max-body-bytes'], 8 * 1024 * 1024, 1024);
  const maxNewTokens = parseCount('max-new-tokens', values['max-new-tokens'], 512, 1);
  const maxConcurrentGenerations = parseCount('max-generations', values['max-generations'], 4, 1);
  const host = values.host ?? '127.0.0.1';
  const token = values['token-file'] === undefined ? undefined : await readToken(values['token-file']);
  const provider = parseProvider(values.provider);
  const threads = parseCount('threads', values.threads, 0, 0);

  const { pkg, runner } = await openModel(values.model, provider, io, threads);
  const { manifest } = pkg;
  const server = new InferenceServer({
    runner,
    model: {
      name: manifest.name,
      vocabSize: manifest.architecture.vocabSize,
      maxPositions: manifest.architecture.maxPositionEmbeddings,
      hiddenSize: manifest.architecture.hiddenSize,
      inputIds: manifest.backbone.inputs.inputIds,
      attentionMask: manifest.backbone.inputs.attentionMask,
      hiddenStates: manifest.backbone.outputs.hiddenStates,
    },
    host,
    port,
    token,
    allowUnauthenticated: values['allow-unauthenticated'] ?? false,
    maxBatch,
    maxDelayMs,
    batching: !(values['no-batching'] ?? false),
    maxBodyBytes,
    maxNewTokens,
    maxConcurrentGenerations,
    log: (message) => io.stderr(`elical serve: ${message}\n`),
  });
  const onTerm = (): void => void stopped();
  let stopRequested: (() => void) | undefined;
  const stopped = (): void => stopRequested?.();
  try {
    let started;
    try {
      started = await server.start();
    } catch (error) {
      throw new CliUsageError(`serve: ${(error as Error).message}`);
    }
    io.stdout(`${JSON.stringify({ url: started.url, model: manifest.name, runtime: `onnxruntime-node (${runner.runtime})`, batching: !(values['no-batching'] ?? false), max_batch: maxBatch, max_delay_ms: maxDelayMs, auth: token !== undefined })}\n`);
    io.stderr(`elical serve: ${manifest.name} at ${started.url}/v2/models/${encodeURIComponent(manifest.name)} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      stopRequested = resolve;
      if (io.signal.aborted) resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
      process.once('SIGTERM', onTerm);
    });
    io.stderr('elical serve: stopping (finishing in-flight requests)\n');
    await server.stop();
    io.stderr(`elical serve: stopped after ${server.stats.requests} inference request(s) in ${server.stats.runs} model run(s) and ${server.answersGenerated} answer(s)\n`);
    return 0;
  } finally {
    process.removeListener('SIGTERM', onTerm);
    await server.stop(0);
    await runner.dispose();
  }
}

export const serveCommand: CliCommand = { name: 'serve', summary: 'serve the model backbone over the Open Inference Protocol v2 (KServe / Triton HTTP)', run };
