/**
 * Features and soft targets the trainer reads: row i is `features[i*H .. (i+1)*H)` (row-major
 * [n, H], float32 as the backbone emits them) with target `targets[i]` in [0, 1]
 * (self-consistency for Eli-Only, 0/1 or the sampled-correct fraction for calibration).
 * Train and validation splits are index lists into these rows, so subsets never copy features.
 */
export interface TrainingData {
  features: Float32Array;
  hiddenSize: number;
  targets: Float32Array;
}

/**
 * Validates the data and a list of row indices; throws RangeError naming the first problem
 * (wrong feature length, a target outside [0, 1] or NaN, an index out of range, a duplicate).
 */
export function checkTrainingData(data: TrainingData, rowLists: Record<string, ArrayLike<number>>): void {
  const { features, hiddenSize, targets } = data;
  if (!(features instanceof Float32Array) || !(targets instanceof Float32Array)) throw new TypeError('features and targets must be Float32Arrays');
  if (!Number.isSafeInteger(hiddenSize) || hiddenSize < 1) throw new RangeError(`hiddenSize must be a positive integer, got ${hiddenSize}`);
  const n = targets.length;
  if (features.length !== n * hiddenSize) {
    throw new RangeError(`features hold ${features.length} values but ${n} targets x hiddenSize ${hiddenSize} needs ${n * hiddenSize}`);
  }
  for (let i = 0; i < n; i++) {
    const t = targets[i];
    if (!(t >= 0 && t <= 1)) throw new RangeError(`target of row ${i} is ${t}; targets must lie in [0, 1]`);
  }
  const seen = new Uint8Array(n);
  for (const [name, rows] of Object.entries(rowLists)) {
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k];
      if (!Number.isSafeInteger(row) || row < 0 || row >= n) throw new RangeError(`${name} row ${row} is not an index into the ${n} rows`);
      if (seen[row]) throw new RangeError(`row ${row} appears twice across ${Object.keys(rowLists).join(' and ')}`);
      seen[row] = 1;
    }
  }
}
