// Running the real UW mailutil (the oracle) the way it insists on being run:
// never as root (root gets its own user, mailsmith-oracle), with TZ=UTC, and
// with a home folder of its own, since Debian's c-client refuses absolute
// names and `..` and resolves every name against $HOME.
// Shared by the interop tests and the benchmark, so nothing here imports vitest.
import { execFileSync } from 'node:child_process';
import fs, { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run, type RunOptions, type RunResult } from './run.js';

export const ORACLE_USER = 'mailsmith-oracle';
export const INSTALL_COMMAND = 'apt-get install -y uw-mailutils libc-client2007e-dev';

export interface OracleTools {
  readonly mailutil: string;
  /** The C compiler (found on PATH when given as a bare name). */
  readonly cc: string;
  readonly cClientHeader: string;
}

export const DEFAULT_ORACLE_TOOLS: OracleTools = {
  mailutil: '/usr/bin/mailutil',
  cc: 'cc',
  cClientHeader: '/usr/include/c-client/c-client.h',
};

/** Throws, saying how to install them, unless mailutil, a C compiler and c-client's headers are all here. */
export function requireOracleTools(tools: OracleTools = DEFAULT_ORACLE_TOOLS): OracleTools {
  const missing: string[] = [];
  if (!isExecutable(tools.mailutil)) missing.push(tools.mailutil);
  const cc = findProgram(tools.cc);
  if (!cc) missing.push(`a C compiler (${tools.cc})`);
  if (!fs.existsSync(tools.cClientHeader)) missing.push(tools.cClientHeader);
  if (missing.length > 0) {
    throw new Error(
      `the interop tests and the benchmark need the real UW mailutil and c-client; missing: ${missing.join(', ')}. ` +
        `Install them with \`${INSTALL_COMMAND}\`${cc ? '' : ' (and a C compiler: `apt-get install -y gcc`)'}`,
    );
  }
  return { ...tools, cc: cc! };
}

/** The benchmark needs only mailutil itself. */
export function requireMailutil(mailutil: string = DEFAULT_ORACLE_TOOLS.mailutil): string {
  if (!isExecutable(mailutil)) throw new Error(`the benchmark compares with the real UW mailutil: ${mailutil} is missing. Install it with \`${INSTALL_COMMAND}\``);
  return mailutil;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function findProgram(name: string): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    const p = path.join(dir || '.', name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

/** Who runs the oracle: mailsmith-oracle when we are root, else ourselves (user undefined). */
export interface OracleIdentity {
  readonly user?: string;
  readonly uid: number;
  readonly gid: number;
}

let identity: OracleIdentity | undefined;

export function oracleIdentity(): OracleIdentity {
  if (identity) return identity;
  if (process.getuid?.() !== 0) {
    identity = { uid: process.getuid!(), gid: process.getgid!() };
    return identity;
  }
  let entry = passwdEntry(ORACLE_USER);
  if (!entry) {
    try {
      execFileSync('useradd', [
        '--system', '--create-home', '--home-dir', '/var/lib/mailsmith-oracle', '--shell', '/usr/sbin/nologin', ORACLE_USER,
      ], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      // another test file may have created it at the same moment: only a still-missing user is an error
      entry = passwdEntry(ORACLE_USER);
      if (!entry) throw new Error(`can't create the user ${ORACLE_USER} to run mailutil as: ${(e as Error).message}`);
    }
    entry ??= passwdEntry(ORACLE_USER);
    if (!entry) throw new Error(`useradd ${ORACLE_USER} succeeded but the user can't be found`);
  }
  identity = { user: ORACLE_USER, uid: entry.uid, gid: entry.gid };
  return identity;
}

function passwdEntry(user: string): { uid: number; gid: number } | undefined {
  try {
    const line = execFileSync('getent', ['passwd', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const fields = line.trim().split(':');
    return { uid: Number(fields[2]), gid: Number(fields[3]) };
  } catch {
    return undefined;
  }
}

/** A fresh home folder for the oracle (mode 0755, owned by it) under os.tmpdir(). */
export async function makeOracleHome(label: string): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), `mailsmith-${label}-`));
  await fsp.chmod(dir, 0o755);
  await handToOracle(dir);
  return dir;
}

/** Gives a file, or a folder and everything in it, to the oracle user (a no-op when that is us). */
export async function handToOracle(p: string): Promise<void> {
  const { uid, gid, user } = oracleIdentity();
  if (!user) return;
  await fsp.lchown(p, uid, gid);
  const st = await fsp.lstat(p);
  if (!st.isDirectory()) return;
  for (const entry of await fsp.readdir(p)) await handToOracle(path.join(p, entry));
}

function runuserPath(): string {
  return ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find(isExecutable) ?? 'runuser';
}

/** The argv that runs argv as the oracle user with HOME=home and TZ=UTC. */
export function oracleArgv(home: string, argv: readonly string[]): string[] {
  const env = ['env', `HOME=${home}`, 'TZ=UTC', ...argv];
  const { user } = oracleIdentity();
  return user ? [runuserPath(), '-u', user, '--', ...env] : env;
}

/** Runs argv as the oracle user, in its home folder. */
export function runAsOracle(home: string, argv: readonly string[], options: Omit<RunOptions, 'cwd'> = {}): Promise<RunResult> {
  const [file, ...args] = oracleArgv(home, argv);
  return run(file!, args, { ...options, cwd: home });
}
