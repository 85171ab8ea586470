/**
 * Where the model package is: the folder `elical.modelPath` names, or the one the extension
 * bundles. Kept apart from the model service so that a package's manifest can be read without
 * opening the model (the panel needs the default head before any question loads it).
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { type ModelManifest, parseModelManifest } from '../core/scoring/modelManifest';

/** Package folder preferred among the bundled ones: the demo model. */
export const PREFERRED_BUNDLED_PACKAGE = 'demo-facts';

/** The package folder `modelPath` names ('' = the bundled one); a clear error when there is none. */
export function resolveModelDir(modelPath: string, extensionPath: string): string {
  if (modelPath !== '') {
    if (!isAbsolute(modelPath)) throw new Error(`elical.modelPath must be an absolute folder path, got ${JSON.stringify(modelPath)}`);
    return modelPath;
  }
  const models = join(extensionPath, 'models');
  const packages = existsSync(models)
    ? readdirSync(models, { withFileTypes: true }).filter((entry) => entry.isDirectory() && existsSync(join(models, entry.name, 'manifest.json'))).map((entry) => entry.name).sort()
    : [];
  if (packages.includes(PREFERRED_BUNDLED_PACKAGE)) return join(models, PREFERRED_BUNDLED_PACKAGE);
  if (packages.length === 1) return join(models, packages[0]);
  if (packages.length === 0) {
    throw new Error('No model package: this build of the extension ships none in its models/ folder. Set elical.modelPath to a model package folder (run "EliCal: Select Model Package…"), e.g. one exported with tools/export_onnx.py.');
  }
  throw new Error(`The extension ships several model packages (${packages.join(', ')}); choose one with "EliCal: Select Model Package…".`);
}

/**
 * The configured package's manifest, without opening the model; null when no package is
 * configured or its manifest cannot be read or parsed (opening the model reports those problems,
 * with their fixes).
 */
export async function readConfiguredManifest(modelPath: string, extensionPath: string): Promise<ModelManifest | null> {
  try {
    const dir = resolveModelDir(modelPath, extensionPath);
    return parseModelManifest(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
  } catch {
    return null;
  }
}

/** The default head the configured package's manifest names (null as for readConfiguredManifest). */
export async function readConfiguredDefaultHead(modelPath: string, extensionPath: string): Promise<string | null> {
  return (await readConfiguredManifest(modelPath, extensionPath))?.defaultHead ?? null;
}
