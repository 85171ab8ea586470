import { HeadMetadata, parseHeadMetadata, serialiseHeadMetadata } from './headMetadata';
import { LinearHead } from './linearHead';
import { MlpHead } from './mlpHead';
import { decodeSafetensors, encodeSafetensors, Tensor } from './safetensors';

/** A head together with the metadata of its file. */
export interface HeadFile {
  head: LinearHead | MlpHead;
  metadata: HeadMetadata;
}

/** Raised when a head file's tensors do not form the head its metadata names. */
export class HeadFileError extends Error {
  override readonly name = 'HeadFileError';
}

const LINEAR_NAMES = ['bias', 'weight'];
const MLP_NAMES = ['0.bias', '0.weight', '2.bias', '2.weight', '4.bias', '4.weight'];

/**
 * Reads a head file (docs/model-package.md, "Heads (safetensors)"): safetensors with PyTorch
 * state-dict names and `elical-head` metadata. Float tensors of any width (F32, F16, BF16, F64)
 * are accepted and held as float32; the files we write are F32.
 * With `expectedHiddenSize`, a head for another feature width is refused with both numbers (a
 * head must match its backbone). Throws SafetensorsError, HeadMetadataError or HeadFileError.
 */
export function readHeadFile(bytes: Uint8Array, options: { expectedHiddenSize?: number } = {}): HeadFile {
  const file = decodeSafetensors(bytes);
  const metadata = parseHeadMetadata(file.metadata);
  const names = Object.keys(file.tensors).sort();
  const expectedNames = metadata.kind === 'linear' ? LINEAR_NAMES : MLP_NAMES;
  if (names.join(',') !== expectedNames.join(',')) {
    throw new HeadFileError(`a ${metadata.kind} head file must hold tensors ${expectedNames.join(', ')}; this one holds ${names.join(', ') || 'none'}`);
  }
  const tensor = (name: string, shape: number[]): Float32Array => {
    const t = file.tensors[name];
    if (t.shape.length !== shape.length || t.shape.some((dim, i) => dim !== shape[i])) {
      throw new HeadFileError(`tensor ${name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    return floatData(name, t);
  };

  let head: LinearHead | MlpHead;
  if (metadata.kind === 'linear') {
    const weightShape = file.tensors.weight.shape;
    if (weightShape.length !== 2 || weightShape[0] !== 1 || weightShape[1] < 1) {
      throw new HeadFileError(`tensor weight has shape [${weightShape.join(', ')}], expected [1, H]`);
    }
    const h = weightShape[1];
    checkHidden(h, options.expectedHiddenSize);
    head = new LinearHead(tensor('weight', [1, h]), tensor('bias', [1]));
  } else {
    const w0 = file.tensors['0.weight'].shape;
    if (w0.length !== 2 || w0[0] < 1 || w0[1] < 1) throw new HeadFileError(`tensor 0.weight has shape [${w0.join(', ')}], expected [H/2, H]`);
    const [h1, h] = w0;
    checkHidden(h, options.expectedHiddenSize);
    const w2 = file.tensors['2.weight'].shape;
    if (w2.length !== 2 || w2[0] < 1) throw new HeadFileError(`tensor 2.weight has shape [${w2.join(', ')}], expected [H/4, ${h1}]`);
    const h2 = w2[0];
    head = new MlpHead(h, {
      w0: tensor('0.weight', [h1, h]),
      b0: tensor('0.bias', [h1]),
      w2: tensor('2.weight', [h2, h1]),
      b2: tensor('2.bias', [h2]),
      w4: tensor('4.weight', [1, h2]),
      b4: tensor('4.bias', [1]),
    });
  }
  return { head, metadata };
}

function checkHidden(actual: number, expected: number | undefined): void {
  if (expected !== undefined && actual !== expected) {
    throw new HeadFileError(`head expects hidden size ${actual} but the backbone produces ${expected}`);
  }
}

function floatData(name: string, tensor: Tensor): Float32Array {
  switch (tensor.dtype) {
    case 'F32':
    case 'F16':
    case 'BF16':
      return tensor.data as Float32Array;
    case 'F64':
      return Float32Array.from(tensor.data as Float64Array);
    default:
      throw new HeadFileError(`tensor ${name} has dtype ${tensor.dtype}; a head needs floating-point weights`);
  }
}

/**
 * Serialises a head and its metadata into an F32 safetensors file that PyTorch loads with
 * `load_state_dict` into `nn.Linear(H, 1)` or the ablation `nn.Sequential`. Throws when the
 * metadata is invalid or names another kind than the head's.
 */
export function writeHeadFile(head: LinearHead | MlpHead, metadata: HeadMetadata): Uint8Array {
  if (metadata.kind !== head.kind) {
    throw new HeadFileError(`metadata says kind "${metadata.kind}" but the head is "${head.kind}"`);
  }
  const strings = serialiseHeadMetadata(metadata);
  const tensors: Record<string, Tensor> = {};
  for (const parameter of head.parameters) {
    tensors[parameter.name] = { dtype: 'F32', shape: [...parameter.shape], data: parameter.data };
  }
  return encodeSafetensors(tensors, strings);
}
