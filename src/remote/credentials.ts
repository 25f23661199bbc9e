// Where logins for servers come from (CLI.md): never the command line. The
// password is MAILSMITH_PASSWORD, else --password-file, else the ~/.netrc (or
// --netrc) entry for the host and user, else a prompt without echo on a
// terminal. The user is /user= from the name, else the netrc entry's login,
// else a prompt. Each server and user is asked at most once per run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthFailed, ioError } from '../errors.js';
import type { RemoteRef } from '../names/types.js';
import type { RemoteAccess } from '../store/types.js';
import { findNetrc, parseNetrc, type NetrcEntry } from './netrc.js';
import { canPrompt, promptLine } from './prompt.js';
import { connectHost } from './socket.js';

export interface RemoteAccessOptions {
  /** --password-file: its first line is the password. */
  readonly passwordFile?: string;
  /** --netrc: read this file instead of ~/.netrc (which must then exist). */
  readonly netrcFile?: string;
  /** --ca-file: PEM certificates to trust besides the system's. */
  readonly caFile?: string;
  /** -d: protocol telemetry, already masked. */
  readonly debug?: (line: string) => void;
  /** Defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Ask on the terminal when nothing else gives a password (default: when there is one). */
  readonly prompt?: boolean;
  readonly timeoutMs?: number;
}

export function makeRemoteAccess(options: RemoteAccessOptions = {}): RemoteAccess {
  const env = options.env ?? process.env;
  const ca = options.caFile ? [readFile(options.caFile, '--ca-file')] : undefined;
  const mayPrompt = options.prompt ?? canPrompt();
  const passwords = new Map<string, Promise<string>>();
  let netrc: NetrcEntry[] | undefined;
  const netrcEntries = (): NetrcEntry[] => (netrc ??= loadNetrc(options.netrcFile, env));

  return {
    ca,
    debug: options.debug,
    timeoutMs: options.timeoutMs,
    async user(ref: RemoteRef): Promise<string> {
      const host = connectHost(ref.host);
      const login = findNetrc(netrcEntries(), host)?.login;
      if (login) return login;
      if (mayPrompt) return promptLine(`{${host}/${ref.service}} username: `, false);
      throw new AuthFailed(`no user name for ${ref.service} on ${host}: add /user=NAME to the mailbox name, or a login to ~/.netrc`);
    },
    password(ref: RemoteRef, user: string): Promise<string> {
      const host = connectHost(ref.host);
      const key = `${host}\0${ref.service}\0${user}`;
      let p = passwords.get(key);
      if (!p) {
        p = findPassword(ref, host, user);
        passwords.set(key, p);
      }
      return p;
    },
  };

  async function findPassword(ref: RemoteRef, host: string, user: string): Promise<string> {
    const fromEnv = env.MAILSMITH_PASSWORD;
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    if (options.passwordFile) return firstLine(readFile(options.passwordFile, '--password-file'));
    const entry = findNetrc(netrcEntries(), host, user);
    if (entry?.password !== undefined) return entry.password;
    if (mayPrompt) return promptLine(`{${host}/${ref.service}/user=${user}} password: `, true);
    throw new AuthFailed(
      `no password for ${user} on ${host}: set MAILSMITH_PASSWORD, give --password-file FILE, or add the host to ~/.netrc ` +
        '(there is no terminal to ask on)',
    );
  }
}

function loadNetrc(file: string | undefined, env: NodeJS.ProcessEnv): NetrcEntry[] {
  if (file) return parseNetrc(readFile(file, '--netrc').toString('utf8'));
  const home = env.HOME || os.homedir();
  const p = path.join(home, '.netrc');
  if (!fs.existsSync(p)) return [];
  return parseNetrc(readFile(p, '~/.netrc').toString('utf8'));
}

function readFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw ioError(e, `can't read ${what} ${file}`);
  }
}

/** The password in a file: its first line, without the line end. */
function firstLine(data: Buffer): string {
  const text = data.toString('utf8');
  const end = text.search(/\r?\n/);
  return end < 0 ? text : text.slice(0, end);
}
