// The NameContext a command builds once from its flags and the environment.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { currentUser } from './passwd.js';
import type { NameContext } from './types.js';

export interface NameContextOptions {
  /** --home */
  readonly home?: string;
  /** --inbox */
  readonly inbox?: string;
  /** --restrict */
  readonly restrict?: boolean;
}

const SPOOL_DIR = '/var/mail';

export function buildNameContext(opts: NameContextOptions, env: NodeJS.ProcessEnv = process.env): NameContext {
  const inbox = opts.inbox || env.MAILSMITH_INBOX;
  return {
    home: path.resolve(mailHome(opts, env)),
    ...(inbox ? { inbox: path.resolve(inbox) } : {}),
    user: loginName(env),
    spoolDir: SPOOL_DIR,
    restrict: opts.restrict === true || env.MAILSMITH_RESTRICT === '1',
  };
}

/**
 * --home, else MAILSMITH_HOME, else $HOME when it names an existing directory, else the
 * password-file home (c-client's rule for HOME, naming.md 2).
 */
function mailHome(opts: NameContextOptions, env: NodeJS.ProcessEnv): string {
  const given = opts.home || env.MAILSMITH_HOME;
  if (given) return given;
  if (env.HOME && isDirectory(env.HOME)) return env.HOME;
  const home = currentUser()?.homedir;
  if (!home) throw new UsageError('no mail home: $HOME is not a directory and the password file has no home for you (use --home DIR)');
  return home;
}

function loginName(env: NodeJS.ProcessEnv): string {
  const user = currentUser()?.username || env.USER || env.LOGNAME;
  if (!user) throw new UsageError('cannot tell your login name for the spool file: the password file has no entry for you (set USER)');
  return user;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
