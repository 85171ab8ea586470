/**
 * ModelRunner over a remote Open Inference Protocol v2 endpoint: the extension tokenises and
 * applies its (possibly locally retrained) heads, the server runs the backbone. ConfidenceScorer
 * uses it unchanged.
 *
 * Two kinds of server are understood, told apart by the model's metadata:
 * - `elical serve`: inputs input_ids and attention_mask, output last_hidden_state [batch, hidden]
 *   (already the last real token);
 * - Triton / KServe running the package's backbone.onnx unchanged (`elical triton-repo`): the
 *   graph also takes position_ids and an (empty) KV cache, and returns last_hidden_state
 *   [batch, seq, hidden]; the client then feeds those inputs and takes the last position, which
 *   is a real token because rows are left-padded.
 * Rows are sent left-padded (pads first, mask 0 there), so both kinds read the same positions the
 * local runner reads, and a row's result does not depend on the other rows in its batch.
 */
import type { BackboneEntry, ModelArchitecture } from '../../core/scoring/modelManifest';
import type { GenerateOptions, GenerationResult, LastTokenOutputs, ModelRunner } from '../../core/scoring/modelRunner';
import { generateRequestBody } from './generateRequest';
import type { GenerateAnswer } from './generateAnswer';
import type { InferenceClient, ModelMetadata, RequestTensor, TensorMetadata } from './inferenceClient';
import { RemoteEndpointError } from './remoteEndpointError';

export interface RemoteModelRunnerOptions {
  client: InferenceClient;
  /** Model name on the server (`elical serve` uses the manifest's name). */
  modelName: string;
  /** From the local model package: what the remote backbone must match. */
  architecture: ModelArchitecture;
  backbone: BackboneEntry;
  padTokenId: number;
}

interface FeedPlan {
  positionIds: boolean;
  /** Empty KV-cache inputs to send (past length 0), with the server's datatype. */
  past: { name: string; datatype: string }[];
  hiddenDatatype: string;
}

const FLOAT_TYPES = new Set(['FP32', 'FP16']);

export class RemoteModelRunner implements ModelRunner {
  readonly hiddenSize: number;
  readonly vocabSize: number;
  private plan: FeedPlan | undefined;
  private connecting: Promise<FeedPlan> | undefined;
  private disposed = false;

  constructor(private readonly options: RemoteModelRunnerOptions) {
    this.hiddenSize = options.architecture.hiddenSize;
    this.vocabSize = options.architecture.vocabSize;
  }

  get runtime(): string {
    return `remote (${this.options.client.baseUrl.origin})`;
  }

  /**
   * Checks the server is ready and its model fits the local package (names, datatypes, hidden
   * size); later calls reuse the result. Errors: RemoteEndpointError 'not-ready',
   * 'model-mismatch', or the transport codes of InferenceClient. A failure is not cached.
   */
  connect(signal?: AbortSignal): Promise<void> {
    return this.getPlan(signal).then(() => undefined);
  }

  private getPlan(signal?: AbortSignal): Promise<FeedPlan> {
    if (this.disposed) return Promise.reject(new Error('the model runner was disposed'));
    if (this.plan) return Promise.resolve(this.plan);
    this.connecting ??= this.checkServer(signal).then(
      (plan) => (this.plan = plan),
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  private async checkServer(signal?: AbortSignal): Promise<FeedPlan> {
    const { client, modelName } = this.options;
    if (!(await client.ready({ signal }))) {
      throw new RemoteEndpointError('not-ready', `${client.baseUrl.href}v2/health/ready: the server is not ready (still loading, or shutting down); try again shortly`);
    }
    return this.planFor(await client.modelMetadata(modelName, { signal }));
  }

  /** What to send and read, given the server's metadata; 'model-mismatch' when it does not fit. */
  private planFor(metadata: ModelMetadata): FeedPlan {
    const { architecture, backbone, modelName } = this.options;
    const mismatch = (problem: string): never => {
      throw new RemoteEndpointError('model-mismatch', `model ${JSON.stringify(modelName)} on ${this.options.client.baseUrl.origin} does not fit the local model package: ${problem}`);
    };
    if (metadata.name !== modelName) mismatch(`the server describes a model named ${JSON.stringify(metadata.name)}`);
    const find = (list: TensorMetadata[], name: string, side: string): TensorMetadata =>
      list.find((tensor) => tensor.name === name) ?? mismatch(`it has no ${side} ${name} (its ${side}s: ${list.map((tensor) => tensor.name).join(', ') || 'none'})`);
    for (const name of [backbone.inputs.inputIds, backbone.inputs.attentionMask]) {
      const input = find(metadata.inputs, name, 'input');
      if (input.datatype !== 'INT64') mismatch(`input ${name} has datatype ${input.datatype}, expected INT64`);
      if (input.shape.length !== 2) mismatch(`input ${name} has shape [${input.shape.join(', ')}], expected [batch, seq]`);
    }
    const layers = Array.from({ length: architecture.numLayers }, (_, layer) => String(layer));
    const pastNames = new Set(layers.flatMap((layer) => [backbone.inputs.pastKey, backbone.inputs.pastValue].map((template) => template.split('{layer}').join(layer))));
    const plan: FeedPlan = { positionIds: false, past: [], hiddenDatatype: '' };
    for (const input of metadata.inputs) {
      if (input.name === backbone.inputs.inputIds || input.name === backbone.inputs.attentionMask) continue;
      if (input.name === backbone.inputs.positionIds) {
        if (input.datatype !== 'INT64') mismatch(`input ${input.name} has datatype ${input.datatype}, expected INT64`);
        plan.positionIds = true;
      } else if (pastNames.has(input.name)) {
        const [, heads, , dim] = input.shape;
        if (!FLOAT_TYPES.has(input.datatype)) mismatch(`cache input ${input.name} has datatype ${input.datatype}, expected FP32 or FP16`);
        if (input.shape.length !== 4 || (heads >= 0 && heads !== architecture.numKeyValueHeads) || (dim >= 0 && dim !== architecture.headDim)) {
          mismatch(`cache input ${input.name} has shape [${input.shape.join(', ')}], expected [batch, ${architecture.numKeyValueHeads}, past, ${architecture.headDim}]`);
        }
        plan.past.push({ name: input.name, datatype: input.datatype });
      } else {
        mismatch(`it takes input ${input.name}, which this client cannot feed (shared-base LoRA inputs are not supported over a remote endpoint)`);
      }
    }
    if (plan.past.length !== 0 && plan.past.length !== pastNames.size) mismatch(`it takes ${plan.past.length} of the ${pastNames.size} KV-cache inputs`);
    const hidden = find(metadata.outputs, backbone.outputs.hiddenStates, 'output');
    if (!FLOAT_TYPES.has(hidden.datatype)) mismatch(`output ${hidden.name} has datatype ${hidden.datatype}, expected FP32 or FP16`);
    const last = hidden.shape[hidden.shape.length - 1];
    if ((hidden.shape.length !== 2 && hidden.shape.length !== 3) || (last >= 0 && last !== architecture.hiddenSize)) {
      mismatch(`output ${hidden.name} has shape [${hidden.shape.join(', ')}], expected [batch, ${architecture.hiddenSize}] or [batch, seq, ${architecture.hiddenSize}] (hidden size ${architecture.hiddenSize} in manifest.json)`);
    }
    plan.hiddenDatatype = hidden.datatype;
    return plan;
  }

  /**
   * Same contract as the local runner: rows non-empty, within the model's positions, token ids
   * within the vocabulary (RangeError otherwise, before anything is sent). `withLogits` and
   * `adapter` are 'not-supported' remotely. `signal` cancels the HTTP call ('aborted').
   */
  async forwardLastToken(rows: readonly (readonly number[])[], options: { withLogits?: boolean; adapter?: string; signal?: AbortSignal } = {}): Promise<LastTokenOutputs> {
    if (options.withLogits) throw new RemoteEndpointError('not-supported', 'logits are not available from a remote endpoint (it returns the last-token hidden state only)');
    if (options.adapter !== undefined) throw new RemoteEndpointError('not-supported', `LoRA checkpoint ${JSON.stringify(options.adapter)} was asked for, but a remote endpoint serves one backbone; export the checkpoint merged and serve it as its own model`);
    if (rows.length === 0) throw new RangeError('forwardLastToken needs at least one row');
    const maxPositions = this.options.architecture.maxPositionEmbeddings;
    rows.forEach((row, index) => {
      if (row.length === 0) throw new RangeError(`row ${index} has no tokens`);
      if (row.length > maxPositions) throw new RangeError(`row ${index} has ${row.length} tokens, more than the model's ${maxPositions} positions`);
      for (const id of row) if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`row ${index} holds token id ${id}, outside the vocabulary (size ${this.vocabSize})`);
    });
    const plan = await this.getPlan(options.signal);
    const { backbone, architecture, client, modelName } = this.options;
    const batch = rows.length;
    const width = Math.max(...rows.map((row) => row.length));
    const ids = new Array<number>(batch * width).fill(this.options.padTokenId);
    const mask = new Array<number>(batch * width).fill(0);
    const positions = new Array<number>(batch * width).fill(0);
    rows.forEach((row, b) => {
      const start = width - row.length;
      for (let t = 0; t < row.length; t++) {
        ids[b * width + start + t] = row[t];
        mask[b * width + start + t] = 1;
        positions[b * width + start + t] = t;
      }
    });
    const inputs: RequestTensor[] = [
      { name: backbone.inputs.inputIds, shape: [batch, width], datatype: 'INT64', data: ids },
      { name: backbone.inputs.attentionMask, shape: [batch, width], datatype: 'INT64', data: mask },
    ];
    if (plan.positionIds) inputs.push({ name: backbone.inputs.positionIds, shape: [batch, width], datatype: 'INT64', data: positions });
    for (const past of plan.past) inputs.push({ name: past.name, shape: [batch, architecture.numKeyValueHeads, 0, architecture.headDim], datatype: past.datatype, data: [] });
    const response = await client.infer(modelName, inputs, [backbone.outputs.hiddenStates], { signal: options.signal });
    return { hiddenStates: this.readHidden(response.outputs, batch, width), logits: undefined };
  }

  private readHidden(outputs: { name: string; shape: number[]; datatype: string; data: unknown[] }[], batch: number, width: number): Float32Array {
    const { hiddenStates: name } = this.options.backbone.outputs;
    const hidden = this.hiddenSize;
    const mismatch = (problem: string): never => {
      throw new RemoteEndpointError('shape-mismatch', `model ${JSON.stringify(this.options.modelName)} on ${this.options.client.baseUrl.origin}: ${problem}`);
    };
    const output = outputs.find((tensor) => tensor.name === name) ?? mismatch(`the response has no output ${name} (it has ${outputs.map((tensor) => tensor.name).join(', ') || 'none'})`);
    if (!FLOAT_TYPES.has(output.datatype)) mismatch(`output ${name} has datatype ${output.datatype}, expected FP32 or FP16`);
    const shape = output.shape;
    const expected2 = [batch, hidden];
    const expected3 = [batch, width, hidden];
    const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((dim, axis) => dim === b[axis]);
    if (!same(shape, expected2) && !same(shape, expected3)) mismatch(`output ${name} has shape [${shape.join(', ')}] for ${batch} row(s) of ${width} tokens; expected [${expected2.join(', ')}] or [${expected3.join(', ')}]`);
    const data = output.data;
    for (let i = 0; i < data.length; i++) {
      if (typeof data[i] !== 'number' || !Number.isFinite(data[i])) mismatch(`output ${name} element ${i} is ${JSON.stringify(data[i])}, not a finite number`);
    }
    const values = data as number[];
    const out = new Float32Array(batch * hidden);
    if (shape.length === 2) {
      out.set(values);
    } else {
      for (let b = 0; b < batch; b++) out.set(values.slice((b * width + width - 1) * hidden, (b * width + width) * hidden), b * hidden);
    }
    return out;
  }

  /**
   * Generation on the server (`elical serve`'s generate_stream route, the same runner there), so
   * the result equals a local generation with the same options, and options.onToken sees each
   * token as the server sends it. Same argument checks as the local runner (RangeError before
   * anything is sent); `adapter` is 'not-supported'; a server without the route (Triton, KServe)
   * is 'not-supported'. A cancelled call returns the tokens that had arrived, with finishReason
   * 'aborted', as the local runner does; the server stops generating when the client goes away.
   */
  async generate(promptIds: readonly number[], options: GenerateOptions): Promise<GenerationResult> {
    if (options.adapter !== undefined) throw new RemoteEndpointError('not-supported', `LoRA checkpoint ${JSON.stringify(options.adapter)} was asked for, but a remote endpoint serves one backbone; export the checkpoint merged and serve it as its own model`);
    if (promptIds.length === 0) throw new RangeError('generate needs a non-empty prompt');
    if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 1) throw new RangeError(`maxNewTokens must be a positive integer, got ${options.maxNewTokens}`);
    const maxPositions = this.options.architecture.maxPositionEmbeddings;
    if (promptIds.length >= maxPositions) throw new RangeError(`the prompt has ${promptIds.length} tokens; the model has ${maxPositions} positions and needs one left to answer`);
    for (const id of promptIds) if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`prompt holds token id ${id}, outside the vocabulary (size ${this.vocabSize})`);
    if (options.signal?.aborted) return { tokenIds: [], logprobs: [], finishReason: 'aborted' };
    await this.getPlan(options.signal);
    const { client, modelName } = this.options;
    const wrong = (problem: string): never => {
      throw new RemoteEndpointError('malformed-response', `model ${JSON.stringify(modelName)} on ${client.baseUrl.origin} generated ${problem}`);
    };
    const limit = Math.min(options.maxNewTokens, maxPositions - promptIds.length);
    const eos = new Set(options.eosTokenIds);
    const received: number[] = [];
    const receivedLogprobs: number[] = [];
    const accept = (id: number, logprob: number): void => {
      // Checked before the caller sees it: a token the model cannot have produced is never shown.
      if (id < 0 || id >= this.vocabSize) wrong(`token id ${id}, outside the vocabulary (size ${this.vocabSize})`);
      if (received.length >= limit) wrong(`more than ${limit} tokens`);
      if (received.length > 0 && eos.has(received[received.length - 1])) wrong(`a token after the end-of-sequence token at position ${received.length - 1}`);
      received.push(id);
      receivedLogprobs.push(logprob);
      options.onToken?.(id, logprob);
    };
    let answer: GenerateAnswer;
    try {
      answer = await client.generateStream(modelName, generateRequestBody(promptIds, options), accept, { signal: options.signal });
    } catch (error) {
      if (error instanceof RemoteEndpointError && error.code === 'aborted') return { tokenIds: received, logprobs: receivedLogprobs, finishReason: 'aborted' };
      throw error;
    }
    const { outputIds, logprobs, finishReason } = answer;
    if (outputIds.length === 0) wrong(`no token for at most ${limit}`);
    const endedOnEos = eos.has(outputIds[outputIds.length - 1]);
    if ((finishReason === 'eos') !== endedOnEos) wrong(`finish_reason "${finishReason}" for an answer that ${endedOnEos ? 'ends' : 'does not end'} with an end-of-sequence token`);
    if (finishReason === 'length' && outputIds.length !== limit) wrong(`finish_reason "length" after ${outputIds.length} of ${limit} tokens`);
    return { tokenIds: [...outputIds], logprobs: [...logprobs], finishReason };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.options.client.close();
  }
}
