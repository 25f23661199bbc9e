// Runs the built CLI (bin/run.js) the way a user does.
import path from 'node:path';
import { projectRoot } from '../helpers/paths.js';
import { run, type RunResult } from '../helpers/run.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export async function mailsmith(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const r: RunResult = await run(process.execPath, [path.join(projectRoot(), 'bin', 'run.js'), ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', ...env },
    timeoutMs: 60_000,
  });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** No stack trace: no "    at file:line" frames and no error class names leaking. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+[:(]\d+/m.test(text) || /\b(TypeError|ReferenceError)\b/.test(text);
}
