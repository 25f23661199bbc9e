// npm run bench [-- --ops core,formats,imap,convert|KEY,... --formats mix,mh,... --sizes S,M --tools mailsmith,mailutil,cp --runs 5 --warmup 1]
//
// Times mailsmith against the real UW mailutil on the standard corpora of
// ../shared/bench/README.md (S = 10,000 messages, ~100 MB; M = 100,000, ~1 GB),
// with `cp -r` of the same input as the floor (operations.ts lists them all):
// - core: copy unix->mbx and mbx->unix, check of the unix and the mbx file,
//   repair-mbx's scan of the mbx file (mailutil: its check of it);
// - formats: copy of the unix corpus into each format mailsmith writes (mix,
//   mx, mh, maildir, mbx, tenex, mtx, mmdf, unix) and from each back to unix;
//   mailutil beside it except for maildir, which c-client lacks;
// - imap: copy of the unix corpus into alice's mailbox on a private Dovecot
//   (on tmpfs) and from there back to a unix file, both tools on one server;
// - convert: convert-format of the unix corpus to mbx in place (a fresh copy
//   each run, made outside the timing) beside mailutil's copy into a new mbx;
//   skipped with a note while the CLI has no convert-format.
// Without --sizes: core and convert on S and M; formats on S, and on M for
// mbx, mix and maildir only; imap on S. How long that takes on the 2-core
// development machine: the S part 8 minutes with --runs 3 (load 3-5), 40 with
// the default 5 runs while test suites ran beside it (load 10-17); one pass of
// every format on M with --tools mailsmith,cp 12 minutes. mailutil's copies
// grow far faster than the messages (unix->mbx: 1.1 s on S, 355 s on M), so
// the default M part, 6 rounds of them, takes well over an hour, and the
// whole format matrix on M with mailutil many hours. --sizes applies to every
// selected operation: `--ops formats --sizes M --runs 1 --warmup 0 --tools
// mailsmith,cp` is the one-pass memory check of every format on M (12 minutes
// here). Every copy's result is counted by
// mailutil's check (mailsmith's for maildir) in the first round; each output
// is removed right after its run, and each input once no later operation
// reads it, so that at M at most three copies of ~1 GB are in the bench home
// (beside the cached unix and mbx corpora).
// Runs alternate (mailsmith, mailutil, cp, mailsmith, ...) after the warm-up,
// so that ratios stay meaningful on a noisy machine. Prints a table, peak RSS
// on S and M side by side with their ratio (flat memory: near 1), and writes
// every figure as JSON into the temp folder (path printed). Run it with
// `nice`: the tools inherit it.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Dovecot } from '../test/helpers/dovecot.js';
import { handToOracle, makeOracleHome, requireMailutil } from '../test/helpers/oracle-user.js';
import { projectRoot, sharedDir } from '../test/helpers/paths.js';
import { run } from '../test/helpers/run.js';
import { Inputs, mbxCorpus, standardSizes, unixCorpus, type StandardSize } from './corpus.js';
import { measure, rssSource } from './measure.js';
import { FORMATS, GROUPS, OPERATIONS, selectOperations, type Box, type Format, type Operation, type Step } from './operations.js';
import { figures, median, scalingTable, table, type OperationFigures, type Tool } from './report.js';
import { countMessages, handOver, imapName, removeOutputs, toolCommand, type Command, type Workbench } from './workbench.js';

interface Options {
  /** Undefined: each operation's default sizes. */
  readonly sizes?: string[];
  readonly runs: number;
  readonly warmup: number;
  readonly ops: Operation[];
  readonly tools: readonly Tool[];
}

const TOOLS: readonly Tool[] = ['mailsmith', 'mailutil', 'cp'];

const USAGE = `usage: npm run bench -- [--ops LIST] [--formats LIST] [--sizes S,M] [--tools LIST] [--runs N] [--warmup N]
  --ops      groups (${GROUPS.join(', ')}) or operations: ${OPERATIONS.map((o) => o.key).join(', ')};
             default all
  --formats  local formats the operations may touch besides unix: ${FORMATS.filter((f) => f !== 'unix').join(', ')}; default all
  --sizes    standard corpora (XS, S, M) for every operation; default S and M for core and convert,
             S for formats (M too for mbx, mix, maildir) and imap
  --tools    tools to time: mailsmith and any of mailutil, cp (mailutil takes minutes per copy of M); default all
  --runs     timed runs per tool and operation after the warm-up; default 5
  --warmup   untimed runs first (warm page cache); default 1`;

function parseOptions(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    }
    const [flag, inline] = a.split('=', 2) as [string, string | undefined];
    if (!['--sizes', '--runs', '--warmup', '--ops', '--formats', '--tools'].includes(flag)) usage(`unknown option ${a}`);
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
  const list = (flag: string): string[] | undefined => values.get(flag)?.split(',').filter(Boolean);
  const formats = list('--formats') ?? [...FORMATS];
  const unknown = formats.filter((f) => !(FORMATS as readonly string[]).includes(f));
  if (unknown.length > 0) usage(`unknown format ${unknown.join(', ')}`);
  let ops: Operation[] = [];
  try {
    ops = selectOperations(list('--ops') ?? GROUPS, formats as Format[]);
  } catch (e) {
    usage((e as Error).message);
  }
  if (ops.length === 0) usage('no operation left to time');
  const tools = list('--tools') ?? TOOLS;
  if (!tools.includes('mailsmith') || tools.some((t) => !TOOLS.includes(t as Tool))) usage(`--tools: mailsmith and any of ${TOOLS.join(', ')}`);
  return { sizes: list('--sizes'), runs: count('--runs', 5, 1), warmup: count('--warmup', 1, 0), ops, tools: tools as Tool[] };
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
  for (const s of options.sizes ?? []) if (!sizes.has(s)) usage(`unknown size ${s} (bench/README.md has ${[...sizes.keys()].join(', ')})`);

  const notes: string[] = [];
  const ops: Operation[] = [];
  for (const op of options.ops) {
    if (op.needsCommand && !(await hasCommand(cli, op.needsCommand))) {
      notes.push(`${op.label}: skipped, this build of mailsmith has no ${op.needsCommand} command`);
    } else ops.push(op);
  }
  const sizesOf = (op: Operation): readonly string[] => options.sizes ?? op.defaultSizes;

  const startedAt = new Date();
  const out = path.join(os.tmpdir(), `mailsmith-bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const results: OperationFigures[] = [];
  const failures: string[] = [];
  const minutes = (): number => (Date.now() - startedAt.getTime()) / 60_000;
  // written after every operation, so that a long run that is stopped still leaves its figures
  const save = (): Promise<void> => fsp.writeFile(out, `${JSON.stringify({
    startedAt: startedAt.toISOString(),
    minutes: minutes(),
    host: { name: os.hostname(), cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryBytes: os.totalmem(), node: process.version },
    rssSource: rssSource(),
    runs: options.runs,
    warmup: options.warmup,
    sizes: [...new Set(results.map((r) => r.size))].map((s) => sizes.get(s)),
    results,
    failures,
    notes: [...notes, ...NOTES],
  }, null, 2)}\n`);

  const home = await makeOracleHome('bench');
  // MH folders live under the profile's Path; mailutil (the oracle user) must be able to create them there
  await fsp.writeFile(path.join(home, '.mh_profile'), 'Path: Mail\n');
  await fsp.mkdir(path.join(home, 'Mail'));
  await handToOracle(home);
  let server: Dovecot | undefined;
  try {
    // on tmpfs, as Dovecot's README advises for timings: on disk, appends vary 2-3x between runs
    if (ops.some((o) => o.input === 'imap' || o.key.endsWith('-imap'))) server = await Dovecot.start({ tmpfs: true });
    const bench: Workbench = { home, cli, mailutil, server };
    for (const size of [...sizes.values()]) {
      const sizeOps = ops.filter((o) => sizesOf(o).includes(size.name));
      if (sizeOps.length === 0) continue;
      const unixFile = await unixCorpus(benchDir, size, log);
      const maker = options.tools.includes('mailutil') ? 'mailutil' : 'mailsmith';
      const inputs = new Inputs(bench, size, { unix: unixFile, mbx: () => mbxCorpus(unixFile, size, home, log) }, maker, log);
      try {
        for (const [i, op] of sizeOps.entries()) {
          // one failing operation must not cost the figures of a long run: it is reported, the rest go on
          try {
            results.push(await timeOperation(bench, op, size, await inputs.get(op.input), options));
          } catch (e) {
            failures.push(`${size.name} ${op.label}: ${(e as Error).message}`);
            log(`FAILED: ${failures.at(-1)}`);
          }
          await save();
          // unix stays: every other input is made from it
          if (op.input !== 'unix' && !sizeOps.slice(i + 1).some((o) => o.input === op.input)) await inputs.release(op.input);
        }
      } finally {
        await inputs.releaseAll();
      }
    }
  } finally {
    await server?.stop();
    await fsp.rm(home, { recursive: true, force: true });
  }
  await save();

  console.log(`\n${table(results)}`);
  const timedSizes = new Set(results.map((r) => r.size));
  if (timedSizes.has('S') && timedSizes.has('M')) console.log(`\n${scalingTable(results, 'S', 'M')}`);
  console.log(`\nruns: ${options.runs} timed after ${options.warmup} warm-up; peak RSS from ${rssSource()}; ${minutes().toFixed(1)} minutes in all`);
  for (const note of [...notes, ...NOTES]) console.log(`- ${note}`);
  for (const failure of failures) console.log(`FAILED: ${failure}`);
  console.log(`results: ${out}`);
  if (failures.length > 0) process.exitCode = 1;
}

const NOTES = [
  'wall time runs from spawn to exit: mailsmith includes node start-up (node bin/run.js), mailutil includes runuser (it runs as the oracle user), every tool includes the RSS wrapper',
  'MB/s = input bytes (the file or folder read; for a server mailbox, the unix corpus) / 10^6 / median seconds; peak RSS = the highest over the timed runs',
  'x cp = median / median of cp -r copying the same input in the same alternation',
];

async function hasCommand(cli: string, name: string): Promise<boolean> {
  return (await run(process.execPath, [cli, name, '--help'])).status === 0;
}

async function timeOperation(bench: Workbench, op: Operation, size: StandardSize, input: Box, options: Options): Promise<OperationFigures> {
  const { home } = bench;
  const tools = options.tools.filter((t) => (t === 'mailutil' ? op.mailutil : t === 'cp' ? input.path !== undefined : true));
  const step = (tool: 'mailsmith' | 'mailutil', dest: string): Step => (tool === 'mailsmith' ? op.mailsmith : op.mailutil!)(input, dest, imapName(bench));
  const command = (tool: Tool, dest: string): Command =>
    tool === 'cp' ? { argv: ['cp', '-r', path.join(home, input.path!), path.join(home, dest)] } : toolCommand(bench, tool, step(tool, dest).args);
  const runs = new Map<Tool, { ms: number[]; rss: (number | undefined)[]; stdout: string }>(tools.map((t) => [t, { ms: [], rss: [], stdout: '' }]));
  const loadStart = os.loadavg()[0]!;
  const rounds = options.warmup + options.runs;
  for (let round = 0; round < rounds; round++) {
    for (const tool of tools) {
      const dest = `out-${tool}-${round}`;
      if (tool === 'mailsmith' && op.inPlace) await fsp.cp(path.join(home, input.path!), path.join(home, dest), { recursive: true });
      const made = tool === 'cp' ? undefined : step(tool, dest).made;
      const { argv, env, input: stdin } = command(tool, dest);
      const m = await measure(argv, { cwd: home, env, input: stdin });
      try {
        // 3: a copy that names what the destination format cannot hold (time zones, flags in mh)
        if (m.status !== 0 && !(tool === 'mailsmith' && made && m.status === 3)) {
          throw new Error(`${tool} failed (exit ${m.status}): ${`${m.stdout}${m.stderr}`.trim().slice(-500)}`);
        }
        // a timing of a copy that lost messages would mean nothing
        if (round === 0 && made) await expectWhole(bench, made, size, tool);
      } finally {
        await removeOutputs(bench, dest, made);
      }
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
  const bytes = input.path === undefined ? size.bytes : await bytesOf(path.join(home, input.path));
  const cpMedian = runs.has('cp') ? median(runs.get('cp')!.ms) : undefined;
  const [ours, theirs] = [step('mailsmith', 'out'), tools.includes('mailutil') ? step('mailutil', 'out') : undefined];
  const sameCommand = !ours.made && theirs !== undefined && ours.args.join(' ') === theirs.args.join(' ');
  return {
    size: size.name,
    operation: op.label,
    inputBytes: bytes,
    messages: size.messages,
    loadStart,
    loadEnd,
    tools: tools.map((t) => figures(t, runs.get(t)!.ms, runs.get(t)!.rss, bytes, size.messages, cpMedian)),
    ...(sameCommand ? { outputsAgree: runs.get('mailsmith')!.stdout === runs.get('mailutil')!.stdout } : {}),
  };
}

async function expectWhole(bench: Workbench, made: Box, size: StandardSize, what: string): Promise<void> {
  await handOver(bench, made);
  const n = await countMessages(bench, made);
  if (n !== size.messages) throw new Error(`${what}: check of the result counts ${n} messages, expected ${size.messages}`);
}

/** Bytes of a file, or of every file in a folder (du's apparent size). */
async function bytesOf(p: string): Promise<number> {
  const r = await run('du', ['-sb', p]);
  const n = Number(r.stdout.toString('utf8').split('\t')[0]);
  if (r.status !== 0 || !Number.isFinite(n)) throw new Error(`du -sb ${p}: ${r.stderr.toString('utf8')}`);
  return n;
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
