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
  /** Bytes for standard input (closed at once when absent). */
  readonly input?: Buffer;
  /** Killed (SIGKILL) after this long; the result then has signal SIGKILL. */
  readonly timeoutMs?: number;
}

export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new Error(`can't run ${file}: ${e.message}`));
    });
    child.on('close', (status, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
    child.stdin.on('error', () => {
      // the program may exit without reading its input; that is its business
    });
    child.stdin.end(options.input);
  });
}

/** One line for an error message: the command, how it ended and what it said. */
export function describeRun(argv: readonly string[], r: RunResult): string {
  const how = r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  const said = [r.stdout.toString('utf8').trim(), r.stderr.toString('utf8').trim()].filter(Boolean).join(' | ');
  return `${argv.join(' ')}: ${how}${said ? `: ${said}` : ''}`;
}
