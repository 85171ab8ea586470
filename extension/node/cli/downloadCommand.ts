/**
 * `elical download URL --out DIR [--force]`: downloads a model package (extension/node/download/)
 * into DIR, resuming an earlier interrupted run for the same DIR. Progress goes to stderr; the
 * result is one JSON line on stdout so scripts can read where the package went.
 */
import { existsSync } from 'node:fs';
import { downloadProgressText, type DownloadProgress } from '../../core/download/downloadProgress';
import { downloadModelPackage, stagingFolder } from '../download/downloadModelPackage';
import { fetchRemoteManifest } from '../download/fetchRemoteManifest';
import { ModelDownloadError } from '../download/modelDownloadError';
import { CliUsageError, type CliCommand, type CliIo } from './cliIo';
import { parseCount } from './openModel';
import { parseCommandArgs } from './parseCommandArgs';

const HELP = `usage: elical download URL --out DIR [--force] [--timeout-ms T] [--retries N]

Downloads the model package whose manifest.json is at URL (or in the folder URL/, ending in /):
the manifest, then every file it lists from beside it, each checked against the manifest's
sha256, then the whole package checked as 'elical score' would, and only then moved to DIR.
Files arrive in DIR.partial/ first; after a failure or Ctrl-C, run the same command again to
resume where it stopped.
  --out DIR        the package folder to create
  --force          replace DIR if it exists (only once the new package passed every check)
  --timeout-ms T   give up on a server silent for T ms (default 30000)
  --retries N      retries after a network failure, per request (default 3)
Prints {dir, name, files, bytes, bytes_received} as one JSON line.`;

/** Progress lines: one when a file starts or the phase changes, else at most one a second. */
function progressPrinter(io: CliIo): (progress: DownloadProgress) => void {
  let lastKey = '';
  let lastTime = 0;
  return (progress) => {
    if (progress.phase === 'sizes' && progress.fileIndex < progress.fileCount) return;
    const key = `${progress.phase}:${progress.fileIndex}`;
    const now = Date.now();
    const done = progress.phase === 'files' && progress.bytesTotal !== null && progress.bytesDone === progress.bytesTotal;
    if (key === lastKey && now - lastTime < 1000 && !done) return;
    lastKey = key;
    lastTime = now;
    io.stderr(`download: ${downloadProgressText(progress)}\n`);
  };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(
    'download',
    HELP,
    args,
    { out: { type: 'string' }, force: { type: 'boolean' }, 'timeout-ms': { type: 'string' }, retries: { type: 'string' } },
    (text) => io.stdout(text),
    true,
  );
  if (parsed === null) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !values.out) throw new CliUsageError(`download: give one URL and --out DIR\n${HELP}`);
  const transfer = {
    timeoutMs: parseCount('timeout-ms', values['timeout-ms'], 30_000, 1),
    retries: parseCount('retries', values.retries, 3, 0),
    signal: io.signal,
  };
  try {
    const remote = await fetchRemoteManifest(positionals[0], { ...transfer, warn: (message) => io.stderr(`download: warning: ${message}\n`) });
    io.stderr(`download: ${remote.manifest.name}, ${remote.files.length} files, from ${remote.baseUrl.href}\n`);
    const result = await downloadModelPackage(remote, values.out, { ...transfer, force: values.force === true, onProgress: progressPrinter(io) });
    io.stdout(`${JSON.stringify({ dir: result.dir, name: result.manifest.name, files: result.fileCount, bytes: result.bytes, bytes_received: result.bytesReceived })}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ModelDownloadError)) throw error;
    if (error.code === 'invalid-url' || error.code === 'destination-exists') throw new CliUsageError(`download: ${error.message}`);
    const staging = stagingFolder(values.out);
    const resume = existsSync(staging) ? `; the files so far stay in ${staging}: run the same command again to resume` : '';
    io.stderr(`elical: download: ${error.message}${resume}\n`);
    return 1;
  }
}

export const downloadCommand: CliCommand = { name: 'download', summary: 'download a model package (resumable, sha256-checked) from a manifest URL', run };
