// ccdump (../shared/corpus/golden/tools/ccdump.c): what c-client itself reports
// for every message of a mailbox. Built once per machine and source version
// into a cache folder under os.tmpdir(), and its output parsed.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeRun, run } from '../helpers/run.js';
import { requireOracleTools } from '../helpers/oracle-user.js';
import { sharedDir } from '../helpers/paths.js';

export interface CcdumpMeta {
  /** c-client's driver name (unix, mbx, ...). */
  readonly driver: string;
  readonly nmsgs: number;
  readonly uidValidity: number;
  readonly uidLast: number;
  readonly keywords: string[];
}

export interface CcdumpMessage {
  readonly msgno: number;
  readonly uid: number;
  /** mail_date()'s text, e.g. ` 5-Feb-2022 09:19:10 +0000`. */
  readonly internalDate: string;
  /** In ccdump's order: \Seen \Answered \Flagged \Deleted \Draft. */
  readonly flags: string[];
  readonly keywords: string[];
  readonly size: number;
  /** Header + text as c-client returns them (CRLF form). */
  readonly text: Buffer;
}

export interface CcdumpResult {
  readonly meta: CcdumpMeta;
  readonly messages: CcdumpMessage[];
}

const built = new Map<string, Promise<string>>();

/** The path of the compiled ccdump, building it if this source version has not been built yet. */
export function ccdumpBinary(): Promise<string> {
  return cClientTool(path.join(sharedDir(), 'corpus', 'golden', 'tools', 'ccdump.c'));
}

/** A c-client program (source NAME.c) compiled once per machine and source version; the path of the binary. */
export function cClientTool(source: string): Promise<string> {
  let made = built.get(source);
  if (!made) built.set(source, (made = build(source)));
  return made;
}

async function build(source: string): Promise<string> {
  const { cc } = requireOracleTools();
  const name = path.basename(source, '.c');
  const text = await fsp.readFile(source);
  const key = createHash('sha256').update(text).digest('hex').slice(0, 16);
  // 0755 all the way: the oracle user runs the binary from here
  const dir = path.join(os.tmpdir(), `mailsmith-${name}-${key}`);
  const binary = path.join(dir, name);
  try {
    await fsp.access(binary, fsp.constants.X_OK);
    return binary;
  } catch {
    // not built yet
  }
  await fsp.mkdir(dir, { recursive: true, mode: 0o755 });
  await fsp.chmod(dir, 0o755);
  // build beside it and rename: test files running in parallel may race to build
  const tmp = path.join(dir, `${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const argv = [cc, '-O1', '-w', '-I/usr/include/c-client', '-o', tmp, source, '-lc-client'];
  const r = await run(argv[0]!, argv.slice(1));
  if (r.status !== 0) throw new Error(`can't build ${name}: ${describeRun(argv, r)}`);
  await fsp.chmod(tmp, 0o755);
  await fsp.rename(tmp, binary);
  return binary;
}

/**
 * Parses ccdump's standard output; readText(msgno) gives the text it wrote
 * for that message. Lines: `#mailbox DRIVER nmsgs=N uidvalidity=V uidlast=L
 * keywords=A B`, then `MSGNO UID DATE FLAGS KEYWORDS SIZE` per message, tab-separated.
 */
export async function parseCcdump(stdout: string, readText: (msgno: number) => Promise<Buffer>): Promise<CcdumpResult> {
  const lines = stdout.split('\n').filter((l) => l !== '');
  // a keyword is whatever c-client found between spaces, so it may hold a TAB: the list is the rest of the line
  const head = lines.shift()?.split('\t') ?? [];
  if (head[0] !== '#mailbox' || head.length < 6) throw new Error(`ccdump: unexpected first line in ${JSON.stringify(stdout.slice(0, 200))}`);
  head.splice(5, head.length, head.slice(5).join('\t'));
  const field = (i: number, name: string): string => {
    const f = head[i]!;
    if (!f.startsWith(`${name}=`)) throw new Error(`ccdump: expected ${name}= in ${head.join('\t')}`);
    return f.slice(name.length + 1);
  };
  const words = (s: string): string[] => (s === '' ? [] : s.split(' '));
  const meta: CcdumpMeta = {
    driver: head[1]!,
    nmsgs: Number(field(2, 'nmsgs')),
    uidValidity: Number(field(3, 'uidvalidity')),
    uidLast: Number(field(4, 'uidlast')),
    keywords: words(field(5, 'keywords')),
  };
  const messages: CcdumpMessage[] = [];
  for (const line of lines) {
    const f = line.split('\t');
    if (f.length < 6) throw new Error(`ccdump: unexpected message line ${JSON.stringify(line)}`);
    f.splice(4, f.length - 5, f.slice(4, -1).join('\t'));
    const msgno = Number(f[0]);
    messages.push({
      msgno,
      uid: Number(f[1]),
      internalDate: f[2]!,
      flags: words(f[3]!),
      keywords: words(f[4]!),
      size: Number(f[5]),
      text: await readText(msgno),
    });
  }
  if (messages.length !== meta.nmsgs) throw new Error(`ccdump: ${meta.nmsgs} messages announced, ${messages.length} listed`);
  return { meta, messages };
}
