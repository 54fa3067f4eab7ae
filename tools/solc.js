#!/usr/bin/env node
// Stands in for the native `solc` binary, which cannot be downloaded here: forge and
// foundry-compilers speak standard JSON to it on stdin/stdout, and solc-js compiles that
// in-process. Imports are resolved from the working directory (the project root).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

if (process.argv.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}

const basePaths = [process.cwd()];
const flag = process.argv.indexOf('--base-path');
if (flag !== -1 && process.argv[flag + 1]) basePaths.unshift(process.argv[flag + 1]);

function findImport(importPath) {
  for (const base of basePaths) {
    const candidate = path.resolve(base, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `file not found: ${importPath}` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImport }));
