// The bench's surroundings: one home folder shared by mailsmith and the real
// mailutil (which only takes names relative to it, as the oracle user), the
// built CLI, and the private Dovecot when an operation goes through IMAP.
// Here the tools are run outside any timing: to make inputs, to count what a
// copy made, and to clean up.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Dovecot } from '../test/helpers/dovecot.js';
import { oracleArgv, oracleIdentity } from '../test/helpers/oracle-user.js';
import { describeRun, run } from '../test/helpers/run.js';
import { mailutilHandles, type Box, type ImapName } from './operations.js';

export interface Workbench {
  readonly home: string;
  readonly cli: string;
  readonly mailutil: string;
  readonly server?: Dovecot;
}

/** How a tool is run: argv, environment, and standard input (where mailutil reads a server password). */
export interface Command {
  readonly argv: string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
}

const IMAP_USER = 'alice';

export function imapName(bench: Workbench): ImapName {
  return (mailbox) => {
    if (!bench.server) throw new Error('no IMAP server was started for this run');
    return bench.server.imap(IMAP_USER, mailbox);
  };
}

export function toolCommand(bench: Workbench, tool: 'mailsmith' | 'mailutil', args: readonly string[]): Command {
  const password = bench.server?.user(IMAP_USER).password;
  if (tool === 'mailutil') {
    // c-client's getpass() reads standard input when there is no terminal (run() starts a new session)
    return { argv: oracleArgv(bench.home, [bench.mailutil, ...args]), ...(password ? { input: `${password}\n` } : {}) };
  }
  return {
    argv: [process.execPath, bench.cli, ...args, '--home', bench.home],
    env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...(password ? { MAILSMITH_PASSWORD: password } : {}) },
  };
}

/** Runs a tool outside the timing; exit 0 required (3 from mailsmith: a copy that names what the format drops). */
export async function runTool(bench: Workbench, tool: 'mailsmith' | 'mailutil', args: readonly string[]): Promise<string> {
  const { argv, env, input } = toolCommand(bench, tool, args);
  const r = await run(argv[0]!, argv.slice(1), { cwd: bench.home, env, input });
  if (r.status !== 0 && !(tool === 'mailsmith' && r.status === 3)) throw new Error(`${tool} failed: ${describeRun(argv, r)}`);
  return r.stdout.toString('utf8');
}

/** How many messages `check` counts in the box: mailutil's count where it reads the format, else mailsmith's. */
export async function countMessages(bench: Workbench, box: Box): Promise<number> {
  const line = (await runTool(bench, mailutilHandles(box.place) ? 'mailutil' : 'mailsmith', ['check', box.name])).trim();
  const total = /, (\d+) total in /.exec(line);
  if (!total) throw new Error(`check of ${box.name} printed "${line}"`);
  return Number(total[1]);
}

/** Gives what mailsmith (root) wrote to the oracle user, so that mailutil can open it. */
export async function handOver(bench: Workbench, box: Box): Promise<void> {
  const { user, uid, gid } = oracleIdentity();
  if (!user || box.path === undefined) return;
  const argv = ['chown', '-R', `${uid}:${gid}`, path.join(bench.home, box.path)];
  const r = await run(argv[0]!, argv.slice(1));
  if (r.status !== 0) throw new Error(describeRun(argv, r));
}

/** Removes a box made on the server, and everything local named `base` or `base.*` (backups, lock files). */
export async function removeOutputs(bench: Workbench, base: string, made?: Box): Promise<void> {
  // a copy that failed may not have made it
  if (made?.place === 'imap' && (await bench.server!.mailboxes(IMAP_USER)).includes(base)) {
    await bench.server!.doveadm(['mailbox', 'delete', '-u', IMAP_USER, '-s', base]);
  }
  for (const dir of [bench.home, path.join(bench.home, 'Mail')]) {
    const names = await fsp.readdir(dir).catch(() => []);
    for (const n of names.filter((x) => x === base || x.startsWith(`${base}.`))) await removeTree(path.join(dir, n));
  }
}

/** rm -rf of a file or a folder (which may hold 100,000 message files). */
export async function removeTree(p: string): Promise<void> {
  const r = await run('rm', ['-rf', '--', p]);
  if (r.status !== 0) throw new Error(describeRun(['rm', '-rf', p], r));
}
