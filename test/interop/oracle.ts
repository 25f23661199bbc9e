// The oracle: the real UW mailutil and c-client (through ccdump), each test
// with a fresh home folder that mailsmith and mailutil share. mailutil runs
// as the oracle user with names relative to that home (oracle-user.ts).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describeRun, type RunResult } from '../helpers/run.js';
import { handToOracle, makeOracleHome, requireOracleTools, runAsOracle } from '../helpers/oracle-user.js';
import { projectRoot } from '../helpers/paths.js';
import { cClientTool, ccdumpBinary, parseCcdump } from './ccdump.js';
import { fromCcdump, type MailboxDump } from './dump.js';

/** mailutil and ccdump finish in well under a second here; c-client has loops that never end on some input. */
const ORACLE_TIMEOUT_MS = 30_000;

export interface OracleRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class OracleHome {
  private constructor(
    /** The home folder (absolute); mailbox names are relative to it. */
    readonly dir: string,
    private readonly mailutilPath: string,
  ) {}

  /** Checks the tools (throwing how to install them), then makes a fresh home folder. */
  static async create(label: string): Promise<OracleHome> {
    const tools = requireOracleTools();
    await ccdumpBinary();
    return new OracleHome(await makeOracleHome(label), tools.mailutil);
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }

  /** Writes a file into the home (creating folders), readable and writable by both sides. */
  async put(name: string, data: Buffer | string): Promise<string> {
    const p = this.path(name);
    await fsp.mkdir(path.dirname(p), { recursive: true });
    await fsp.writeFile(p, data, { mode: 0o644 });
    await fsp.chmod(p, 0o644);
    return p;
  }

  /** Copies a file into the home (mode 0644, whatever the original's mode). */
  async putCopy(name: string, source: string): Promise<string> {
    return this.put(name, await fsp.readFile(source));
  }

  read(name: string): Promise<Buffer> {
    return fsp.readFile(this.path(name));
  }

  /** Runs mailutil with these arguments; gives the home and everything in it to the oracle user first. */
  async mailutil(...args: string[]): Promise<OracleRun> {
    await handToOracle(this.dir);
    const r = await runAsOracle(this.dir, [this.mailutilPath, ...args], { timeoutMs: ORACLE_TIMEOUT_MS });
    return text(r);
  }

  /**
   * mailutil with remote names: it asks for each server's password with getpass(), which reads
   * standard input when there is no terminal (the oracle runs in a session of its own), so the
   * passwords are given in the order mailutil asks (source, then destination).
   */
  async mailutilRemote(passwords: readonly string[], ...args: string[]): Promise<OracleRun> {
    await handToOracle(this.dir);
    const input = passwords.map((p) => `${p}\n`).join('');
    const r = await runAsOracle(this.dir, [this.mailutilPath, ...args], { timeoutMs: ORACLE_TIMEOUT_MS, input });
    return text(r);
  }

  /** mailutil, which must exit 0 and print no error or warning. */
  async mailutilOk(...args: string[]): Promise<string> {
    const r = await this.mailutil(...args);
    if (r.status !== 0 || r.stderr.trim() !== '') throw new Error(`mailutil ${args.join(' ')}: exit ${r.status}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  /** `mailutil check NAME`'s line. */
  async check(name: string): Promise<string> {
    return (await this.mailutilOk('check', name)).trim();
  }

  /** `mailutil prune NAME CRITERIA`: its output (it always exits 1, so the status is not checked). */
  async prune(name: string, criteria: string): Promise<OracleRun> {
    const r = await this.mailutil('prune', name, criteria);
    if (r.status === null || /error|can't/i.test(r.stderr)) throw new Error(`mailutil prune ${name} '${criteria}': ${r.stdout}${r.stderr}`);
    return r;
  }

  /** What c-client reports for the mailbox, read-only, with the warnings it logged; an error makes it throw. */
  async ccdump(name: string): Promise<MailboxDump & { readonly driver: string; readonly warnings: string[] }> {
    const binary = await ccdumpBinary();
    const out = await fsp.mkdtemp(path.join(this.dir, '.ccdump-'));
    try {
      await handToOracle(this.dir);
      const argv = [binary, name, out];
      const r = await runAsOracle(this.dir, argv, { timeoutMs: ORACLE_TIMEOUT_MS });
      if (r.status !== 0) throw new Error(`ccdump failed: ${describeRun(argv, r)}`);
      const parsed = await parseCcdump(r.stdout.toString('latin1'), (n) => fsp.readFile(path.join(out, `${n}.txt`)));
      const warnings = r.stderr.toString('utf8').split('\n').filter((l) => l !== '');
      return { ...fromCcdump(parsed), driver: parsed.meta.driver, warnings };
    } finally {
      await fsp.rm(out, { recursive: true, force: true });
    }
  }

  /**
   * Flag changes and expunges made by c-client itself (tools/ccflag.c), in one read-write
   * session: operations `set SEQ FLAGS`, `clear SEQ FLAGS`, `expunge`, by message number.
   * Throws if c-client logged any error or warning.
   */
  async ccflag(name: string, ...ops: string[]): Promise<void> {
    const binary = await cClientTool(path.join(projectRoot(), 'test', 'interop', 'tools', 'ccflag.c'));
    await handToOracle(this.dir);
    const argv = [binary, name, ...ops];
    const r = await runAsOracle(this.dir, argv, { timeoutMs: ORACLE_TIMEOUT_MS });
    if (r.status !== 0 || r.stderr.length > 0) throw new Error(`ccflag failed: ${describeRun(argv, r)}`);
  }

  async dispose(): Promise<void> {
    await fsp.rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Set-up shared by the tests of a file: a fresh oracle home, then `prepare`, run once on
 * first use. Every test awaits it, so a missing tool or a broken set-up fails each test
 * with the reason; none is skipped. dispose() removes the home if one was made.
 */
export function sharedSetup<T>(label: string, prepare: (home: OracleHome) => Promise<T>): {
  get(): Promise<T & { home: OracleHome }>;
  dispose(): Promise<void>;
} {
  let home: OracleHome | undefined;
  let made: Promise<T & { home: OracleHome }> | undefined;
  return {
    get: () => (made ??= (async () => {
      home = await OracleHome.create(label);
      return { ...(await prepare(home)), home };
    })()),
    dispose: async () => {
      await made?.catch(() => undefined);
      await home?.dispose();
    },
  };
}

function text(r: RunResult): OracleRun {
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}
