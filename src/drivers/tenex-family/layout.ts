// The one thing that tells mtx and tenex apart (formats-flat.md 5, 6): mtx
// lines end in CR LF and its messages are stored exactly as received; tenex
// lines end in LF, its messages are stored with every CR removed and read back
// with every LF made CR LF.

export interface Layout {
  readonly format: 'mtx' | 'tenex';
  /** What ends a header line. */
  readonly eol: '\r\n' | '\n';
  /** c-client's word for it in `Unable to find ... at OFFSET`. */
  readonly eolName: 'CRLF' | 'newline';
  /** Message text stored with LF line ends (tenex) rather than as received (mtx). */
  readonly lfText: boolean;
}

export const MTX: Layout = { format: 'mtx', eol: '\r\n', eolName: 'CRLF', lfText: false };
export const TENEX: Layout = { format: 'tenex', eol: '\n', eolName: 'newline', lfText: true };

const CR = 0x0d;
const LF = 0x0a;

/**
 * Where the first line of `bytes` ends, as c-client's parser looks for it in a C string (so
 * nothing at or after a NUL counts): the index of the line's first end-of-line byte, or -1.
 * mtx needs a CR followed by LF (the first CR decides); tenex the first LF.
 */
export function lineEndIn(layout: Layout, bytes: Uint8Array): number {
  let nul = bytes.indexOf(0);
  if (nul < 0) nul = bytes.length;
  if (layout.lfText) {
    const lf = bytes.indexOf(LF);
    return lf >= 0 && lf < nul ? lf : -1;
  }
  const cr = bytes.indexOf(CR);
  return cr >= 0 && cr < nul && bytes[cr + 1] === LF ? cr : -1;
}
