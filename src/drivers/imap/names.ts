// Mailbox names between people and an IMAP server. On the wire they are
// modified UTF-7 (RFC 3501 5.1.3). A name typed as c-client takes it (7-bit,
// `Entw&APw-rfe`) goes to the server as it is; a name typed with non-ASCII
// characters (`Entwürfe`) is encoded; names LIST returns are decoded for
// people. The hierarchy delimiter is the server's: hierarchy() and
// fromHierarchy() translate between a name and its levels.
import type { RemoteRef } from '../../names/types.js';

/** Modified UTF-7 for a Unicode name. */
export function encodeUtf7(name: string): string {
  let out = '';
  let run = '';
  const flush = (): void => {
    if (!run) return;
    const utf16 = Buffer.alloc(run.length * 2);
    for (let i = 0; i < run.length; i++) utf16.writeUInt16BE(run.charCodeAt(i), i * 2);
    out += `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    run = '';
  };
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0x20 && c <= 0x7e) {
      flush();
      out += ch === '&' ? '&-' : ch;
    } else {
      run += ch;
    }
  }
  flush();
  return out;
}

/** Unicode for a modified UTF-7 name; a malformed run is left as it is. */
export function decodeUtf7(name: string): string {
  return name.replace(/&([A-Za-z0-9+,]*)-/g, (whole, b64: string) => {
    if (b64 === '') return '&';
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0) return whole;
    let s = '';
    for (let i = 0; i < bytes.length; i += 2) s += String.fromCharCode(bytes.readUInt16BE(i));
    return s;
  });
}

/** The name to send for the mailbox part of a remote name. */
export function wireName(typed: string): string {
  return /^[\x20-\x7e]*$/.test(typed) ? typed : encodeUtf7(typed);
}

/** The levels of a server name under its delimiter ('' = no hierarchy: one level). */
export function hierarchy(name: string, delimiter: string): string[] {
  return delimiter ? name.split(delimiter) : [name];
}

/** A server name from levels, joined with the server's delimiter. */
export function fromHierarchy(levels: readonly string[], delimiter: string): string {
  return levels.join(delimiter);
}

/**
 * c-client's canonical name of an IMAP mailbox, as mailutil prints it (naming.md 8.3):
 * `{127.0.0.1:143/imap/notls/user="alice"}INBOX`.
 */
export function canonicalName(ref: RemoteRef, port: number, user: string | undefined): string {
  const f = ref.flags;
  let s = `{${ref.host}:${port}/imap`;
  if (f.tls) s += '/tls';
  if (f.notls) s += '/notls';
  if (f.ssl) s += '/ssl';
  if (f.novalidateCert) s += '/novalidate-cert';
  if (f.loser) s += '/loser';
  if (f.secure) s += '/secure';
  if (f.readonly) s += '/readonly';
  if (f.anonymous) s += '/anonymous';
  else if (user !== undefined) s += `/user="${user.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  return `${s}}${ref.mailbox}`;
}

/** The same server, account and switches, another mailbox. */
export function sibling(ref: RemoteRef, mailbox: string): RemoteRef {
  const brace = ref.name.indexOf('}');
  return { ...ref, mailbox, name: `${ref.name.slice(0, brace + 1)}${mailbox}` };
}
