// The standard benchmark corpora (../shared/bench/README.md): generated once
// with gen-corpus, checked against the size and sha256 in that README's
// table, and cached under os.tmpdir(). The mbx input is mailutil's own copy
// of the unix corpus, made once outside any timing and cached beside it;
// Inputs puts them, and the copies in other formats, into the bench home.
import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeRun, run } from '../test/helpers/run.js';
import { handToOracle, runAsOracle } from '../test/helpers/oracle-user.js';
import { mailutilHandles, newBox, type Box, type Place } from './operations.js';
import { handOver, imapName, removeOutputs, runTool, type Workbench } from './workbench.js';

export interface StandardSize {
  readonly name: string;
  readonly messages: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** The "Standard sizes" table of bench/README.md: `| S | `gen-corpus ...` | 10,000 | 99,376,931 | `sha` |`. */
export async function standardSizes(benchDir: string): Promise<Map<string, StandardSize>> {
  const readme = await fsp.readFile(path.join(benchDir, 'README.md'), 'utf8');
  const sizes = new Map<string, StandardSize>();
  const row = /^\|\s*(\w+)\s*\|\s*`gen-corpus --messages (\d+) --seed 1`\s*\|\s*[\d,]+\s*\|\s*([\d,]+)\s*\|\s*`([0-9a-f]{64})`\s*\|$/;
  for (const line of readme.split('\n')) {
    const m = row.exec(line.trim());
    if (m) sizes.set(m[1]!, { name: m[1]!, messages: Number(m[2]), bytes: Number(m[3]!.replaceAll(',', '')), sha256: m[4]! });
  }
  if (sizes.size === 0) throw new Error(`no standard sizes found in ${path.join(benchDir, 'README.md')}`);
  return sizes;
}

export function cacheDir(): string {
  return path.join(os.tmpdir(), 'mailsmith-bench-corpus');
}

/** The unix corpus of this size, generated and verified on first use. */
export async function unixCorpus(benchDir: string, size: StandardSize, log: (s: string) => void): Promise<string> {
  await fsp.mkdir(cacheDir(), { recursive: true, mode: 0o755 });
  const file = path.join(cacheDir(), `${size.name}-seed1.mbox`);
  if (await stampMatches(file, size.sha256)) return file;
  log(`generating the ${size.name} corpus (${size.messages} messages) into ${file} ...`);
  const tmp = `${file}.${process.pid}.tmp`;
  const argv = [path.join(benchDir, 'gen-corpus'), '--messages', String(size.messages), '--seed', '1', '--out', tmp, '--quiet'];
  const r = await run(process.execPath, argv);
  if (r.status !== 0) throw new Error(`gen-corpus failed: ${describeRun(argv, r)}`);
  const { bytes, sha256 } = await digest(tmp);
  if (bytes !== size.bytes || sha256 !== size.sha256) {
    await fsp.rm(tmp, { force: true });
    throw new Error(
      `gen-corpus wrote ${bytes} bytes with sha256 ${sha256} for ${size.name}; bench/README.md says ${size.bytes} bytes, ` +
        `${size.sha256}. The templates (corpus/real) or gen-corpus changed: these figures would not compare with others.`,
    );
  }
  await fsp.chmod(tmp, 0o644);
  await fsp.rename(tmp, file);
  await writeStamp(file, sha256);
  return file;
}

/**
 * The mbx corpus: `mailutil copy SRC '#driver.mbx/DST'` of the unix corpus, made in the
 * oracle's home and cached; valid as long as the unix corpus it came from is the same.
 */
export async function mbxCorpus(unixFile: string, size: StandardSize, home: string, log: (s: string) => void): Promise<string> {
  const file = path.join(cacheDir(), `${size.name}-seed1.mbx`);
  const key = `${size.sha256} via mailutil`;
  if (await stampMatches(file, key)) return file;
  log(`converting the ${size.name} corpus to mbx with mailutil into ${file} ...`);
  await fsp.copyFile(unixFile, path.join(home, 'mbx-source'));
  await handToOracle(home);
  const argv = ['/usr/bin/mailutil', 'copy', 'mbx-source', '#driver.mbx/mbx-made'];
  const r = await runAsOracle(home, argv);
  await fsp.rm(path.join(home, 'mbx-source'), { force: true });
  if (r.status !== 0 || r.stderr.length > 0) throw new Error(`making the mbx corpus failed: ${describeRun(argv, r)}`);
  // another benchmark may be filling the cache too: a private name, then an atomic rename
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.copyFile(path.join(home, 'mbx-made'), tmp);
  await fsp.rm(path.join(home, 'mbx-made'), { force: true });
  await fsp.chmod(tmp, 0o644);
  await fsp.rename(tmp, file);
  await writeStamp(file, key);
  return file;
}

async function digest(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 8 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * A stamp beside a cached file records what it was verified as, with the size and mtime it had then,
 * so that a later run trusts it without hashing a gigabyte again (and notices if it was touched).
 */
async function writeStamp(file: string, key: string): Promise<void> {
  const st = await fsp.stat(file);
  await fsp.writeFile(`${file}.stamp`, `${key}\n${st.size} ${st.mtimeMs}\n`);
}

async function stampMatches(file: string, key: string): Promise<boolean> {
  try {
    const [stamp, st] = await Promise.all([fsp.readFile(`${file}.stamp`, 'utf8'), fsp.stat(file)]);
    return stamp === `${key}\n${st.size} ${st.mtimeMs}\n`;
  } catch {
    return false;
  }
}

/**
 * The corpus of one size in each place an operation reads it from, made in the bench home on
 * first use, outside any timing: unix and mbx from the cache, every other format by mailutil's
 * copy of the unix corpus, and alice's mailbox on the server the same way; by mailsmith's copy
 * for maildir (c-client lacks it) and when mailutil is not timed (it takes minutes on M).
 * Released as soon as no later operation needs it, so that few copies of M (about 1 GB each)
 * are on disk at once.
 */
export class Inputs {
  private readonly boxes = new Map<Place, Promise<Box>>();

  constructor(
    private readonly bench: Workbench,
    private readonly size: StandardSize,
    private readonly corpus: { readonly unix: string; readonly mbx: () => Promise<string> },
    private readonly maker: 'mailutil' | 'mailsmith',
    private readonly log: (s: string) => void,
  ) {}

  get(place: Place): Promise<Box> {
    let box = this.boxes.get(place);
    if (!box) {
      box = this.make(place);
      this.boxes.set(place, box);
    }
    return box;
  }

  async release(place: Place): Promise<void> {
    const box = this.boxes.get(place);
    if (!box) return;
    this.boxes.delete(place);
    await removeOutputs(this.bench, this.base(place), await box);
  }

  async releaseAll(): Promise<void> {
    for (const place of [...this.boxes.keys()]) await this.release(place);
  }

  private base(place: Place): string {
    return place === 'imap' ? `bench-${this.size.name}` : `${this.size.name}.${place}`;
  }

  private async make(place: Place): Promise<Box> {
    const { create, box } = newBox(place, this.base(place), imapName(this.bench));
    if (place === 'unix' || place === 'mbx') {
      await fsp.copyFile(place === 'unix' ? this.corpus.unix : await this.corpus.mbx(), path.join(this.bench.home, box.path!));
    } else {
      const unix = await this.get('unix');
      this.log(`copying the ${this.size.name} corpus to ${place} (outside the timing) ...`);
      await runTool(this.bench, mailutilHandles(place) ? this.maker : 'mailsmith', ['copy', unix.name, create]);
    }
    await handOver(this.bench, box);
    return box;
  }
}
