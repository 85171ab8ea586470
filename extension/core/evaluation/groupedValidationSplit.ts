import { splitValidation, ValidationSplit } from '../training/budgets';

/**
 * splitValidation over groups instead of rows: rows that share a group key (the same fact asked
 * with several templates, or the same question text) land on the same side, so validation never
 * scores a question the head was fitted on in another wording.
 * Definition: the distinct keys of `rows`, in order of first appearance, are split with
 * splitValidation(group indices, share, seed); each row follows its group. Both lists are sorted
 * ascending.
 * Errors: RangeError for duplicate rows or a share outside [0, 1) (splitValidation's), or a row
 * without a key.
 * Worked example (also a unit test): rows [0..5], keys ["a","a","b","c","c","d"], share 0.25,
 * seed 42: groups [a, b, c, d] -> splitValidation([0,1,2,3], 0.25, 42) puts group 0 (a) in
 * validation, so validation [0, 1], train [2, 3, 4, 5].
 */
export function groupedValidationSplit(rows: readonly number[], keyOf: (row: number) => string, share: number, seed: number): ValidationSplit {
  if (new Set(rows).size !== rows.length) throw new RangeError('the training pool holds duplicate rows');
  const groups = new Map<string, number>();
  const groupOfRow = rows.map((row) => {
    const key = keyOf(row);
    if (typeof key !== 'string') throw new RangeError(`row ${row} has no group key`);
    if (!groups.has(key)) groups.set(key, groups.size);
    return groups.get(key) as number;
  });
  const split = splitValidation(Array.from({ length: groups.size }, (_, i) => i), share, seed);
  const validationGroups = new Set(split.validation);
  const train: number[] = [];
  const validation: number[] = [];
  rows.forEach((row, i) => (validationGroups.has(groupOfRow[i]) ? validation : train).push(row));
  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}
