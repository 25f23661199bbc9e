// Runs a program to completion and keeps its output as bytes.
import { spawn } from 'node:child_process';

export interface RunResult {
  /** Exit status; null when killed by a signal. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * After this long the program and everything it started (its process group) get
   * SIGTERM, then SIGKILL two seconds later; the result then has that signal.
   */
  readonly timeoutMs?: number;
  /** Written to the program's standard input (else it reads nothing: /dev/null). */
  readonly input?: Buffer | string;
}

export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    // its own process group, so that a timeout also reaches what it started (runuser's mailutil)
    const child = spawn(file, args, {
      cwd: options.cwd, env: options.env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true,
    });
    if (options.input !== undefined) {
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(options.input);
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    let killer: NodeJS.Timeout | undefined;
    const timer = options.timeoutMs
      ? setTimeout(() => {
        signalGroup('SIGTERM');
        killer = setTimeout(() => signalGroup('SIGKILL'), 2000);
      }, options.timeoutMs)
      : undefined;
    child.on('error', (e) => {
      clearTimeout(timer);
      clearTimeout(killer);
      reject(new Error(`can't run ${file}: ${e.message}`));
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
  });
}

/** One line for an error message: the command, how it ended and what it said. */
export function describeRun(argv: readonly string[], r: RunResult): string {
  const how = r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  const said = [r.stdout.toString('utf8').trim(), r.stderr.toString('utf8').trim()].filter(Boolean).join(' | ');
  return `${argv.join(' ')}: ${how}${said ? `: ${said}` : ''}`;
}
