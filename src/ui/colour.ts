// Colour for stderr that follows NO_COLOR (https://no-color.org) and FORCE_COLOR.
import { Chalk, chalkStderr, type ChalkInstance } from 'chalk';

type Level = 0 | 1 | 2 | 3;

export function stderrColour(env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const forced = env.FORCE_COLOR;
  if (forced !== undefined) {
    if (forced === 'false' || forced === '0') return new Chalk({ level: 0 });
    const n = forced === '' || forced === 'true' ? 1 : Number.parseInt(forced, 10);
    return new Chalk({ level: (Number.isNaN(n) ? 1 : Math.min(Math.max(n, 1), 3)) as Level });
  }
  // chalk reads FORCE_COLOR but not NO_COLOR
  if (env.NO_COLOR) return new Chalk({ level: 0 });
  return chalkStderr;
}
