// npm run bench [-- --sizes S,M --runs 5 --warmup 1 --ops unix-mbx,mbx-unix,check-unix,check-mbx,repair-mbx]
//
// Times mailsmith against the real UW mailutil on the standard corpora of
// ../shared/bench/README.md: copy unix -> mbx, copy mbx -> unix (a new
// destination each run), check on the unix and the mbx file, and repair-mbx's
// scan of the mbx file (next to mailutil's check of it), with `cp`
// of the same input as the floor. Runs alternate (mailsmith, mailutil, cp,
// mailsmith, ...) after the warm-up, so that ratios stay meaningful on a
// noisy machine. Prints a table and writes every figure as JSON into the
// temp folder (path printed).
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { handToOracle, makeOracleHome, oracleArgv, requireMailutil, runAsOracle } from '../test/helpers/oracle-user.js';
import { projectRoot, sharedDir } from '../test/helpers/paths.js';
import { mbxCorpus, standardSizes, unixCorpus, type StandardSize } from './corpus.js';
import { measure, rssSource } from './measure.js';
import { figures, median, scalingTable, table, type OperationFigures, type Tool } from './report.js';

interface Operation {
  readonly key: string;
  readonly label: string;
  readonly input: 'mbox' | 'mbx';
  /** mailutil's and mailsmith's arguments (the same words for both). */
  readonly args: (input: string, dest: string) => string[];
  /** mailutil's, when it has no such command: the nearest one it has. */
  readonly mailutilArgs?: (input: string) => string[];
  readonly writes: boolean;
}

const OPERATIONS: readonly Operation[] = [
  { key: 'unix-mbx', label: 'copy unix->mbx', input: 'mbox', args: (s, d) => ['copy', s, `#driver.mbx/${d}`], writes: true },
  { key: 'mbx-unix', label: 'copy mbx->unix', input: 'mbx', args: (s, d) => ['copy', s, `#driver.unix/${d}`], writes: true },
  { key: 'check-unix', label: 'check unix', input: 'mbox', args: (s) => ['check', s], writes: false },
  { key: 'check-mbx', label: 'check mbx', input: 'mbx', args: (s) => ['check', s], writes: false },
  // the damage survey of a healthy file (a dry run changes nothing); mailutil's nearest is its own parse, check
  {
    key: 'repair-mbx', label: 'repair-mbx scan', input: 'mbx', args: (s) => ['repair-mbx', '--dry-run', s],
    mailutilArgs: (s) => ['check', s], writes: false,
  },
];
const TOOLS: readonly Tool[] = ['mailsmith', 'mailutil', 'cp'];

interface Options {
  readonly sizes: string[];
  readonly runs: number;
  readonly warmup: number;
  readonly ops: Operation[];
}

const USAGE = `usage: npm run bench -- [--sizes S,M] [--runs N] [--warmup N] [--ops ${OPERATIONS.map((o) => o.key).join(',')}]
  --sizes   standard corpora to time (bench/README.md: XS, S, M); default S,M
  --runs    timed runs per tool and operation after the warm-up; default 5
  --warmup  untimed runs first (warm page cache); default 1
  --ops     operations to time; default all`;

function parseOptions(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    const [flag, inline] = a.split('=', 2) as [string, string | undefined];
    if (!['--sizes', '--runs', '--warmup', '--ops'].includes(flag)) usage(`unknown option ${a}`);
    const v = inline ?? argv[++i];
    if (v === undefined) usage(`${flag} needs a value`);
    values.set(flag, v);
  }
  const count = (flag: string, dflt: number, min: number): number => {
    const v = values.get(flag);
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < min) usage(`${flag} must be an integer >= ${min}`);
    return Number(v);
  };
  const ops = (values.get('--ops') ?? OPERATIONS.map((o) => o.key).join(',')).split(',').map((k) => {
    const op = OPERATIONS.find((o) => o.key === k);
    if (!op) usage(`unknown operation ${k}`);
    return op;
  });
  return {
    sizes: (values.get('--sizes') ?? 'S,M').split(',').filter(Boolean),
    runs: count('--runs', 5, 1),
    warmup: count('--warmup', 1, 0),
    ops,
  };
}

function usage(problem: string): never {
  console.error(`bench: ${problem}\n${USAGE}`);
  process.exit(2);
}

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const mailutil = requireMailutil();
  const cli = path.join(projectRoot(), 'bin', 'run.js');
  await fsp.access(cli).catch(() => {
    throw new Error(`the mailsmith CLI is missing (${cli}); build it first (npm run build)`);
  });
  const benchDir = path.join(sharedDir(), 'bench');
  const sizes = await standardSizes(benchDir);
  for (const s of options.sizes) if (!sizes.has(s)) usage(`unknown size ${s} (bench/README.md has ${[...sizes.keys()].join(', ')})`);

  const startedAt = new Date();
  const home = await makeOracleHome('bench');
  const results: OperationFigures[] = [];
  try {
    for (const name of options.sizes) {
      const size = sizes.get(name)!;
      const inputs = { mbox: `${name}.mbox`, mbx: `${name}.mbx` };
      const unixFile = await unixCorpus(benchDir, size, log);
      const mbxFile = await mbxCorpus(unixFile, size, home, log);
      // the same files for every tool, in the oracle's home (mailutil only takes names relative to it)
      await fsp.copyFile(unixFile, path.join(home, inputs.mbox));
      await fsp.copyFile(mbxFile, path.join(home, inputs.mbx));
      await handToOracle(home);
      try {
        for (const op of options.ops) {
          results.push(await timeOperation(op, size, inputs[op.input], { home, cli, mailutil, options }));
        }
      } finally {
        await fsp.rm(path.join(home, inputs.mbox), { force: true });
        await fsp.rm(path.join(home, inputs.mbx), { force: true });
      }
    }
  } finally {
    await fsp.rm(home, { recursive: true, force: true });
  }

  const out = path.join(os.tmpdir(), `mailsmith-bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const notes = [
    'wall time runs from spawn to exit: mailsmith includes node start-up (node bin/run.js), mailutil includes runuser (it runs as the oracle user), every tool includes the RSS wrapper',
    'MB/s = input bytes / 10^6 / median seconds; peak RSS = the highest over the timed runs',
    'x cp = median / median of cp copying the same input in the same alternation',
  ];
  await fsp.writeFile(out, `${JSON.stringify({
    startedAt: startedAt.toISOString(),
    host: { name: os.hostname(), cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryBytes: os.totalmem(), node: process.version },
    rssSource: rssSource(),
    runs: options.runs,
    warmup: options.warmup,
    sizes: options.sizes.map((s) => sizes.get(s)),
    results,
    notes,
  }, null, 2)}\n`);

  console.log(`\n${table(results)}`);
  if (options.sizes.includes('S') && options.sizes.includes('M')) console.log(`\n${scalingTable(results, 'S', 'M')}`);
  console.log(`\nruns: ${options.runs} timed after ${options.warmup} warm-up; peak RSS from ${rssSource()}; ${notes[0]}`);
  console.log(`results: ${out}`);
}

interface Setup {
  readonly home: string;
  readonly cli: string;
  readonly mailutil: string;
  readonly options: Options;
}

async function timeOperation(op: Operation, size: StandardSize, input: string, setup: Setup): Promise<OperationFigures> {
  const { home, cli, mailutil, options } = setup;
  const command = (tool: Tool, dest: string): { argv: string[]; env?: NodeJS.ProcessEnv } => {
    switch (tool) {
      case 'mailsmith':
        return { argv: [process.execPath, cli, ...op.args(input, dest), '--home', home], env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' } };
      case 'mailutil':
        return { argv: oracleArgv(home, [mailutil, ...(op.mailutilArgs?.(input) ?? op.args(input, dest))]) };
      case 'cp':
        return { argv: ['cp', path.join(home, input), path.join(home, dest)] };
    }
  };
  const runs = new Map<Tool, { ms: number[]; rss: (number | undefined)[]; stdout: string }>(
    TOOLS.map((t) => [t, { ms: [], rss: [], stdout: '' }]),
  );
  const loadStart = os.loadavg()[0]!;
  const rounds = options.warmup + options.runs;
  for (let round = 0; round < rounds; round++) {
    for (const tool of TOOLS) {
      const dest = `out-${tool}-${round}`;
      const { argv, env } = command(tool, dest);
      const m = await measure(argv, { cwd: home, env });
      if (m.status !== 0) throw new Error(`${tool} ${op.label} on ${size.name} failed (exit ${m.status}): ${m.stdout}${m.stderr}`);
      if (round === 0 && op.writes && tool !== 'cp') await expectWholeCopy(home, mailutil, dest, size, `${tool} ${op.label}`);
      await fsp.rm(path.join(home, dest), { recursive: true, force: true });
      const timed = round >= options.warmup;
      log(`${size.name} ${op.label} ${tool} ${timed ? `run ${round - options.warmup + 1}/${options.runs}` : 'warm-up'}: ${(m.wallMs / 1000).toFixed(3)} s`);
      if (!timed) continue;
      const r = runs.get(tool)!;
      r.ms.push(m.wallMs);
      r.rss.push(m.maxRssKb);
      r.stdout = m.stdout.trim();
    }
  }
  const loadEnd = os.loadavg()[0]!;
  const bytes = (await fsp.stat(path.join(home, input))).size;
  const cpMedian = median(runs.get('cp')!.ms);
  return {
    size: size.name,
    operation: op.label,
    inputBytes: bytes,
    messages: size.messages,
    loadStart,
    loadEnd,
    tools: TOOLS.map((t) => figures(t, runs.get(t)!.ms, runs.get(t)!.rss, bytes, size.messages, cpMedian)),
    ...(op.writes || op.mailutilArgs ? {} : { outputsAgree: runs.get('mailsmith')!.stdout === runs.get('mailutil')!.stdout }),
  };
}

/** A timing of a copy that lost messages would mean nothing: mailutil must count them all in the result. */
async function expectWholeCopy(home: string, mailutil: string, dest: string, size: StandardSize, what: string): Promise<void> {
  await handToOracle(path.join(home, dest));
  const r = await runAsOracle(home, [mailutil, 'check', dest]);
  const line = r.stdout.toString('utf8').trim();
  const total = /, (\d+) total in /.exec(line);
  if (r.status !== 0 || !total || Number(total[1]) !== size.messages) {
    throw new Error(`${what} on ${size.name}: mailutil check of the result says "${line}${r.stderr.toString('utf8')}", expected ${size.messages} messages`);
  }
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
