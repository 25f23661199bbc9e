// A private, real Dovecot (IMAP and POP3) for the remote tests and the
// benchmark: ../shared/testing/dovecot's start and stop scripts, one instance
// per test file, users, names for mailsmith and doveadm for looking behind
// the protocol. Nothing here imports vitest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from './paths.js';
import { describeRun, run } from './run.js';

const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';
const TIMEOUT_MS = 60_000;
export const DOVECOT_INSTALL = 'apt-get install -y dovecot-imapd dovecot-pop3d';

export interface DovecotUser {
  readonly user: string;
  readonly password: string;
  readonly home: string;
  readonly mailPath: string;
}

export interface DovecotInfo {
  readonly pid: number;
  readonly host: string;
  readonly imapPort: number;
  readonly imapsPort: number;
  readonly pop3Port: number;
  readonly pop3sPort: number;
  readonly certPath: string;
  readonly workDir: string;
  readonly configPath: string;
  readonly logPath: string;
  readonly users: DovecotUser[];
  readonly separator: string;
  readonly instanceName: string;
}

export function dovecotScripts(): string {
  return path.resolve(projectRoot(), '..', 'shared', 'testing', 'dovecot');
}

export interface StartOptions {
  /** More arguments for `start` (--user, --mechanisms, --format, ...). */
  readonly args?: readonly string[];
  /** Put the instance on tmpfs (/dev/shm), as timings want. */
  readonly tmpfs?: boolean;
}

export class Dovecot {
  private constructor(readonly info: DovecotInfo) {}

  /** Starts an instance that stops by itself if this process dies. */
  static async start(options: StartOptions = {}): Promise<Dovecot> {
    if (!fs.existsSync(DOVECOT) || !fs.existsSync(DOVEADM)) {
      throw new Error(`Dovecot is not installed (${DOVECOT}, ${DOVEADM}): ${DOVECOT_INSTALL}`);
    }
    const base = options.tmpfs && fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
    const workDir = fs.mkdtempSync(path.join(base, 'dovecot-'));
    const argv = [path.join(dovecotScripts(), 'start'), workDir, '--exit-with', String(process.pid), ...(options.args ?? [])];
    const r = await run(argv[0]!, argv.slice(1), { timeoutMs: TIMEOUT_MS });
    if (r.status !== 0) throw new Error(`can't start Dovecot: ${describeRun(argv, r)}`);
    return new Dovecot(JSON.parse(r.stdout.toString('utf8').trim().split('\n').pop()!) as DovecotInfo);
  }

  async stop(): Promise<void> {
    const argv = [path.join(dovecotScripts(), 'stop'), this.info.workDir, '--purge'];
    const r = await run(argv[0]!, argv.slice(1), { timeoutMs: TIMEOUT_MS });
    if (r.status !== 0) throw new Error(`can't stop Dovecot: ${describeRun(argv, r)}`);
  }

  user(name = 'alice'): DovecotUser {
    const u = this.info.users.find((x) => x.user === name);
    if (!u) throw new Error(`no user ${name} in the Dovecot instance`);
    return u;
  }

  /**
   * A mailsmith name for a mailbox of a user: `{127.0.0.1:PORT/imap/notls/user=alice}BOX`.
   * `switches` replace /notls (e.g. '/ssl/novalidate-cert'); `port` overrides the one they imply.
   */
  imap(user: string, mailbox = '', switches = '/notls', port?: number): string {
    const p = port ?? (switches.includes('/ssl') ? this.info.imapsPort : this.info.imapPort);
    return `{${this.info.host}:${p}/imap${switches}/user=${user}}${mailbox}`;
  }

  pop3(user: string, switches = '/notls', port?: number): string {
    const p = port ?? (switches.includes('/ssl') ? this.info.pop3sPort : this.info.pop3Port);
    return `{${this.info.host}:${p}/pop3${switches}/user=${user}}`;
  }

  /** doveadm -c CONF ARGS, which must exit 0. */
  async doveadm(args: readonly string[]): Promise<string> {
    const argv = ['-c', this.info.configPath, ...args];
    const r = await run(DOVEADM, argv, { timeoutMs: TIMEOUT_MS, env: { ...process.env, TZ: 'UTC' } });
    if (r.status !== 0) throw new Error(`doveadm failed: ${describeRun([DOVEADM, ...argv], r)}`);
    return r.stdout.toString('utf8');
  }

  /** The mailbox's messages as doveadm sees them: uid, flags (with \Recent), Message-ID. */
  async messages(user: string, mailbox: string): Promise<{ uid: number; flags: string[]; messageId: string }[]> {
    const out = await this.doveadm(['-f', 'tab', 'fetch', '-u', user, 'uid flags hdr.message-id', 'mailbox', mailbox, 'all']);
    const rows: { uid: number; flags: string[]; messageId: string }[] = [];
    for (const line of out.split('\n').slice(1)) {
      const m = /^(\d+)\t([^\t]*)\t(.*)$/.exec(line);
      // a folded Message-ID header goes on over the next lines
      if (m) rows.push({ uid: Number(m[1]), flags: m[2]!.split(' ').filter(Boolean), messageId: m[3]!.trim() });
      else if (rows.length > 0 && line.trim() !== '') rows[rows.length - 1]!.messageId += ` ${line.trim()}`;
    }
    return rows;
  }

  /**
   * How many messages the mailbox holds once that stops changing: after a client's connection
   * broke, the server still stores what it had received.
   */
  async settledCount(user: string, mailbox: string): Promise<number> {
    let last = -1;
    for (let i = 0; i < 50; i++) {
      const n = (await this.messages(user, mailbox)).length;
      if (n === last) return n;
      last = n;
      await new Promise((r) => setTimeout(r, 250));
    }
    return last;
  }

  /** The names of the user's mailboxes. */
  async mailboxes(user: string): Promise<string[]> {
    return (await this.doveadm(['mailbox', 'list', '-u', user])).split('\n').filter(Boolean).sort();
  }

  /** Removes every mailbox of the user but INBOX, and empties INBOX. */
  async reset(user: string): Promise<void> {
    for (const box of (await this.mailboxes(user)).reverse()) {
      if (box !== 'INBOX') await this.doveadm(['mailbox', 'delete', '-u', user, '-s', box]).catch(() => undefined);
    }
    await this.doveadm(['expunge', '-u', user, 'mailbox', 'INBOX', 'all']);
  }
}
