/**
 * The `data` of an Open Inference Protocol v2 JSON tensor, flattened in row-major order. The
 * protocol allows either a flat array or arrays nested to the tensor's rank; both are accepted.
 * Nesting is checked against the shape level by level, so a ragged or over-deep array is an error
 * (and a hostile, deeply nested body cannot recurse further than the declared rank).
 */

/**
 * Returns the elements (not checked for type: callers check numbers, integers or ranges), or a
 * sentence saying why `data` does not fit `shape`.
 * Example: flattenTensorData([[1, 2], [3, 4]], [2, 2]) and flattenTensorData([1, 2, 3, 4], [2, 2])
 * both give [1, 2, 3, 4]; flattenTensorData([1, 2, 3], [2, 2]) gives an error string.
 */
export function flattenTensorData(data: unknown, shape: readonly number[]): unknown[] | string {
  if (!Array.isArray(data)) return 'data must be an array';
  const count = shape.reduce((product, dim) => product * dim, 1);
  const nested = data.some((item) => Array.isArray(item));
  if (!nested) {
    if (data.length !== count) return `data has ${data.length} elements, but shape [${shape.join(', ')}] needs ${count}`;
    return data;
  }
  const out: unknown[] = [];
  const walk = (value: unknown[], depth: number, path: string): string | null => {
    if (value.length !== shape[depth]) return `data${path} has ${value.length} elements, but dimension ${depth} of shape [${shape.join(', ')}] is ${shape[depth]}`;
    const last = depth === shape.length - 1;
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      if (last) {
        if (Array.isArray(item)) return `data${path}[${index}] is nested deeper than the shape's rank ${shape.length}`;
        out.push(item);
      } else {
        if (!Array.isArray(item)) return `data${path}[${index}] must be an array (the shape has rank ${shape.length})`;
        const problem = walk(item, depth + 1, `${path}[${index}]`);
        if (problem) return problem;
      }
    }
    return null;
  };
  if (shape.length === 0) return 'a nested data array needs a shape of rank >= 1';
  const problem = walk(data, 0, '');
  return problem ?? out;
}
