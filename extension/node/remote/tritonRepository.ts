/**
 * Writes a Triton model repository for a loaded model package:
 *   REPO/<name>/config.pbtxt     (tritonModelConfig.ts)
 *   REPO/<name>/1/model.onnx     (the package's backbone.onnx, byte for byte)
 * The model folder is built under a temporary name and renamed into place, so a failure leaves
 * no half-written model that Triton would try to load. An existing REPO/<name> is an error
 * (nothing is overwritten).
 */
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelPackage } from '../modelPackage';
import { renderTritonConfig, tritonModelConfig } from './tritonModelConfig';

export interface TritonRepositoryResult {
  modelDir: string;
  configPath: string;
  modelPath: string;
}

export async function writeTritonRepository(pkg: ModelPackage, repoDir: string, maxBatchSize: number, maxQueueDelayMicroseconds: number): Promise<TritonRepositoryResult> {
  const { manifest } = pkg;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(manifest.name)) throw new RangeError(`model name ${JSON.stringify(manifest.name)} cannot be a Triton model folder name (letters, digits, . _ - only)`);
  const config = tritonModelConfig(manifest, maxBatchSize, maxQueueDelayMicroseconds);
  const modelDir = join(repoDir, manifest.name);
  const exists = await stat(modelDir).then(() => true, () => false);
  if (exists) throw new RangeError(`${modelDir} already exists; remove it or choose another --out`);
  await mkdir(repoDir, { recursive: true });
  const staging = join(repoDir, `.${manifest.name}.tmp-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  try {
    await mkdir(join(staging, '1'), { recursive: true });
    const comment = `Written by \`elical triton-repo\` from model package ${manifest.name} (backbone sha256 ${manifest.backbone.sha256}).\nInputs/outputs are backbone.onnx's own; the batch dimension is implicit (max_batch_size).`;
    await writeFile(join(staging, 'config.pbtxt'), renderTritonConfig(config, comment));
    await copyFile(pkg.backbonePath, join(staging, '1', 'model.onnx'));
    await rename(staging, modelDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { modelDir, configPath: join(modelDir, 'config.pbtxt'), modelPath: join(modelDir, '1', 'model.onnx') };
}
