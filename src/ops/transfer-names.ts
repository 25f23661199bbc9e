// How transfer names a destination (mailutil.md 7.2): DEST as typed, then the
// whole listed source name with its hierarchy delimiters translated. This is
// mailutil's rule, kept so that old scripts make the same names:
// `transfer x/src/ x/dst/` copies x/src/a to x/dst/x/src/a, and
// `transfer x/src/ '{server}bk.'` makes bk.x.src.a on a server whose
// delimiter is ".".

export type MergeMode =
  | { readonly kind: 'none' }
  | { readonly kind: 'append' }
  | { readonly kind: 'suffix'; readonly suffix: string }
  | { readonly kind: 'prompt' };

/** --merge's value as mailutil takes it: prompt, append or suffix=TEXT (TEXT not empty); undefined if not one of those. */
export function parseMergeMode(text: string): MergeMode | undefined {
  if (text === 'prompt' || text === 'append') return { kind: text };
  if (text.startsWith('suffix=') && text.length > 'suffix='.length) return { kind: 'suffix', suffix: text.slice('suffix='.length) };
  return undefined;
}

/**
 * A source name in the destination's hierarchy: when both stores have a delimiter and they
 * differ, each source delimiter becomes the destination's and each destination delimiter in
 * the name becomes the source's, so that no level is split or joined (mailutil's swap: `a.b`
 * from a "/" store becomes `a/b` on a "." server). A source without a delimiter has one level;
 * a destination delimiter inside it becomes "x", as in mailutil.
 */
export function translateDelimiters(name: string, sourceDelimiter: string, destinationDelimiter: string): string {
  if (!destinationDelimiter || sourceDelimiter === destinationDelimiter) return name;
  let out = '';
  for (const ch of name) {
    if (sourceDelimiter && ch === sourceDelimiter) out += destinationDelimiter;
    else if (ch === destinationDelimiter) out += sourceDelimiter || 'x';
    else out += ch;
  }
  return out;
}

/** The full destination name of a listed source name: DEST as typed + the translated name. */
export function destinationName(dest: string, listed: string, sourceDelimiter: string, destinationDelimiter: string): string {
  return `${dest}${translateDelimiters(listed, sourceDelimiter, destinationDelimiter)}`;
}

/** The text of a name after a remote name's `{...}` (the whole name when it is local). */
export function afterServer(name: string): string {
  return name.startsWith('{') ? name.slice(name.indexOf('}') + 1) : name;
}

/** A remote name's `{...}` part ('' when it is local). */
export function serverPart(name: string): string {
  return name.startsWith('{') ? name.slice(0, name.indexOf('}') + 1) : '';
}
