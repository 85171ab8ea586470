"""Read and write the safetensors format with only the standard library, numpy and torch.

Why: the machines that run our tooling have Debian's torch but not the `safetensors` pip
package, and Hugging Face checkpoints, PEFT adapters and our head files all use this format.
Layout (public format description): 8-byte little-endian header length N, then N bytes of
UTF-8 JSON mapping each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets
relative to the end of the header) plus an optional "__metadata__" of string -> string, then
the raw little-endian tensor bytes.
"""
import json
import struct

import numpy as np
import torch

# safetensors dtype tag -> (numpy dtype used to read the bytes, torch dtype of the result).
# BF16 has no numpy dtype: its bytes are read as int16 and reinterpreted by torch.
_DTYPES = {
    'F64': (np.float64, torch.float64),
    'F32': (np.float32, torch.float32),
    'F16': (np.float16, torch.float16),
    'BF16': (np.int16, torch.bfloat16),
    'I64': (np.int64, torch.int64),
    'I32': (np.int32, torch.int32),
    'I16': (np.int16, torch.int16),
    'I8': (np.int8, torch.int8),
    'U8': (np.uint8, torch.uint8),
    'BOOL': (np.bool_, torch.bool),
}
_TAG_OF_TORCH = {torch_dtype: tag for tag, (_, torch_dtype) in _DTYPES.items()}
# Bit-identical reinterpretation used when writing dtypes numpy cannot hold.
_WRITE_VIEW = {torch.bfloat16: torch.int16}

# A header larger than this is a corrupt or hostile file, not a checkpoint.
MAX_HEADER_BYTES = 100 * 1024 * 1024


class SafetensorsError(ValueError):
    """A file that is not valid safetensors; the message names the file and the problem."""


def read_header(path):
    """Returns (header dict without __metadata__, metadata dict, byte offset of the data)."""
    with open(path, 'rb') as handle:
        prefix = handle.read(8)
        if len(prefix) != 8:
            raise SafetensorsError(f'{path}: too short to be safetensors (no 8-byte header length)')
        (length,) = struct.unpack('<Q', prefix)
        if length > MAX_HEADER_BYTES:
            raise SafetensorsError(f'{path}: header length {length} is implausible; the file is corrupt')
        raw = handle.read(length)
        if len(raw) != length:
            raise SafetensorsError(f'{path}: header is truncated ({len(raw)} of {length} bytes)')
    try:
        header = json.loads(raw.decode('utf-8'))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SafetensorsError(f'{path}: header is not JSON ({error})') from None
    if not isinstance(header, dict):
        raise SafetensorsError(f'{path}: header is not a JSON object')
    metadata = header.pop('__metadata__', None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise SafetensorsError(f'{path}: __metadata__ must map strings to strings')
    return header, metadata, 8 + length


def load_file(path):
    """Returns (dict name -> torch tensor (a copy, in file dtype), metadata dict of strings)."""
    header, metadata, data_start = read_header(path)
    with open(path, 'rb') as handle:
        handle.seek(data_start)
        data = handle.read()
    tensors = {}
    for name, entry in header.items():
        if not isinstance(entry, dict) or entry.get('dtype') not in _DTYPES:
            raise SafetensorsError(f'{path}: tensor {name!r} has an unsupported entry {entry!r}')
        shape = entry.get('shape')
        offsets = entry.get('data_offsets')
        if not (isinstance(shape, list) and all(isinstance(d, int) and d >= 0 for d in shape)):
            raise SafetensorsError(f'{path}: tensor {name!r} has a bad shape {shape!r}')
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(isinstance(o, int) for o in offsets)):
            raise SafetensorsError(f'{path}: tensor {name!r} has bad data_offsets {offsets!r}')
        np_dtype, torch_dtype = _DTYPES[entry['dtype']]
        begin, end = offsets
        count = int(np.prod(shape)) if shape else 1
        if not 0 <= begin <= end <= len(data) or end - begin != count * np.dtype(np_dtype).itemsize:
            raise SafetensorsError(
                f'{path}: tensor {name!r} bytes [{begin}, {end}) do not fit shape {shape} '
                f'{entry["dtype"]} in a data section of {len(data)} bytes (truncated file?)')
        array = np.frombuffer(data, dtype=np.dtype(np_dtype).newbyteorder('<'), count=count, offset=begin)
        tensor = torch.from_numpy(array.astype(np_dtype, copy=True)).reshape(shape)
        if torch_dtype is torch.bfloat16:
            tensor = tensor.view(torch.bfloat16)
        tensors[name] = tensor
    return tensors, metadata


def save_file(path, tensors, metadata=None):
    """Writes tensors (name -> torch tensor) in name order; metadata values must be strings."""
    if metadata is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise SafetensorsError(f'{path}: metadata must map strings to strings (the format allows nothing else)')
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().contiguous().cpu()
        if tensor.dtype not in _TAG_OF_TORCH:
            raise SafetensorsError(f'{path}: tensor {name!r} has unsupported dtype {tensor.dtype}')
        tag = _TAG_OF_TORCH[tensor.dtype]
        raw = tensor.view(_WRITE_VIEW.get(tensor.dtype, tensor.dtype)).numpy().astype(
            np.dtype(_DTYPES[tag][0]).newbyteorder('<'), copy=False).tobytes()
        header[name] = {'dtype': tag, 'shape': list(tensor.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header['__metadata__'] = dict(metadata)
    encoded = json.dumps(header, separators=(',', ':')).encode('utf-8')
    # Pad the header with spaces so the data starts 8-byte aligned, as the format recommends.
    encoded += b' ' * (-len(encoded) % 8)
    with open(path, 'wb') as handle:
        handle.write(struct.pack('<Q', len(encoded)))
        handle.write(encoded)
        for chunk in chunks:
            handle.write(chunk)
