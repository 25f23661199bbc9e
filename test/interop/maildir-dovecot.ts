// A real Dovecot for the Maildir interop tests: one private instance per test
// file (../shared/testing/dovecot), doveadm against it, and what Dovecot
// reports about a mailbox in the shape the other interop tests compare.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatInternalDate } from '../../src/mail/dates.js';
import { projectRoot } from '../helpers/paths.js';
import { describeRun, run, type RunResult } from '../helpers/run.js';
import type { DumpMessage, MailboxDump } from './dump.js';
import { toCrlf } from './messages.js';

const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';
const TIMEOUT_MS = 60_000;

export interface DovecotUser {
  readonly user: string;
  readonly home: string;
  readonly mailPath: string;
}

interface InstanceInfo {
  readonly workDir: string;
  readonly configPath: string;
  readonly users: DovecotUser[];
  readonly mailUid: number;
  readonly mailGid: number;
}

function scripts(): string {
  return path.resolve(projectRoot(), '..', 'shared', 'testing', 'dovecot');
}

export class Dovecot {
  private constructor(private readonly info: InstanceInfo) {}

  /** Starts an instance storing mail in Maildir++ (fails saying how to install Dovecot if it is missing). */
  static async start(): Promise<Dovecot> {
    if (!fs.existsSync(DOVECOT) || !fs.existsSync(DOVEADM)) {
      throw new Error(`Dovecot is not installed (${DOVECOT}, ${DOVEADM}): apt-get install -y dovecot-imapd dovecot-pop3d`);
    }
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-'));
    const argv = [path.join(scripts(), 'start'), workDir, '--format', 'maildir', '--exit-with', String(process.pid)];
    const r = await run(argv[0]!, argv.slice(1), { timeoutMs: TIMEOUT_MS });
    if (r.status !== 0) throw new Error(`can't start Dovecot: ${describeRun(argv, r)}`);
    return new Dovecot(JSON.parse(r.stdout.toString('utf8').trim().split('\n').pop()!) as InstanceInfo);
  }

  async stop(): Promise<void> {
    const argv = [path.join(scripts(), 'stop'), this.info.workDir, '--purge'];
    const r = await run(argv[0]!, argv.slice(1), { timeoutMs: TIMEOUT_MS });
    if (r.status !== 0) throw new Error(`can't stop Dovecot: ${describeRun(argv, r)}`);
  }

  user(name: string): DovecotUser {
    const u = this.info.users.find((x) => x.user === name);
    if (!u) throw new Error(`no user ${name} in the Dovecot instance`);
    return u;
  }

  /** Gives everything under dir to Dovecot's mail user: it cannot read what mailsmith (root) wrote with mode 0600. */
  handOver(dir: string): void {
    const walk = (p: string): void => {
      fs.lchownSync(p, this.info.mailUid, this.info.mailGid);
      if (fs.lstatSync(p).isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    };
    walk(dir);
  }

  /** doveadm -c CONF ARGS, which must exit 0 and say nothing on stderr. */
  async doveadm(args: readonly string[], input?: Buffer): Promise<Buffer> {
    const argv = ['-c', this.info.configPath, ...args];
    const r = input ? await runWithInput(DOVEADM, argv, input) : await run(DOVEADM, argv, { timeoutMs: TIMEOUT_MS, env: { ...process.env, TZ: 'UTC' } });
    if (r.status !== 0 || r.stderr.length > 0) throw new Error(`doveadm failed: ${describeRun([DOVEADM, ...argv], r)}`);
    return r.stdout;
  }

  /** doveadm -c CONF ARGS started in the background, reading `input`; resolves with its exit status. */
  doveadmInBackground(args: readonly string[], input: Buffer): Promise<number | null> {
    return runWithInput(DOVEADM, ['-c', this.info.configPath, ...args], input).then((r) => r.status);
  }

  /** doveadm save of one message (its bytes as they are) into a mailbox. */
  async save(user: string, mailbox: string, message: Buffer): Promise<void> {
    await this.doveadm(['save', '-u', user, '-m', mailbox], message);
  }

  /**
   * Everything Dovecot reports about a mailbox, in the interop tests' shape: UID validity,
   * last UID (uidnext - 1), and per message UID, received date (UTC), flags without \Recent,
   * keywords, RFC822.SIZE and the text in CRLF form. Mailbox keywords are those the messages use.
   */
  async dump(user: string, mailbox: string): Promise<MailboxDump & { readonly messages: readonly (DumpMessage & { recent: boolean })[] }> {
    const status = (await this.doveadm(['mailbox', 'status', '-u', user, 'uidvalidity uidnext', mailbox])).toString('utf8');
    const uidValidity = Number(/uidvalidity=(\d+)/.exec(status)?.[1]);
    const uidNext = Number(/uidnext=(\d+)/.exec(status)?.[1]);
    const table = (await this.doveadm([
      '-f', 'tab', 'fetch', '-u', user, 'uid flags date.received.unixtime size.virtual size.physical', 'mailbox', mailbox, 'all',
    ])).toString('utf8').split('\n').slice(1).filter((l) => l !== '');
    const rows = table.map((line) => {
      const [uid, flags, date, vsize, psize] = line.split('\t');
      const all = flags!.split(' ').filter((f) => f !== '');
      return {
        uid: Number(uid), date: Number(date), vsize: Number(vsize), psize: Number(psize),
        flags: all.filter((f) => f.startsWith('\\') && f !== '\\Recent'), keywords: all.filter((f) => !f.startsWith('\\')),
        recent: all.includes('\\Recent'),
      };
    });
    const texts = splitPager(await this.doveadm(['-f', 'pager', 'fetch', '-u', user, 'uid text', 'mailbox', mailbox, 'all']), rows);
    const messages = rows.map((r, i) => ({
      uid: r.uid, internalDate: formatInternalDate({ ms: r.date * 1000, zone: 0 }), flags: r.flags, keywords: r.keywords, size: r.vsize,
      text: toCrlf(texts[i]!), recent: r.recent,
    }));
    const keywords = [...new Set(messages.flatMap((m) => m.keywords))];
    return { meta: { uidValidity, uidLast: uidNext - 1, keywords }, messages };
  }
}

function runWithInput(file: string, args: readonly string[], input: Buffer): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
    child.stdin.end(input);
  });
}

/**
 * doveadm's pager output of `uid text`: per message "uid: N\ntext:\n", the stored bytes
 * (size.physical of them), and "\f\n" between messages; cut by the sizes, so that no byte
 * of a message can be taken for a separator.
 */
function splitPager(out: Buffer, rows: readonly { uid: number; psize: number }[]): Buffer[] {
  const texts: Buffer[] = [];
  let at = 0;
  for (const [i, r] of rows.entries()) {
    const head = Buffer.from(`${i > 0 ? '\f\n' : ''}uid: ${r.uid}\ntext:\n`);
    if (!out.subarray(at, at + head.length).equals(head)) {
      throw new Error(`doveadm's text of UID ${r.uid} is not where expected: ${JSON.stringify(out.subarray(at, at + 40).toString('latin1'))}`);
    }
    at += head.length;
    texts.push(out.subarray(at, at + r.psize));
    at += r.psize;
  }
  if (at !== out.length) throw new Error(`doveadm printed ${out.length - at} bytes more than the messages' sizes`);
  return texts;
}
