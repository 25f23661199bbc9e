// The `#driver.FORMAT/name` prefix (naming.md 6): "create this in FORMAT".
import { BadName } from '../errors.js';
import type { FormatName } from '../store/types.js';

const PREFIX = '#driver.';

/** Local formats a prefix may name; `mbox` is c-client's name for the unix format in ~/mbox. */
const PREFIX_FORMATS: ReadonlyMap<string, FormatName> = new Map([
  ['unix', 'unix'], ['mbox', 'unix'], ['mmdf', 'mmdf'], ['mbx', 'mbx'], ['mix', 'mix'], ['mtx', 'mtx'],
  ['tenex', 'tenex'], ['mx', 'mx'], ['mh', 'mh'], ['maildir', 'maildir'], ['phile', 'phile'],
]);

export interface DriverPrefix {
  readonly format: FormatName;
  /** The format as typed, lower-cased (`mbox` stays `mbox`). */
  readonly typed: string;
  /** The mailbox name after the delimiter. */
  readonly rest: string;
}

export function hasDriverPrefix(name: string): boolean {
  return name.slice(0, PREFIX.length).toLowerCase() === PREFIX;
}

/**
 * Splits `#driver.FORMAT/rest` (delimiter `/`, `\` or `:`). Unlike c-client, which compares the
 * format case-sensitively on create, any letter case is accepted.
 */
export function parseDriverPrefix(name: string): DriverPrefix {
  const after = name.slice(PREFIX.length);
  const delim = after.search(/[/\\:]/);
  if (delim <= 0) {
    throw new BadName(`bad driver syntax: ${name} (write #driver.FORMAT/NAME, e.g. #driver.mbx/archive)`);
  }
  const typed = after.slice(0, delim).toLowerCase();
  const format = PREFIX_FORMATS.get(typed);
  if (!format) {
    throw new BadName(`unknown format ${after.slice(0, delim)} in ${name} (known: ${[...PREFIX_FORMATS.keys()].join(', ')})`);
  }
  return { format, typed, rest: after.slice(delim + 1) };
}
