"""Runs ONNX graphs through onnxruntime-node from Python tests (Debian has no Python onnxruntime).

Why: the exporter's graph must be checked in the runtime the extension uses; this spawns
tools/tests/run_onnx.mjs once per batch of calls and returns numpy arrays.
"""
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'run_onnx.mjs')
REPO = os.path.dirname(os.path.dirname(os.path.dirname(SCRIPT)))


def node_binary():
    """NODE from the environment, else `node` on PATH; None when neither exists."""
    return os.environ.get('NODE') or shutil.which('node')


def _feed(array):
    array = np.asarray(array)
    if array.dtype == np.int64:
        return {'type': 'int64', 'dims': list(array.shape), 'data': array.reshape(-1).tolist()}
    if array.dtype == np.float16:
        return {'type': 'float16', 'dims': list(array.shape), 'data': array.view(np.uint16).reshape(-1).tolist()}
    return {'type': 'float32', 'dims': list(array.shape), 'data': array.astype(np.float32).reshape(-1).tolist()}


def _result(spec):
    data = np.asarray(spec['data'])
    if spec['type'] == 'float16':
        return data.astype(np.uint16).view(np.float16).reshape(spec['dims'])
    if spec['type'] == 'int64':
        return data.astype(np.int64).reshape(spec['dims'])
    return data.astype(np.float32).reshape(spec['dims'])


def run_onnx(model_path, calls):
    """calls: list of {input name: numpy array}; returns a list of {output name: numpy array}."""
    with tempfile.TemporaryDirectory() as work:
        feeds_path, out_path = os.path.join(work, 'feeds.json'), os.path.join(work, 'out.json')
        with open(feeds_path, 'w', encoding='utf-8') as handle:
            json.dump([{'feeds': {name: _feed(value) for name, value in call.items()}} for call in calls], handle)
        completed = subprocess.run([node_binary(), SCRIPT, os.path.abspath(model_path), feeds_path, out_path], cwd=REPO,
                                   capture_output=True, text=True, timeout=120)
        if completed.returncode != 0:
            raise RuntimeError(f'onnxruntime-node failed: {completed.stderr}')
        with open(out_path, encoding='utf-8') as handle:
            return [{name: _result(spec) for name, spec in result.items()} for result in json.load(handle)]
