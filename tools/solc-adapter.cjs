#!/usr/bin/env node
// A `solc` command line for ape-solidity / py-solc-x, backed by the Solidity team's own
// compiler build from the npm `solc` package (solcjs). Native solc binaries cannot be
// downloaded on our machines, and solcjs's own CLI cannot serve here: it prints an SMT
// notice before the JSON and does not speak `--version` in the format py-solc-x parses.
//
// Supported: `--version` and `--standard-json [--base-path DIR] [--include-path DIR]...
// [--allow-paths A,B]` with the input JSON on stdin. Anything else exits 2.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

function parseArgs(argv) {
  const opts = { standardJson: false, version: false, basePath: null, includePaths: [], allowPaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`missing value after ${arg}`);
      return argv[++i];
    };
    if (arg === '--version') opts.version = true;
    else if (arg === '--standard-json') opts.standardJson = true;
    else if (arg === '--base-path') opts.basePath = value();
    else if (arg === '--include-path') opts.includePaths.push(value());
    else if (arg === '--allow-paths') opts.allowPaths.push(...value().split(',').filter(Boolean));
    else fail(`unsupported argument ${arg}`);
  }
  return opts;
}

function fail(message) {
  process.stderr.write(`solc-adapter: ${message}\n`);
  process.exit(2);
}

function importResolver(roots) {
  return (importPath) => {
    const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, 'utf8') };
      }
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
  };
}

const opts = parseArgs(process.argv.slice(2));
if (opts.version) {
  // Same shape as the native binary; py-solc-x matches (\d+\.\d+\.\d+)(\+commit.\w+).
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!opts.standardJson) fail('only --version and --standard-json are supported');

const input = fs.readFileSync(0, 'utf8');
const roots = [opts.basePath || process.cwd(), ...opts.includePaths, ...opts.allowPaths];
process.stdout.write(solc.compile(input, { import: importResolver(roots) }));
