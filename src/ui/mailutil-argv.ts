// mailutil's command lines, so that an old cron line works after changing the
// program name: its single-dash switches (-rw, -kw, -ig, -m MODE, ...) and its
// habit of accepting switches before the command (mailutil.md 1).

const MAILUTIL_SWITCHES: Readonly<Record<string, string>> = {
  '-rw': '--rwcopy', '-rwcopy': '--rwcopy',
  '-kw': '--kwcopy', '-kwcopy': '--kwcopy',
  '-ig': '--ignore-keywords', '-ignore': '--ignore-keywords',
  '-m': '--merge', '-merge': '--merge',
  '-d': '--debug', '-debug': '--debug',
  '-v': '--verbose', '-verbose': '--verbose',
};

/** Flags that take the next word as their value (unless written --flag=value). */
const TAKES_VALUE = new Set(['--home', '--inbox', '--format', '--merge', '--lock-timeout']);

export type NormalizedArgv = { readonly args: string[] } | { readonly error: string };

export function normalizeArgv(argv: readonly string[]): NormalizedArgv {
  const out: string[] = [];
  let command: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (word === '-u' || word === '-user') {
      return { error: `${word} is not supported: run mailsmith as that user instead (for example: sudo -u USER mailsmith ...)` };
    }
    const flag = MAILUTIL_SWITCHES[word] ?? word;
    out.push(flag);
    if (TAKES_VALUE.has(flag) && i + 1 < argv.length) out.push(argv[++i]!);
    else if (command === undefined && !flag.startsWith('-')) command = out.length - 1;
  }
  // oclif wants the command first; mailutil takes switches anywhere
  if (command !== undefined && command > 0) out.unshift(...out.splice(command, 1));
  return { args: out };
}
