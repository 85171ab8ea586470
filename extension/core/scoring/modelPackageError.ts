/**
 * Why a model package cannot be used. Each failure has its own code so callers (the CLI, the
 * extension's model picker, tests) can tell them apart without parsing messages; every message
 * names the file and says how to fix it.
 */
export type ModelPackageErrorCode =
  | 'manifest-missing'
  | 'manifest-not-json'
  | 'manifest-invalid'
  | 'format-unsupported'
  | 'path-outside-package'
  | 'file-missing'
  | 'sha256-mismatch'
  | 'onnx-unreadable'
  | 'onnx-signature-mismatch'
  | 'head-invalid'
  | 'head-hidden-size-mismatch'
  | 'lora-invalid'
  | 'tokenizer-missing'
  | 'tokenizer-invalid';

export class ModelPackageError extends Error {
  constructor(
    readonly code: ModelPackageErrorCode,
    /** The file at fault, relative to the package folder (manifest.json for schema problems). */
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ModelPackageError';
  }
}
