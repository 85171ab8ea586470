"""safetensors read/write: round trips, byte layout, and corrupt files named in the error."""
import json
import os
import struct
import tempfile
import unittest

import torch

import fixture_paths  # noqa: F401
from elical_tools.safetensors_io import SafetensorsError, load_file, save_file


def read_bytes(path):
    with open(path, 'rb') as handle:
        return handle.read()


class SafetensorsTest(unittest.TestCase):
    def test_round_trip_keeps_values_dtypes_and_metadata(self):
        tensors = {'a': torch.randn(3, 4), 'b': torch.arange(5, dtype=torch.int64), 'c': torch.randn(2).half(),
                   'd': torch.randn(2, 2).to(torch.bfloat16), 'e': torch.tensor(3.5)}
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, 'x.safetensors')
            save_file(path, tensors, {'k': 'v'})
            loaded, metadata = load_file(path)
        self.assertEqual(metadata, {'k': 'v'})
        for name, tensor in tensors.items():
            self.assertEqual(loaded[name].dtype, tensor.dtype)
            self.assertTrue(torch.equal(loaded[name], tensor), name)

    def test_layout_follows_the_format(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, 'x.safetensors')
            save_file(path, {'w': torch.tensor([1.0, 2.0])})
            raw = read_bytes(path)
        (length,) = struct.unpack('<Q', raw[:8])
        self.assertEqual(length % 8, 0)
        header = json.loads(raw[8:8 + length])
        self.assertEqual(header['w'], {'dtype': 'F32', 'shape': [2], 'data_offsets': [0, 8]})
        self.assertEqual(raw[8 + length:], struct.pack('<2f', 1.0, 2.0))

    def test_truncated_file_is_named(self):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, 'x.safetensors')
            save_file(path, {'w': torch.randn(10)})
            raw = read_bytes(path)
            with open(path, 'wb') as handle:
                handle.write(raw[:-4])
            with self.assertRaisesRegex(SafetensorsError, r'x\.safetensors.*truncated'):
                load_file(path)

    def test_non_string_metadata_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            with self.assertRaisesRegex(SafetensorsError, 'strings'):
                save_file(os.path.join(folder, 'x.safetensors'), {'w': torch.randn(1)}, {'n': 1})


if __name__ == '__main__':
    unittest.main()
