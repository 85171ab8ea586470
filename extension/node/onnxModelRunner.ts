/**
 * The ModelRunner over an ONNX backbone (docs/model-package.md, "The backbone graph"), and the
 * only file that imports onnxruntime-node. The session is created on first use, so opening a
 * model package costs nothing until a question is scored.
 */
import * as ort from 'onnxruntime-node';
import { createSeededRandom } from '../core/math/seededRandom';
import type { BackboneEntry, ModelArchitecture } from '../core/scoring/modelManifest';
import { ModelPackageError } from '../core/scoring/modelPackageError';
import type { GenerateOptions, GenerationResult, LastTokenOutputs, ModelRunner } from '../core/scoring/modelRunner';
import { chooseNextToken } from '../core/scoring/sampler';
import { checkBackboneSignature, type GraphValue } from '../core/scoring/backboneSignature';
import type { LoraWeights } from './modelPackage';

/** 'auto' tries CUDA and falls back to the CPU, recording why. */
export type ExecutionProviderChoice = 'cpu' | 'cuda' | 'auto';

export interface OnnxModelRunnerOptions {
  /** Absolute path of backbone.onnx (already checked by loadModelPackage). */
  modelFile: string;
  architecture: ModelArchitecture;
  backbone: BackboneEntry;
  /** Token written into pad positions; the attention mask hides it, so its value must not matter. */
  padTokenId: number;
  provider: ExecutionProviderChoice;
  /** Threads inside one operator (0 = onnxruntime's default: one per core). */
  intraOpNumThreads?: number;
  /** Threads across independent operators (0 = default). */
  interOpNumThreads?: number;
  /**
   * Let idle intra-op threads busy-wait for the next operator (onnxruntime's default). Off unless
   * asked for: the runner shares the machine with the editor and whatever else runs there, and
   * when cores are oversubscribed the spinning threads steal the time the working ones need
   * (docs/benchmarks.md, "Model runtime": on a loaded 2-core VM a 2-thread forward of the 8-layer
   * bench model took 266 ms with spinning and 123 ms without). With one intra-op thread there is
   * no pool and no effect.
   */
  allowSpinning?: boolean;
  /** Where the runner says things a user may want to know (the CUDA fallback reason). */
  log?: (message: string) => void;
  /** Shared-base LoRA packages: each checkpoint's tensors, fed as the graph's lora.* inputs. */
  loraCheckpoints?: ReadonlyMap<string, LoraWeights>;
  /** The checkpoint used when a call names none (default: the first). */
  defaultAdapter?: string;
}

/** CUDA was asked for explicitly and cannot be used. */
export class ExecutionProviderError extends Error {
  override readonly name = 'ExecutionProviderError';
}

type FloatTensorType = 'float32' | 'float16';

/** float32 to IEEE half bits, rounding to nearest even (for float16 graphs' LoRA inputs). */
function floatToHalf(value: number): number {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  f32[0] = value;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits & 0x7fffff;
  if (((bits >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exponent;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (rest > midpoint || (rest === midpoint && half & 1) ? 1 : 0));
  }
  const half = (exponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** IEEE half (as stored by onnxruntime in a Uint16Array) to float32. */
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function floatData(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') {
    const data = tensor.data as Uint16Array;
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = halfToFloat(data[i]);
    return out;
  }
  throw new Error(`backbone output has type ${tensor.type}, expected float32 or float16`);
}

export class OnnxModelRunner implements ModelRunner {
  readonly hiddenSize: number;
  readonly vocabSize: number;
  private sessionPromise: Promise<ort.InferenceSession> | undefined;
  private session: ort.InferenceSession | undefined;
  private chosenProvider = 'not loaded';
  private fallbackReason: string | null = null;
  private disposed = false;
  /** session.run calls not yet settled (see run()). */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly floatType: FloatTensorType;
  private readonly names: { pastKey: string[]; pastValue: string[]; presentKey: string[]; presentValue: string[] };
  private readonly loraFeeds = new Map<string, Record<string, ort.Tensor>>();

  constructor(private readonly options: OnnxModelRunnerOptions) {
    this.hiddenSize = options.architecture.hiddenSize;
    this.vocabSize = options.architecture.vocabSize;
    this.floatType = options.backbone.dtype;
    const perLayer = (template: string): string[] => Array.from({ length: options.architecture.numLayers }, (_, layer) => template.split('{layer}').join(String(layer)));
    this.names = {
      pastKey: perLayer(options.backbone.inputs.pastKey),
      pastValue: perLayer(options.backbone.inputs.pastValue),
      presentKey: perLayer(options.backbone.outputs.presentKey),
      presentValue: perLayer(options.backbone.outputs.presentValue),
    };
  }

  /** 'cpu' or 'cuda' once loaded; before that 'not loaded'. */
  get runtime(): string {
    return this.chosenProvider;
  }

  /** Why 'auto' ended up on the CPU (null when it did not fall back). */
  get providerFallbackReason(): string | null {
    return this.fallbackReason;
  }

  /**
   * Creates the session now (otherwise the first forward does) and checks the graph's inputs and
   * outputs against the manifest. Errors: ExecutionProviderError for an unusable 'cuda';
   * ModelPackageError 'onnx-unreadable' / 'onnx-signature-mismatch' naming backbone.onnx.
   */
  async load(): Promise<void> {
    await this.getSession();
  }

  private getSession(): Promise<ort.InferenceSession> {
    if (this.disposed) return Promise.reject(new Error('the model runner was disposed'));
    this.sessionPromise ??= this.createSession().then((session) => (this.session = session));
    // A failed load may be retried (the user can fix the file); keep only successes.
    this.sessionPromise.catch(() => (this.sessionPromise = undefined));
    return this.sessionPromise;
  }

  private sessionOptions(provider: 'cpu' | 'cuda'): ort.InferenceSession.SessionOptions {
    return {
      executionProviders: [provider],
      intraOpNumThreads: this.options.intraOpNumThreads ?? 0,
      interOpNumThreads: this.options.interOpNumThreads ?? 0,
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: this.options.allowSpinning ? '1' : '0' } } },
      // onnxruntime prints provider-library failures itself; we report them in our own words.
      logSeverityLevel: 4,
    };
  }

  private async createSession(): Promise<ort.InferenceSession> {
    const file = this.options.backbone.file;
    let session: ort.InferenceSession;
    if (this.options.provider === 'cpu') {
      session = await this.open('cpu');
    } else {
      try {
        // A missing CUDA library is expected on most machines; onnxruntime would also print it in
        // red through its process-wide logger, which we quiet since the reason is reported below.
        // Real failures still arrive as exceptions.
        ort.env.logLevel = 'fatal';
        session = await this.open('cuda');
      } catch (error) {
        if (error instanceof ModelPackageError) throw error;
        const reason = `the CUDA execution provider could not be loaded (${(error as Error).message.trim()})`;
        if (this.options.provider === 'cuda') {
          throw new ExecutionProviderError(`${reason}. Install onnxruntime-node with its CUDA binaries (without ONNXRUNTIME_NODE_INSTALL=skip) on a machine with an NVIDIA GPU, or use --provider cpu / auto.`);
        }
        this.fallbackReason = reason;
        this.options.log?.(`elical: running ${file} on the CPU: ${reason}`);
        session = await this.open('cpu');
      }
    }
    const describe = (metadata: readonly ort.InferenceSession.ValueMetadata[]): GraphValue[] =>
      metadata.map((value) => (value.isTensor ? { name: value.name, type: value.type, shape: [...value.shape] } : { name: value.name, type: 'non-tensor', shape: [] }));
    try {
      const inputs = describe(session.inputMetadata);
      const lora = this.options.loraCheckpoints ?? new Map<string, LoraWeights>();
      checkBackboneSignature({ inputs, outputs: describe(session.outputMetadata) }, this.options.architecture, this.options.backbone, lora.size > 0);
      this.checkLoraInputs(inputs.filter((value) => value.name.startsWith('lora.')), lora);
    } catch (error) {
      await session.release();
      throw error;
    }
    return session;
  }

  /** Every checkpoint must feed exactly the graph's lora.* inputs, with matching shapes. */
  private checkLoraInputs(graphInputs: GraphValue[], checkpoints: ReadonlyMap<string, LoraWeights>): void {
    if (checkpoints.size > 0 && graphInputs.length === 0) {
      throw new ModelPackageError('lora-invalid', this.options.backbone.file, 'manifest.json lists LoRA checkpoints, but the graph has no lora.* inputs (it was exported with merged LoRA); remove the "lora" block or re-export with --shared-lora');
    }
    for (const [id, weights] of checkpoints) {
      const where = `LoRA checkpoint ${id}`;
      for (const input of graphInputs) {
        const tensor = weights[input.name];
        if (!tensor) throw new ModelPackageError('lora-invalid', where, `lacks tensor ${input.name}, which the graph takes as input; re-export the package`);
        const fits = tensor.shape.length === input.shape.length && input.shape.every((dim, axis) => typeof dim !== 'number' || dim === tensor.shape[axis]);
        if (!fits) throw new ModelPackageError('lora-invalid', where, `tensor ${input.name} has shape [${tensor.shape.join(', ')}], the graph expects [${input.shape.join(', ')}]`);
      }
      const extra = Object.keys(weights).filter((name) => !graphInputs.some((input) => input.name === name));
      if (extra.length > 0) throw new ModelPackageError('lora-invalid', where, `holds ${extra.join(', ')}, which the graph does not take; re-export the package`);
    }
  }

  /** The lora.* feeds of the requested (or default) checkpoint; none for packages without LoRA inputs. */
  private adapterFeeds(adapter: string | undefined): Record<string, ort.Tensor> {
    const checkpoints = this.options.loraCheckpoints ?? new Map<string, LoraWeights>();
    if (checkpoints.size === 0) {
      if (adapter !== undefined) throw new RangeError(`LoRA checkpoint ${JSON.stringify(adapter)} was asked for, but this model has no LoRA checkpoints as inputs`);
      return {};
    }
    const id = adapter ?? this.options.defaultAdapter ?? [...checkpoints.keys()][0];
    const weights = checkpoints.get(id);
    if (!weights) throw new RangeError(`unknown LoRA checkpoint ${JSON.stringify(id)}; this model has ${[...checkpoints.keys()].join(', ')}`);
    let feeds = this.loraFeeds.get(id);
    if (!feeds) {
      feeds = {};
      for (const [name, tensor] of Object.entries(weights)) {
        feeds[name] = this.floatType === 'float32' ? new ort.Tensor('float32', tensor.data, tensor.shape) : new ort.Tensor('float16', Uint16Array.from(tensor.data, floatToHalf), tensor.shape);
      }
      this.loraFeeds.set(id, feeds);
    }
    return feeds;
  }

  private async open(provider: 'cpu' | 'cuda'): Promise<ort.InferenceSession> {
    try {
      const session = await ort.InferenceSession.create(this.options.modelFile, this.sessionOptions(provider));
      this.chosenProvider = provider;
      return session;
    } catch (error) {
      const message = (error as Error).message;
      // Provider failures mention the provider; anything else is the file itself.
      if (provider === 'cuda' && /cuda|provider|shared library/i.test(message)) throw error;
      throw new ModelPackageError(
        'onnx-unreadable',
        this.options.backbone.file,
        `onnxruntime cannot load the graph (${message.trim()}). The file is truncated, corrupt or not an ONNX model; re-export the package or restore the file.`,
      );
    }
  }

  private emptyPast(batch: number): Record<string, ort.Tensor> {
    const { numKeyValueHeads, headDim } = this.options.architecture;
    const feeds: Record<string, ort.Tensor> = {};
    const empty = (): ort.Tensor => new ort.Tensor(this.floatType, this.floatType === 'float32' ? new Float32Array(0) : new Uint16Array(0), [batch, numKeyValueHeads, 0, headDim]);
    for (let layer = 0; layer < this.names.pastKey.length; layer++) {
      feeds[this.names.pastKey[layer]] = empty();
      feeds[this.names.pastValue[layer]] = empty();
    }
    return feeds;
  }

  /**
   * Left-pads the rows to one length: pads first, then the row; attention mask 0 on pads;
   * position_ids = max(cumsum(mask) - 1, 0), so every row's real tokens sit at positions 0..n-1
   * exactly as when run alone. The last column is therefore always a real token.
   */
  async forwardLastToken(rows: readonly (readonly number[])[], options: { withLogits?: boolean; adapter?: string } = {}): Promise<LastTokenOutputs> {
    if (rows.length === 0) throw new RangeError('forwardLastToken needs at least one row');
    const maxPositions = this.options.architecture.maxPositionEmbeddings;
    rows.forEach((row, index) => {
      if (row.length === 0) throw new RangeError(`row ${index} has no tokens`);
      if (row.length > maxPositions) throw new RangeError(`row ${index} has ${row.length} tokens, more than the model's ${maxPositions} positions`);
      for (const id of row) if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`row ${index} holds token id ${id}, outside the vocabulary (size ${this.vocabSize})`);
    });
    const session = await this.getSession();
    const lora = this.adapterFeeds(options.adapter);
    const batch = rows.length;
    const width = Math.max(...rows.map((row) => row.length));
    const ids = new BigInt64Array(batch * width).fill(BigInt(this.options.padTokenId));
    const mask = new BigInt64Array(batch * width);
    const positions = new BigInt64Array(batch * width);
    rows.forEach((row, b) => {
      const start = width - row.length;
      for (let t = 0; t < row.length; t++) {
        ids[b * width + start + t] = BigInt(row[t]);
        mask[b * width + start + t] = 1n;
        positions[b * width + start + t] = BigInt(t);
      }
    });
    const { inputs, outputs } = this.options.backbone;
    const feeds: Record<string, ort.Tensor> = {
      [inputs.inputIds]: new ort.Tensor('int64', ids, [batch, width]),
      [inputs.attentionMask]: new ort.Tensor('int64', mask, [batch, width]),
      [inputs.positionIds]: new ort.Tensor('int64', positions, [batch, width]),
      ...this.emptyPast(batch),
      ...lora,
    };
    const fetches = options.withLogits ? [outputs.hiddenStates, outputs.logits] : [outputs.hiddenStates];
    const result = await this.run(session, feeds, fetches);
    const lastRows = (tensor: ort.Tensor, size: number): Float32Array => {
      const data = floatData(tensor);
      const out = new Float32Array(batch * size);
      for (let b = 0; b < batch; b++) out.set(data.subarray((b * width + width - 1) * size, (b * width + width) * size), b * size);
      return out;
    };
    return {
      hiddenStates: lastRows(result[outputs.hiddenStates], this.hiddenSize),
      logits: options.withLogits ? lastRows(result[outputs.logits], this.vocabSize) : undefined,
    };
  }

  /**
   * KV-cache decoding of one prompt: the first call feeds the prompt with an empty cache (past
   * length 0), each later call feeds only the newest token, with present.* as the next past.*.
   * Every step's token is chosen by core/scoring/sampler.ts from the last position's logits; the
   * random source is createSeededRandom(seed), one draw per sampled token, so a seed fixes the
   * output. Stops at an EOS token (kept in tokenIds), after maxNewTokens, at the model's last
   * position ('length'), or when the signal aborts (checked before every step; 'aborted').
   * options.onToken sees each token right after it is chosen, before the stop checks.
   */
  async generate(promptIds: readonly number[], options: GenerateOptions): Promise<GenerationResult> {
    if (promptIds.length === 0) throw new RangeError('generate needs a non-empty prompt');
    if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 1) throw new RangeError(`maxNewTokens must be a positive integer, got ${options.maxNewTokens}`);
    const maxPositions = this.options.architecture.maxPositionEmbeddings;
    if (promptIds.length >= maxPositions) throw new RangeError(`the prompt has ${promptIds.length} tokens; the model has ${maxPositions} positions and needs one left to answer`);
    for (const id of promptIds) if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`prompt holds token id ${id}, outside the vocabulary (size ${this.vocabSize})`);
    const session = await this.getSession();
    const lora = this.adapterFeeds(options.adapter);
    const random = options.decoding === 'greedy' ? (): number => 0 : createSeededRandom(options.decoding.seed);
    const eos = new Set(options.eosTokenIds);
    const seen = new Set(promptIds);
    const { inputs, outputs } = this.options.backbone;
    const fetches = [outputs.logits, ...this.names.presentKey, ...this.names.presentValue];
    const tokenIds: number[] = [];
    const logprobs: number[] = [];
    const limit = Math.min(options.maxNewTokens, maxPositions - promptIds.length);

    let feedIds = [...promptIds];
    let past = this.emptyPast(1);
    let pastLength = 0;
    for (;;) {
      if (options.signal?.aborted) return { tokenIds, logprobs, finishReason: 'aborted' };
      const length = feedIds.length;
      const feeds: Record<string, ort.Tensor> = {
        [inputs.inputIds]: new ort.Tensor('int64', BigInt64Array.from(feedIds, (id) => BigInt(id)), [1, length]),
        [inputs.attentionMask]: new ort.Tensor('int64', new BigInt64Array(pastLength + length).fill(1n), [1, pastLength + length]),
        [inputs.positionIds]: new ort.Tensor('int64', BigInt64Array.from({ length }, (_, t) => BigInt(pastLength + t)), [1, length]),
        ...past,
        ...lora,
      };
      const result = await this.run(session, feeds, fetches);
      const logits = floatData(result[outputs.logits]).subarray((length - 1) * this.vocabSize, length * this.vocabSize);
      const chosen = chooseNextToken(logits, seen, options.decoding, options.repetitionPenalty, random);
      tokenIds.push(chosen.tokenId);
      logprobs.push(chosen.logprob);
      seen.add(chosen.tokenId);
      options.onToken?.(chosen.tokenId, chosen.logprob);
      if (eos.has(chosen.tokenId)) return { tokenIds, logprobs, finishReason: 'eos' };
      if (tokenIds.length >= limit) return { tokenIds, logprobs, finishReason: 'length' };
      past = {};
      for (let layer = 0; layer < this.names.pastKey.length; layer++) {
        past[this.names.pastKey[layer]] = result[this.names.presentKey[layer]];
        past[this.names.pastValue[layer]] = result[this.names.presentValue[layer]];
      }
      pastLength += length;
      feedIds = [chosen.tokenId];
    }
  }

  /**
   * One session.run, counted: dispose() waits for the runs in flight, because releasing a session
   * while a native run still uses it is not safe (the model service may close a model that a
   * long command is still scoring with; that command's next call then fails cleanly instead).
   */
  private async run(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, fetches: string[]): Promise<ort.InferenceSession.OnnxValueMapType> {
    // A generation loop holds the session across steps: no step may start once dispose() began.
    if (this.disposed) throw new Error('the model runner was disposed');
    const running = session.run(feeds, fetches);
    this.inFlight.add(running);
    try {
      return await running;
    } finally {
      this.inFlight.delete(running);
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const session = this.session ?? (await this.sessionPromise?.catch(() => undefined));
    this.session = undefined;
    this.sessionPromise = undefined;
    await Promise.allSettled([...this.inFlight]);
    await session?.release();
  }
}
