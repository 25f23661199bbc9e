#!/usr/bin/env node
// mailsmith's entry point: mailutil-style arguments made oclif's, then oclif.
import { guardAgainstKissOfDeath } from '../dist/src/locks/index.js';
import { normalizeArgv } from '../dist/src/ui/mailutil-argv.js';

// first of all, so that a c-client program's SIGUSR2 can never kill us half-way through a write
guardAgainstKissOfDeath((text) => process.stderr.write(`warning: ${text}\n`));

const argv = normalizeArgv(process.argv.slice(2));
if ('error' in argv) {
  process.stderr.write(`mailsmith: ${argv.error}\n`);
  process.exit(2);
}
const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url, args: argv.args });
