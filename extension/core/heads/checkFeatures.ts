/**
 * Shared argument check of ConfidenceHead.predict: a wrong batch size or feature width is a
 * programming error upstream (a mismatched model package), so it must fail loudly with both
 * numbers rather than read past a row.
 */
export function checkFeatures(features: Float32Array, batchSize: number, hiddenSize: number): void {
  if (!(features instanceof Float32Array)) throw new TypeError('features must be a Float32Array');
  if (!Number.isSafeInteger(batchSize) || batchSize < 0) throw new RangeError(`batchSize must be a non-negative integer, got ${batchSize}`);
  if (features.length !== batchSize * hiddenSize) {
    throw new RangeError(
      `features hold ${features.length} values but batchSize ${batchSize} x hiddenSize ${hiddenSize} needs ${batchSize * hiddenSize}`,
    );
  }
}
