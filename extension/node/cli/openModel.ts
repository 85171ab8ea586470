/**
 * Opens a model package for a CLI command: validates the package, creates the ONNX runner and
 * loads its session right away, so a broken package fails before any work starts (and the
 * load time is not charged to the first question).
 */
import { ModelPackageError } from '../../core/scoring/modelPackageError';
import { loadModelPackage, type ModelPackage } from '../modelPackage';
import { ExecutionProviderError, type ExecutionProviderChoice, OnnxModelRunner } from '../onnxModelRunner';
import { CliUsageError, type CliIo } from './cliIo';

export interface OpenedModel {
  pkg: ModelPackage;
  runner: OnnxModelRunner;
}

/** --provider's value; absent means 'cpu' (product.md: CPU by default, CUDA when asked for). Errors: CliUsageError for anything else. */
export function parseProvider(value: string | undefined): ExecutionProviderChoice {
  const provider = value ?? 'cpu';
  if (provider !== 'cpu' && provider !== 'cuda' && provider !== 'auto') throw new CliUsageError(`--provider must be cpu, cuda or auto, got ${JSON.stringify(provider)}`);
  return provider;
}

/**
 * An integer option: `fallback` when absent; otherwise decimal digits (optional leading "-")
 * forming a safe integer >= `minimum`. Errors: CliUsageError naming --name and the value
 * ("1.5", "abc", "" and values below the minimum are refused).
 * Example: parseCount('samples', '20', 20, 0) = 20; parseCount('samples', undefined, 20, 0) = 20.
 */
export function parseCount(name: string, value: string | undefined, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(number) || number < minimum) throw new CliUsageError(`--${name} must be an integer >= ${minimum}, got ${JSON.stringify(value)}`);
  return number;
}

/** Package and session problems become usage errors: they are the user's input, not our bug. */
export async function openModel(dir: string, provider: ExecutionProviderChoice, io: CliIo, threads?: number): Promise<OpenedModel> {
  try {
    const pkg = await loadModelPackage(dir);
    const runner = new OnnxModelRunner({
      modelFile: pkg.backbonePath,
      architecture: pkg.manifest.architecture,
      backbone: pkg.manifest.backbone,
      padTokenId: pkg.manifest.generation.padTokenId,
      provider,
      intraOpNumThreads: threads,
      log: (message) => io.stderr(`${message}\n`),
      loraCheckpoints: pkg.loraCheckpoints,
      defaultAdapter: pkg.heads.find(({ entry }) => entry.id === pkg.manifest.defaultHead)?.entry.loraCheckpoint ?? undefined,
    });
    try {
      await runner.load();
    } catch (error) {
      await runner.dispose();
      throw error;
    }
    return { pkg, runner };
  } catch (error) {
    if (error instanceof ModelPackageError || error instanceof ExecutionProviderError) throw new CliUsageError(`model package ${dir}: ${error.message}`);
    throw error;
  }
}
