/**
 * `elical triton-repo --model DIR --out REPO`: writes a Triton model repository for the
 * package's backbone (extension/node/remote/tritonRepository.ts), so a team can serve it with
 * Triton's ONNX Runtime backend and point the extension at Triton.
 */
import { ModelPackageError } from '../../core/scoring/modelPackageError';
import { loadModelPackage } from '../modelPackage';
import { writeTritonRepository } from '../remote/tritonRepository';
import { CliUsageError, type CliCommand, type CliIo } from './cliIo';
import { parseCommandArgs } from './parseCommandArgs';
import { parseCount } from './openModel';

const HELP = `usage: elical triton-repo --model DIR --out REPO [--max-batch N] [--max-delay-us D]

Writes REPO/NAME/config.pbtxt (platform onnxruntime_onnx, the graph's inputs and outputs,
dynamic batching) and REPO/NAME/1/model.onnx (the package's backbone). NAME is the manifest's name.
  --max-batch N      Triton max_batch_size (default 16)
  --max-delay-us D   dynamic_batching max_queue_delay_microseconds (default 2000)
Prints {model_dir, config, model} as one JSON line.`;

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('triton-repo', HELP, args, { model: { type: 'string' }, out: { type: 'string' }, 'max-batch': { type: 'string' }, 'max-delay-us': { type: 'string' } }, (text) => io.stdout(text));
  if (parsed === null) return 0;
  const { values } = parsed;
  if (!values.model || !values.out) throw new CliUsageError(`triton-repo: --model DIR and --out REPO are required\n${HELP}`);
  const maxBatch = parseCount('max-batch', values['max-batch'], 16, 1);
  const maxDelay = parseCount('max-delay-us', values['max-delay-us'], 2000, 0);
  try {
    const pkg = await loadModelPackage(values.model);
    const result = await writeTritonRepository(pkg, values.out, maxBatch, maxDelay);
    io.stdout(`${JSON.stringify({ model_dir: result.modelDir, config: result.configPath, model: result.modelPath })}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ModelPackageError) throw new CliUsageError(`triton-repo: model package ${values.model}: ${error.message}`);
    if (error instanceof RangeError) throw new CliUsageError(`triton-repo: ${error.message}`);
    throw error;
  }
}

export const tritonRepoCommand: CliCommand = { name: 'triton-repo', summary: 'write a Triton model repository (config.pbtxt + model.onnx) for a package', run };
