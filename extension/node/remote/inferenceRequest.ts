/**
 * Validates an Open Inference Protocol v2 inference request for the `elical serve` model and
 * turns it into token rows. The model's contract (docs/remote.md):
 * - inputs `input_ids` and `attention_mask`, both INT64, both shape [batch, seq], same shape;
 * - rows are LEFT-padded: each mask row is zeros then ones, with at least one 1; the tokens under
 *   the ones are the row (pad ids under zeros are ignored, but must still be valid token ids);
 * - 1 <= batch <= maxBatch, 1 <= seq <= maxPositions, every id in [0, vocabSize);
 * - the optional `outputs` list may only name `last_hidden_state`; binary tensor data (the
 *   binary_data extension) is not offered, so asking for it is an error.
 * Every problem is an InferenceRequestError whose message says which field is wrong; the server
 * answers it with 400 and {"error": message}.
 */
import { flattenTensorData } from './flattenTensorData';

export class InferenceRequestError extends Error {
  override readonly name = 'InferenceRequestError';
}

export interface RequestLimits {
  vocabSize: number;
  maxPositions: number;
  maxBatch: number;
  inputIds: string;
  attentionMask: string;
  hiddenStates: string;
}

export interface ParsedInferenceRequest {
  /** Echoed back in the response when present. */
  id: string | undefined;
  /** The real tokens of each row (pads removed). */
  rows: number[][];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(problem: string): never {
  throw new InferenceRequestError(problem);
}

function wantsBinary(parameters: unknown): boolean {
  return isRecord(parameters) && (parameters.binary_data === true || parameters.binary_data_output === true || 'binary_data_size' in parameters);
}

export function parseInferenceRequest(body: unknown, limits: RequestLimits): ParsedInferenceRequest {
  if (!isRecord(body)) bad('the request body must be a JSON object with an "inputs" array');
  if (body.id !== undefined && typeof body.id !== 'string') bad('"id" must be a string');
  if (body.parameters !== undefined && !isRecord(body.parameters)) bad('"parameters" must be an object');
  if (wantsBinary(body.parameters)) bad('binary tensor data is not supported by this server; send and request JSON tensors');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0) bad('"inputs" must be a non-empty array of tensors');
  if (body.outputs !== undefined) {
    if (!Array.isArray(body.outputs)) bad('"outputs" must be an array of {name}');
    body.outputs.forEach((output: unknown, index: number) => {
      if (!isRecord(output) || typeof output.name !== 'string') bad(`outputs[${index}] must be an object with a string "name"`);
      if (output.name !== limits.hiddenStates) bad(`outputs[${index}] names ${JSON.stringify(output.name)}; this model has one output, ${limits.hiddenStates}`);
      if (wantsBinary(output.parameters)) bad('binary tensor data is not supported by this server; request JSON tensors');
    });
  }
  const tensors = new Map<string, { shape: number[]; data: unknown[] }>();
  body.inputs.forEach((input: unknown, index: number) => {
    const where = `inputs[${index}]`;
    if (!isRecord(input)) bad(`${where} must be an object {name, shape, datatype, data}`);
    if (typeof input.name !== 'string') bad(`${where}.name must be a string`);
    const name = input.name;
    if (name !== limits.inputIds && name !== limits.attentionMask) bad(`${where} is ${JSON.stringify(name)}; this model takes ${limits.inputIds} and ${limits.attentionMask}`);
    if (tensors.has(name)) bad(`input ${name} is given twice`);
    if (input.datatype !== 'INT64') bad(`input ${name} has datatype ${JSON.stringify(input.datatype)}, expected "INT64"`);
    if (wantsBinary(input.parameters)) bad('binary tensor data is not supported by this server; send JSON tensors');
    const shape = input.shape;
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((dim) => Number.isSafeInteger(dim))) bad(`input ${name} must have shape [batch, seq] (two integers), got ${JSON.stringify(shape)}`);
    const [batch, seq] = shape as number[];
    if (batch < 1 || batch > limits.maxBatch) bad(`input ${name} has batch size ${batch}; this server takes 1 to ${limits.maxBatch} rows per request`);
    if (seq < 1 || seq > limits.maxPositions) bad(`input ${name} has ${seq} tokens per row; the model takes 1 to ${limits.maxPositions}`);
    const data = flattenTensorData(input.data, shape as number[]);
    if (typeof data === 'string') bad(`input ${name}: ${data}`);
    tensors.set(name, { shape: shape as number[], data });
  });
  const ids = tensors.get(limits.inputIds) ?? bad(`input ${limits.inputIds} is missing`);
  const mask = tensors.get(limits.attentionMask) ?? bad(`input ${limits.attentionMask} is missing`);
  if (ids.shape[0] !== mask.shape[0] || ids.shape[1] !== mask.shape[1]) bad(`${limits.inputIds} has shape [${ids.shape.join(', ')}] but ${limits.attentionMask} has [${mask.shape.join(', ')}]; they must match`);
  const [batch, seq] = ids.shape;
  const rows: number[][] = [];
  for (let b = 0; b < batch; b++) {
    const row: number[] = [];
    let started = false;
    for (let t = 0; t < seq; t++) {
      const id = ids.data[b * seq + t];
      const bit = mask.data[b * seq + t];
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= limits.vocabSize) bad(`${limits.inputIds}[${b}][${t}] is ${JSON.stringify(id)}; token ids are integers in [0, ${limits.vocabSize})`);
      if (bit !== 0 && bit !== 1) bad(`${limits.attentionMask}[${b}][${t}] is ${JSON.stringify(bit)}; the mask holds 0 (pad) or 1 (token)`);
      if (bit === 1) {
        started = true;
        row.push(id);
      } else if (started) {
        bad(`${limits.attentionMask} row ${b} has a pad after a token; rows must be left-padded (zeros first, then ones)`);
      }
    }
    if (row.length === 0) bad(`${limits.attentionMask} row ${b} has no tokens (all zeros)`);
    rows.push(row);
  }
  return { id: body.id as string | undefined, rows };
}
