/**
 * The safetensors container (https://github.com/huggingface/safetensors, format as documented
 * there): bytes in, tensors out, and back. Heads and LoRA adapters interchange with PyTorch
 * through it, so both directions validate everything a corrupt or hostile file could get wrong.
 *
 * Layout:
 * - bytes 0..8: N, the header length, an unsigned 64-bit little-endian integer;
 * - bytes 8..8+N: a UTF-8 JSON object `{ name: { dtype, shape, data_offsets: [begin, end] }, ...,
 *   "__metadata__"?: { string: string } }` (writers pad it with trailing spaces);
 * - bytes 8+N..: the data buffer; `data_offsets` are relative to its start, `end` exclusive, data
 *   little-endian and row-major.
 *
 * Choices (documented because a reader would otherwise guess):
 * - As the format requires, the data buffer must be fully indexed: tensors may not overlap and may
 *   not leave holes, and the last tensor must end where the file ends (the reference
 *   implementation rejects polyglot files the same way).
 * - F16 and BF16 are decoded to `Float32Array` (exactly: every half value is a float32 value), since
 *   heads compute in float32; encoding such a tensor rounds each float32 to the nearest half or
 *   bfloat16 value, ties to even (as PyTorch's `.half()` / `.bfloat16()` do).
 * - BOOL is held as a `Uint8Array` of 0/1; I64/U64 as `BigInt64Array`/`BigUint64Array`.
 * - The encoder writes tensors in name order, `__metadata__` first and only when given, and pads
 *   the header with spaces to a multiple of 8 bytes so the data buffer starts 8-byte aligned.
 * - Pure core code: no Buffer; reads go through DataView, so the input need not be aligned.
 *
 * Errors are `SafetensorsError` with a message naming the tensor and the problem.
 */

/** The element types of the format. */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'U64' | 'I32' | 'U32' | 'I16' | 'U16' | 'I8' | 'U8' | 'BOOL';

/** The in-memory array for each dtype (F16/BF16 decoded to float32). */
export type TensorData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** One tensor: `data.length` equals the product of `shape` (1 for a scalar, shape `[]`). */
export interface Tensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: TensorData;
}

/** A decoded file: tensors by name and the string-to-string `__metadata__` (empty when absent). */
export interface SafetensorsFile {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** Raised for any malformed file or any tensor that cannot be encoded. */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}

/** Bytes per stored element. */
const BYTES_PER_ELEMENT: Record<SafetensorsDtype, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, U64: 8, I32: 4, U32: 4, I16: 2, U16: 2, I8: 1, U8: 1, BOOL: 1,
};

const METADATA_KEY = '__metadata__';

/**
 * The header may not exceed 100 MB: the reference implementation's limit, and the guard that keeps
 * a corrupt length from making us decode a huge string.
 */
const MAX_HEADER_BYTES = 100_000_000;

function isDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(BYTES_PER_ELEMENT, value);
}

function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

function isDimension(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

/** Parses and validates a safetensors file. Throws `SafetensorsError` naming the problem. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.byteLength < 8) {
    throw new SafetensorsError(`file is ${bytes.byteLength} bytes, shorter than the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (headerLength > bytes.byteLength - 8) {
    throw new SafetensorsError(`header length ${headerLength} exceeds the ${bytes.byteLength - 8} bytes after the length field`);
  }
  if (headerLength > MAX_HEADER_BYTES) {
    throw new SafetensorsError(`header length ${headerLength} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`);
  }
  if (headerLength < 2) throw new SafetensorsError(`header length ${headerLength} is too short for a JSON object`);

  let headerText: string;
  try {
    headerText = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    throw new SafetensorsError('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(headerText);
  } catch (error) {
    throw new SafetensorsError(`header is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(header)) throw new SafetensorsError('header must be a JSON object');

  const metadata = parseMetadata(header[METADATA_KEY]);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const entries: HeaderEntry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    entries.push(parseEntry(name, raw, dataLength));
  }

  // Fully indexed buffer: sorted by begin, each tensor starts where the previous ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: HeaderEntry | null = null;
  for (const entry of sorted) {
    if (entry.begin < cursor) {
      throw new SafetensorsError(`tensor "${entry.name}" [${entry.begin}, ${entry.end}) overlaps tensor "${previous?.name}" [${previous?.begin}, ${previous?.end})`);
    }
    if (entry.begin > cursor) {
      throw new SafetensorsError(`data bytes [${cursor}, ${entry.begin}) before tensor "${entry.name}" belong to no tensor`);
    }
    cursor = entry.end;
    previous = entry;
  }
  if (cursor !== dataLength) {
    throw new SafetensorsError(`data buffer is ${dataLength} bytes but tensors cover only ${cursor}`);
  }

  const tensors: Record<string, Tensor> = {};
  for (const entry of entries) {
    tensors[entry.name] = {
      dtype: entry.dtype,
      shape: entry.shape,
      data: readData(view, entry.dtype, dataStart + entry.begin, elementCount(entry.shape)),
    };
  }
  return { tensors, metadata };
}

function parseMetadata(raw: unknown): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (raw === undefined) return metadata;
  if (!isPlainObject(raw)) throw new SafetensorsError('"__metadata__" must be an object of strings');
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') {
      throw new SafetensorsError(`"__metadata__" value of "${key}" is ${value === null ? 'null' : typeof value}; the format allows only strings`);
    }
    metadata[key] = value;
  }
  return metadata;
}

function parseEntry(name: string, raw: unknown, dataLength: number): HeaderEntry {
  if (!isPlainObject(raw)) throw new SafetensorsError(`tensor "${name}": header entry must be an object`);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (!isDtype(dtype)) throw new SafetensorsError(`tensor "${name}": unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isDimension)) {
    throw new SafetensorsError(`tensor "${name}": shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isDimension)) {
    throw new SafetensorsError(`tensor "${name}": data_offsets must be [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new SafetensorsError(`tensor "${name}": data_offsets end ${end} is before begin ${begin}`);
  if (end > dataLength) {
    throw new SafetensorsError(`tensor "${name}": data_offsets [${begin}, ${end}) lie outside the ${dataLength}-byte data buffer`);
  }
  const expected = elementCount(shape) * BYTES_PER_ELEMENT[dtype];
  if (end - begin !== expected) {
    throw new SafetensorsError(
      `tensor "${name}": shape [${shape.join(', ')}] of ${dtype} needs ${expected} bytes but data_offsets span ${end - begin}`,
    );
  }
  return { name, dtype, shape: [...shape], begin, end };
}

function readData(view: DataView, dtype: SafetensorsDtype, start: number, count: number): TensorData {
  switch (dtype) {
    case 'F64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(start + 8 * i, true);
      return out;
    }
    case 'F32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(start + 2 * i, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(start + 2 * i, true) << 16;
      return out;
    }
    case 'I64': {
      const out = new BigInt64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getBigInt64(start + 8 * i, true);
      return out;
    }
    case 'U64': {
      const out = new BigUint64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getBigUint64(start + 8 * i, true);
      return out;
    }
    case 'I32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, true);
      return out;
    }
    case 'U32': {
      const out = new Uint32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint32(start + 4 * i, true);
      return out;
    }
    case 'I16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(start + 2 * i, true);
      return out;
    }
    case 'U16': {
      const out = new Uint16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint16(start + 2 * i, true);
      return out;
    }
    case 'I8': {
      const out = new Int8Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt8(start + i);
      return out;
    }
    case 'U8':
    case 'BOOL': {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint8(start + i);
      if (dtype === 'BOOL' && out.some((value) => value > 1)) {
        throw new SafetensorsError('a BOOL tensor holds a byte other than 0 or 1');
      }
      return out;
    }
    default: {
      const unreachable: never = dtype;
      throw new SafetensorsError(`unknown dtype ${String(unreachable)}`);
    }
  }
}

/** IEEE 754 binary16 bits -> the equal float32 value (subnormals, infinities and NaN included). */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** float32 bits of `value` (after rounding it to float32). */
function floatBits(value: number): number {
  f32Scratch[0] = value;
  return u32Scratch[0];
}

/** float32 -> binary16 bits, round to nearest, ties to even; overflow gives infinity. */
function floatToHalf(value: number): number {
  const bits = floatBits(value);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half (or zero): shift the full 24-bit significand into the 10-bit field.
    if (halfExponent < -10) return sign;
    const significand = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    return sign | roundShift(significand, shift);
  }
  // Normal: rounding may carry into the exponent, which the addition handles (even into infinity).
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

/** `value >> shift`, rounded to nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = Math.floor(value / 2 ** shift);
  const remainder = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  if (remainder > half || (remainder === half && (kept & 1) === 1)) return kept + 1;
  return kept;
}

/** float32 -> bfloat16 bits, round to nearest, ties to even; NaN stays a quiet NaN. */
function floatToBfloat16(value: number): number {
  const bits = floatBits(value);
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return ((bits >>> 16) & 0x8000) | 0x7fc0;
  return roundShift(bits >>> 0, 16) & 0xffff;
}

const ARRAY_FOR_DTYPE: Record<SafetensorsDtype, string> = {
  F64: 'Float64Array', F32: 'Float32Array', F16: 'Float32Array', BF16: 'Float32Array', I64: 'BigInt64Array',
  U64: 'BigUint64Array', I32: 'Int32Array', U32: 'Uint32Array', I16: 'Int16Array', U16: 'Uint16Array',
  I8: 'Int8Array', U8: 'Uint8Array', BOOL: 'Uint8Array',
};

/**
 * Serialises tensors (and optional string metadata) into a safetensors file. Throws
 * `SafetensorsError` for an unknown dtype, a bad shape, data whose array type or length does not
 * fit the dtype and shape, a reserved or empty name, or non-string metadata.
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) throw new SafetensorsError('metadata must be an object of strings');
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') {
        throw new SafetensorsError(`metadata value of "${key}" is ${value === null ? 'null' : typeof value}; the format allows only strings`);
      }
    }
    header[METADATA_KEY] = { ...metadata };
  }
  const names = Object.keys(tensors).sort();
  let offset = 0;
  for (const name of names) {
    const tensor = tensors[name];
    validateTensor(name, tensor);
    const size = elementCount(tensor.shape) * BYTES_PER_ELEMENT[tensor.dtype];
    header[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + headerLength);
  let position = 8 + headerLength;
  for (const name of names) {
    position = writeData(view, tensors[name], position);
  }
  return out;
}

function validateTensor(name: string, tensor: Tensor): void {
  if (name.length === 0) throw new SafetensorsError('tensor name must not be empty');
  if (name === METADATA_KEY) throw new SafetensorsError(`tensor name "${METADATA_KEY}" is reserved for metadata`);
  if (!isPlainObject(tensor)) throw new SafetensorsError(`tensor "${name}" must be an object { dtype, shape, data }`);
  if (!isDtype(tensor.dtype)) throw new SafetensorsError(`tensor "${name}": unknown dtype ${JSON.stringify(tensor.dtype)}`);
  if (!Array.isArray(tensor.shape) || !tensor.shape.every(isDimension)) {
    throw new SafetensorsError(`tensor "${name}": shape must be an array of non-negative integers, got ${JSON.stringify(tensor.shape)}`);
  }
  const expectedArray = ARRAY_FOR_DTYPE[tensor.dtype];
  const actualArray = (tensor.data as { constructor?: { name?: string } } | null)?.constructor?.name;
  if (actualArray !== expectedArray) {
    throw new SafetensorsError(`tensor "${name}": ${tensor.dtype} data must be a ${expectedArray}, got ${actualArray ?? typeof tensor.data}`);
  }
  const count = elementCount(tensor.shape);
  if (tensor.data.length !== count) {
    throw new SafetensorsError(`tensor "${name}": shape [${tensor.shape.join(', ')}] needs ${count} elements but data has ${tensor.data.length}`);
  }
}

function writeData(view: DataView, tensor: Tensor, start: number): number {
  const { data } = tensor;
  const count = data.length;
  switch (tensor.dtype) {
    case 'F64':
      for (let i = 0; i < count; i++) view.setFloat64(start + 8 * i, data[i] as number, true);
      return start + 8 * count;
    case 'F32':
      for (let i = 0; i < count; i++) view.setFloat32(start + 4 * i, data[i] as number, true);
      return start + 4 * count;
    case 'F16':
      for (let i = 0; i < count; i++) view.setUint16(start + 2 * i, floatToHalf(data[i] as number), true);
      return start + 2 * count;
    case 'BF16':
      for (let i = 0; i < count; i++) view.setUint16(start + 2 * i, floatToBfloat16(data[i] as number), true);
      return start + 2 * count;
    case 'I64':
      for (let i = 0; i < count; i++) view.setBigInt64(start + 8 * i, data[i] as bigint, true);
      return start + 8 * count;
    case 'U64':
      for (let i = 0; i < count; i++) view.setBigUint64(start + 8 * i, data[i] as bigint, true);
      return start + 8 * count;
    case 'I32':
      for (let i = 0; i < count; i++) view.setInt32(start + 4 * i, data[i] as number, true);
      return start + 4 * count;
    case 'U32':
      for (let i = 0; i < count; i++) view.setUint32(start + 4 * i, data[i] as number, true);
      return start + 4 * count;
    case 'I16':
      for (let i = 0; i < count; i++) view.setInt16(start + 2 * i, data[i] as number, true);
      return start + 2 * count;
    case 'U16':
      for (let i = 0; i < count; i++) view.setUint16(start + 2 * i, data[i] as number, true);
      return start + 2 * count;
    case 'I8':
      for (let i = 0; i < count; i++) view.setInt8(start + i, data[i] as number);
      return start + count;
    case 'U8':
      for (let i = 0; i < count; i++) view.setUint8(start + i, data[i] as number);
      return start + count;
    case 'BOOL':
      for (let i = 0; i < count; i++) {
        const value = data[i] as number;
        if (value !== 0 && value !== 1) throw new SafetensorsError(`BOOL tensor holds ${value} at index ${i}; only 0 and 1 are allowed`);
        view.setUint8(start + i, value);
      }
      return start + count;
    default: {
      const unreachable: never = tensor.dtype;
      throw new SafetensorsError(`unknown dtype ${String(unreachable)}`);
    }
  }
}
