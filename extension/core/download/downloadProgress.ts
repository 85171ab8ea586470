/**
 * What a model download reports while it runs, and the one-line text the CLI and the VS Code
 * notification show for it. Pure: the download itself is extension/node/download/.
 */

export interface DownloadProgress {
  /** 'sizes': asking the server for each file's size; 'files': fetching; 'verifying': the package checks. */
  phase: 'sizes' | 'files' | 'verifying';
  /** The file being fetched (relative path), or null outside the 'files' phase. */
  file: string | null;
  /** 1-based position in the package's file list of the file being sized or fetched (0 before the first). */
  fileIndex: number;
  fileCount: number;
  /** Bytes of the package on disk in the staging folder (verified files and the current part). */
  bytesDone: number;
  /** The package's size, or null when the server did not say every file's size. */
  bytesTotal: number | null;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/**
 * Bytes in binary units, one decimal above 1 KiB. Examples: 900 -> "900 B", 1536 -> "1.5 KiB",
 * 397374 -> "388.1 KiB", 5 * 2^30 -> "5.0 GiB".
 */
export function formatByteCount(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * Whole percent of the package done, or null when the total is unknown. Floored, so 100 means
 * every byte is there; an empty package is 100.
 */
export function downloadPercent(progress: DownloadProgress): number | null {
  if (progress.bytesTotal === null) return null;
  if (progress.bytesTotal === 0) return 100;
  return Math.min(100, Math.floor((100 * progress.bytesDone) / progress.bytesTotal));
}

/** Example: "backbone.onnx (3/6): 120.0 KiB of 405.3 KiB (29%)". */
export function downloadProgressText(progress: DownloadProgress): string {
  switch (progress.phase) {
    case 'sizes':
      return `asking for file sizes (${progress.fileIndex}/${progress.fileCount})`;
    case 'verifying':
      return 'checking the package';
    case 'files': {
      const percent = downloadPercent(progress);
      const amount = progress.bytesTotal === null ? formatByteCount(progress.bytesDone) : `${formatByteCount(progress.bytesDone)} of ${formatByteCount(progress.bytesTotal)} (${percent}%)`;
      return `${progress.file ?? ''} (${progress.fileIndex}/${progress.fileCount}): ${amount}`;
    }
    default: {
      const unknown: never = progress.phase;
      return unknown;
    }
  }
}
