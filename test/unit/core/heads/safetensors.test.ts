import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, Tensor } from '../../../../extension/core/heads/safetensors';
import { requirePython, runPython } from '../../../support/python';

const SCRIPT = 'test/fixtures/heads/safetensors_torch.py';

/** Builds a file by hand: the header exactly as given, then the data bytes. */
function rawFile(header: unknown, data: number[], headerLengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, headerLengthOverride ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

test('safetensors: round trip of every dtype, metadata, scalar and empty tensors', () => {
  const tensors: Record<string, Tensor> = {
    f64: { dtype: 'F64', shape: [2], data: Float64Array.of(Math.PI, -1e300) },
    f32: { dtype: 'F32', shape: [2, 2], data: Float32Array.of(1.5, -2, 3e-38, Infinity) },
    f16: { dtype: 'F16', shape: [3], data: Float32Array.of(1, -0.5, 65504) },
    bf16: { dtype: 'BF16', shape: [2], data: Float32Array.of(1, -256) },
    i64: { dtype: 'I64', shape: [2], data: BigInt64Array.of(-(2n ** 62n), 7n) },
    u64: { dtype: 'U64', shape: [1], data: BigUint64Array.of(2n ** 64n - 1n) },
    i32: { dtype: 'I32', shape: [1], data: Int32Array.of(-5) },
    u32: { dtype: 'U32', shape: [1], data: Uint32Array.of(4e9) },
    i16: { dtype: 'I16', shape: [1], data: Int16Array.of(-300) },
    u16: { dtype: 'U16', shape: [1], data: Uint16Array.of(60000) },
    i8: { dtype: 'I8', shape: [1], data: Int8Array.of(-128) },
    u8: { dtype: 'U8', shape: [2], data: Uint8Array.of(0, 255) },
    flag: { dtype: 'BOOL', shape: [3], data: Uint8Array.of(1, 0, 1) },
    scalar: { dtype: 'F32', shape: [], data: Float32Array.of(2.5) },
    empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
  };
  const bytes = encodeSafetensors(tensors, { note: 'hello', other: '' });
  const headerLength = new DataView(bytes.buffer).getUint32(0, true);
  assert.equal(headerLength % 8, 0, 'header padded to 8 bytes');
  const back = decodeSafetensors(bytes);
  assert.deepEqual(back.metadata, { note: 'hello', other: '' });
  assert.deepEqual(back.tensors, tensors);
  // Decoding from an unaligned view works (no typed-array aliasing of the input).
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  assert.deepEqual(decodeSafetensors(shifted.subarray(1)).tensors, tensors);
});

test('safetensors: no metadata key when none is given; decoder returns empty metadata', () => {
  const bytes = encodeSafetensors({ a: { dtype: 'F32', shape: [1], data: Float32Array.of(1) } });
  const headerLength = new DataView(bytes.buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  assert.deepEqual(Object.keys(header), ['a']);
  assert.deepEqual(decodeSafetensors(bytes).metadata, {});
});

test('safetensors: corrupt files give their own errors', () => {
  const ok = { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } };
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['short file', new Uint8Array(5), /shorter than the 8-byte header length/],
    ['header beyond file', rawFile(ok, [0, 0, 0, 0], 999), /header length 999 exceeds the \d+ bytes/],
    ['not JSON', rawFile('x', []).map((b, i) => (i === 8 ? 0x7b : b)), /not valid JSON/],
    ['not an object', rawFile([1, 2], []), /must be a JSON object/],
    ['unknown dtype', rawFile({ a: { dtype: 'F8', shape: [1], data_offsets: [0, 1] } }, [0]), /tensor "a": unknown dtype "F8"/],
    ['bad shape', rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, [0, 0, 0, 0]), /shape must be an array of non-negative integers/],
    ['bad offsets', rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, [0, 0, 0, 0]), /data_offsets must be \[begin, end\]/],
    ['reversed offsets', rawFile({ a: { dtype: 'U8', shape: [0], data_offsets: [3, 2] } }, [0, 0, 0, 0]), /end 2 is before begin 3/],
    ['outside buffer', rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, [0, 0, 0, 0]), /\[0, 8\) lie outside the 4-byte data buffer/],
    ['size mismatch', rawFile({ a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 4] } }, [0, 0, 0, 0]), /shape \[2, 2\] of F32 needs 16 bytes but data_offsets span 4/],
    [
      'overlap',
      rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'U16', shape: [1], data_offsets: [2, 4] } }, [0, 0, 0, 0]),
      /tensor "b" \[2, 4\) overlaps tensor "a" \[0, 4\)/,
    ],
    ['hole', rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [2, 6] } }, [0, 0, 0, 0, 0, 0]), /bytes \[0, 2\) before tensor "a" belong to no tensor/],
    ['trailing bytes', rawFile(ok, [0, 0, 0, 0, 9]), /data buffer is 5 bytes but tensors cover only 4/],
    ['non-string metadata', rawFile({ ...ok, __metadata__: { seed: 42 } }, [0, 0, 0, 0]), /value of "seed" is number; the format allows only strings/],
    ['metadata not object', rawFile({ ...ok, __metadata__: 'x' }, [0, 0, 0, 0]), /"__metadata__" must be an object/],
    ['bad BOOL byte', rawFile({ a: { dtype: 'BOOL', shape: [1], data_offsets: [0, 1] } }, [2]), /BOOL tensor holds a byte other than 0 or 1/],
  ];
  for (const [label, bytes, pattern] of cases) {
    assert.throws(() => decodeSafetensors(bytes), (error: unknown) => error instanceof SafetensorsError && pattern.test(error.message), label);
  }
  const badUtf8 = rawFile(ok, [0, 0, 0, 0]);
  badUtf8[9] = 0xff;
  assert.throws(() => decodeSafetensors(badUtf8), /not valid UTF-8/);
});

test('safetensors: encoder refuses what it cannot write, naming the tensor', () => {
  const f = Float32Array.of(1, 2);
  assert.throws(() => encodeSafetensors({ a: { dtype: 'F32', shape: [3], data: f } }), /tensor "a": shape \[3\] needs 3 elements but data has 2/);
  assert.throws(() => encodeSafetensors({ a: { dtype: 'F64', shape: [2], data: f } }), /F64 data must be a Float64Array, got Float32Array/);
  assert.throws(() => encodeSafetensors({ a: { dtype: 'Q4' as never, shape: [2], data: f } }), /unknown dtype "Q4"/);
  assert.throws(() => encodeSafetensors({ a: { dtype: 'F32', shape: [1.5], data: f } }), /non-negative integers/);
  assert.throws(() => encodeSafetensors({ __metadata__: { dtype: 'F32', shape: [2], data: f } }), /reserved/);
  assert.throws(() => encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: f } }, { seed: 1 as never }), /value of "seed" is number/);
  assert.throws(() => encodeSafetensors({ a: { dtype: 'BOOL', shape: [1], data: Uint8Array.of(3) } }), /BOOL tensor holds 3/);
});

test('safetensors: F16/BF16 encoding rounds exactly as torch .half() / .bfloat16()', (t) => {
  if (!requirePython(t, ['torch'])) return;
  // -0 is checked apart: JSON cannot carry it to Python.
  const negativeZero = encodeSafetensors({ x: { dtype: 'F16', shape: [1], data: Float32Array.of(-0) } });
  assert.deepEqual(Array.from(negativeZero.subarray(-2)), [0x00, 0x80]);
  const values = [
    0, 1, 1 / 3, -2.7182817, 65504, 65519.99, 65520, 1e6, 6.1e-5, 6.0e-8, 2.9e-8, 3.0e-8, 1e-10, 1.0009765625,
    1.00048828125, 1.00146484375, 3.14159, -123456.789, 1e38, 3.4e38, 1.00390625, 1.01171875, 2 ** -126, 2 ** -140,
  ].map(Math.fround);
  const expected = JSON.parse(runPython([SCRIPT, 'round', JSON.stringify(values)])) as { f16: number[]; bf16: number[] };
  for (const [dtype, bits] of [['F16', expected.f16], ['BF16', expected.bf16]] as const) {
    const bytes = encodeSafetensors({ x: { dtype, shape: [values.length], data: Float32Array.from(values) } });
    const headerLength = new DataView(bytes.buffer).getUint32(0, true);
    const view = new DataView(bytes.buffer, 8 + headerLength);
    const actual = values.map((_, i) => view.getUint16(2 * i, true));
    assert.deepEqual(actual, bits, dtype);
  }
});

test('safetensors: a file written by PyTorch (independent writer) decodes to the same values', (t) => {
  if (!requirePython(t, ['torch'])) return;
  const dir = mkdtempSync(join(tmpdir(), 'st-'));
  try {
    const path = join(dir, 'mixed.safetensors');
    const expected = JSON.parse(runPython([SCRIPT, 'mixed', path])) as Record<string, { dtype: string; shape: number[]; values: number[] }>;
    const file = decodeSafetensors(new Uint8Array(readFileSync(path)));
    assert.deepEqual(file.metadata, { note: 'mixed' });
    assert.deepEqual(Object.keys(file.tensors).sort(), Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      const got = file.tensors[name];
      assert.equal(got.dtype, want.dtype, name);
      assert.deepEqual(got.shape, want.shape, name);
      assert.deepEqual(Array.from(got.data as ArrayLike<number | bigint>, Number), want.values, name);
    }
    // And back: TS re-encodes, the independent reader sees identical tensors.
    writeFileSync(path, encodeSafetensors(file.tensors, file.metadata));
    const again = decodeSafetensors(new Uint8Array(readFileSync(path)));
    assert.deepEqual(again, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
