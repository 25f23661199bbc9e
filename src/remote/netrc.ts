// ~/.netrc, as ftp(1) and curl read it: `machine HOST login USER password PW`
// entries, a `default` entry, `macdef` bodies skipped. Tokens are separated by
// white space; a token may be double-quoted, with backslash escapes, so that a
// password can hold spaces.

export interface NetrcEntry {
  /** undefined for the `default` entry. */
  readonly machine?: string;
  readonly login?: string;
  readonly password?: string;
}

function tokens(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let tok = '';
    if (text[i] === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        tok += text[i];
      }
      i++;
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) tok += text[i++];
    }
    if (tok === 'macdef') {
      // the macro's body runs to the next empty line
      const end = text.indexOf('\n\n', i);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    out.push(tok);
  }
  return out;
}

export function parseNetrc(text: string): NetrcEntry[] {
  const entries: { machine?: string; login?: string; password?: string }[] = [];
  const toks = tokens(text);
  let current: { machine?: string; login?: string; password?: string } | undefined;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t === 'machine') {
      current = { machine: toks[++i] };
      entries.push(current);
    } else if (t === 'default') {
      current = {};
      entries.push(current);
    } else if (current && (t === 'login' || t === 'password' || t === 'account')) {
      const v = toks[++i];
      if (t !== 'account') current[t] = v;
    }
  }
  return entries;
}

/**
 * The entry for this host (and login, when one is wanted): the first `machine` entry that
 * matches, else `default`.
 */
export function findNetrc(entries: readonly NetrcEntry[], host: string, login?: string): NetrcEntry | undefined {
  const fits = (e: NetrcEntry): boolean => login === undefined || e.login === undefined || e.login === login;
  return entries.find((e) => e.machine !== undefined && e.machine.toLowerCase() === host.toLowerCase() && fits(e))
    ?? entries.find((e) => e.machine === undefined && fits(e));
}
