#!/usr/bin/env node
// The `elical` command: runs the bundled CLI. On a fresh clone, or when a source file is newer
// than the bundle (a developer edited the code), it rebuilds first so it never runs stale code.
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'cli.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = join(root, 'extension');
const stale = !existsSync(bundle) || (existsSync(sources) && newestSource(sources) > statSync(bundle).mtimeMs);
if (stale) {
  execFileSync(process.execPath, [join(root, 'esbuild.config.mjs')], { cwd: root, stdio: 'inherit' });
}
require(bundle).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    process.stderr.write(`elical: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
