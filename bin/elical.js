#!/usr/bin/env node
// The `elical` command: runs the bundled CLI, building it first on a fresh clone.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'cli.js');
if (!existsSync(bundle)) {
  execFileSync(process.execPath, [join(root, 'esbuild.config.mjs')], { cwd: root, stdio: 'inherit' });
}
require(bundle).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    process.stderr.write(`elical: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
