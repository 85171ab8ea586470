// Builds one VSIX per platform, each carrying only that platform's ONNX Runtime binaries
// (the universal package carries all five, about 109 MB). Usage:
//   node scripts/packageVsix.mjs [--host | TARGET...]   (default: every target below)
// writes elical-confidence-TARGET.vsix in the repository root and prints each size.
// The per-platform ignore files are derived from .vscodeignore at run time, so the shipped
// allowlist stays defined in one place: only its onnxruntime-node line is replaced (and the
// README's screenshots added). The project has no repository URL, so vsce must leave the
// README's relative links as they are (they resolve inside the installed extension).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** vsce target -> onnxruntime-node's binary folder (bin/napi-v6/PLATFORM/ARCH); 1.30 ships these five. */
const TARGETS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
};
const ORT_LINE = '!node_modules/onnxruntime-node/**';

const args = process.argv.slice(2);
const host = `${process.platform}-${process.arch}`;
const targets = args.length === 0 ? Object.keys(TARGETS) : args.includes('--host') ? [host] : args;
for (const target of targets) {
  if (!(target in TARGETS)) {
    console.error(`packageVsix: unknown target ${target}; known: ${Object.keys(TARGETS).join(', ')}`);
    process.exit(2);
  }
}

const base = readFileSync('.vscodeignore', 'utf8');
if (!base.split('\n').some((line) => line.trim() === ORT_LINE)) {
  console.error(`packageVsix: .vscodeignore no longer has the line ${ORT_LINE}; update scripts/packageVsix.mjs to match it`);
  process.exit(2);
}

const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

mkdirSync('.cache/vscodeignore', { recursive: true });
for (const target of targets) {
  const ortFiles = [
    '!node_modules/onnxruntime-node/package.json',
    '!node_modules/onnxruntime-node/LICENSE*',
    '!node_modules/onnxruntime-node/dist/**',
    `!node_modules/onnxruntime-node/bin/napi-v6/${TARGETS[target]}/**`,
    // The README's pictures, so its relative image links work on the extension's page.
    '!docs/screenshots/*.png',
  ].join('\n');
  const ignoreFile = join('.cache/vscodeignore', target);
  writeFileSync(ignoreFile, base.replace(ORT_LINE, ortFiles));
  const out = `elical-confidence-${target}.vsix`;
  const started = Date.now();
  const packed = spawnSync('npx', ['vsce', 'package', '--target', target, '--ignoreFile', ignoreFile, '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '-o', out], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (packed.status !== 0) {
    process.stdout.write(packed.stdout ?? '');
    console.error(`packageVsix: vsce failed for ${target}`);
    process.exit(packed.status ?? 1);
  }
  const mib = statSync(out).size / 2 ** 20;
  console.log(`${out}: ${mib.toFixed(1)} MiB (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
