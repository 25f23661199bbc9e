// Colour for stderr that follows NO_COLOR (https://no-color.org) and FORCE_COLOR.
import { Chalk, chalkStderr, type ChalkInstance } from 'chalk';

export function stderrColour(env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  // chalk itself reads FORCE_COLOR but not NO_COLOR
  if (env.FORCE_COLOR === undefined && env.NO_COLOR) return new Chalk({ level: 0 });
  return chalkStderr;
}
