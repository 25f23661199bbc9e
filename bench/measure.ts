// One timed run of a command: wall time from spawn to exit, and the peak
// resident set size of it and its children ("Maximum resident set size"
// from GNU time -v, or from getrusage(RUSAGE_CHILDREN) in a small python3
// wrapper where GNU time is missing).
import fs, { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../test/helpers/run.js';

export interface Measurement {
  readonly wallMs: number;
  /** Peak RSS in KiB; undefined when neither GNU time nor python3 is there. */
  readonly maxRssKb?: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const PYTHON_WRAPPER = [
  'import resource, subprocess, sys',
  'rc = subprocess.call(sys.argv[2:])',
  "open(sys.argv[1], 'w').write('Maximum resident set size (kbytes): %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
  'sys.exit(rc if rc >= 0 else 128 - rc)',
].join('\n');

export type RssSource = 'GNU time -v' | 'python3 getrusage' | 'none';

export function rssSource(): RssSource {
  if (isExecutable('/usr/bin/time')) return 'GNU time -v';
  if (['/usr/bin/python3', '/usr/local/bin/python3'].some(isExecutable)) return 'python3 getrusage';
  return 'none';
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs argv to the end, timing it; the report file of the RSS wrapper lives in a private temp folder. */
export async function measure(
  argv: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<Measurement> {
  const source = rssSource();
  const reportDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mailsmith-bench-rss-'));
  const report = path.join(reportDir, 'rss');
  const wrapped =
    source === 'GNU time -v' ? ['/usr/bin/time', '-v', '-o', report, ...argv]
      : source === 'python3 getrusage' ? ['python3', '-c', PYTHON_WRAPPER, report, ...argv]
        : [...argv];
  try {
    const start = process.hrtime.bigint();
    const r = await run(wrapped[0]!, wrapped.slice(1), { cwd: options.cwd, env: options.env, input: options.input });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    let maxRssKb: number | undefined;
    if (source !== 'none') {
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(await fsp.readFile(report, 'utf8').catch(() => ''));
      if (m) maxRssKb = Number(m[1]);
    }
    return { wallMs, maxRssKb, status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
  } finally {
    await fsp.rm(reportDir, { recursive: true, force: true });
  }
}
