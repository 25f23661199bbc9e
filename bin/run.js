#!/usr/bin/env node
// mailsmith's entry point: mailutil-style arguments made oclif's, then oclif.
import { execute } from '@oclif/core';
import { normalizeArgv } from '../dist/src/ui/mailutil-argv.js';

const argv = normalizeArgv(process.argv.slice(2));
if ('error' in argv) {
  process.stderr.write(`mailsmith: ${argv.error}\n`);
  process.exit(2);
}
await execute({ dir: import.meta.url, args: argv.args });
