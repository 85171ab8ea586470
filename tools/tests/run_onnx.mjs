// Runs an ONNX graph with onnxruntime-node (CPU) on feeds read from a JSON file and writes the
// outputs as JSON. Why: Debian has no onnxruntime for Python, and the exporter's tests must check
// the graph in the runtime the extension uses (including the zero-length past of a first call).
// Usage: node tools/tests/run_onnx.mjs MODEL.onnx FEEDS.json OUT.json
// FEEDS.json: [ { "feeds": { name: { "type": "int64"|"float32"|"float16", "dims": [...], "data": [...] } } }, ... ]
// OUT.json:   [ { name: { "dims": [...], "data": [...] } }, ... ]  (float16 outputs as numbers)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const [modelPath, feedsPath, outPath] = process.argv.slice(2);

function toTensor({ type, dims, data }) {
  if (type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(data.map((v) => BigInt(v))), dims);
  if (type === 'float32') return new ort.Tensor('float32', Float32Array.from(data), dims);
  if (type === 'float16') return new ort.Tensor('float16', Uint16Array.from(data), dims);
  throw new Error(`unsupported feed type ${type}`);
}

const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'] });
const calls = JSON.parse(readFileSync(feedsPath, 'utf8'));
const results = [];
for (const call of calls) {
  const feeds = Object.fromEntries(Object.entries(call.feeds).map(([name, spec]) => [name, toTensor(spec)]));
  const outputs = await session.run(feeds);
  results.push(Object.fromEntries(Object.entries(outputs).map(([name, tensor]) => [
    name,
    { type: tensor.type, dims: tensor.dims.map(Number), data: Array.from(tensor.data, Number) },
  ])));
}
writeFileSync(outPath, JSON.stringify(results));
