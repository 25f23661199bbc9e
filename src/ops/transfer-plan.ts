// What a transfer will do, before it does anything: the source hierarchy as
// c-client lists it (mailutil.md 7.1) and, for each name, the destination
// (transfer-names.ts) and the format a new destination gets.
//
// Beyond mailutil: plain directories are kept as directories (a local
// destination gets them, empty ones too); the plan is sorted by destination so
// that a parent comes before its children; and a mailbox whose destination
// will hold child mailboxes is made in a directory format ("dual use", as mix,
// mx and maildir can be) instead of a flat file that could hold no children,
// which is where mailutil stopped ("Can't create mailbox node ...: File exists").
import { resolveName } from '../names/index.js';
import type { NameContext } from '../names/types.js';
import { DEFAULT_CREATE_FORMAT, driverFor, listLocal, listRemote } from '../store/index.js';
import type { FormatName, MailboxRef, RemoteRef, StoreContext } from '../store/types.js';
import { afterServer, destinationName, serverPart } from './transfer-names.js';

export interface TransferItem {
  /** The name as the source listed it. */
  readonly source: string;
  readonly sourceRef: MailboxRef;
  /** The destination name (as mailsmith takes it: with the server's `{...}` for a remote one). */
  readonly destination: string;
  readonly destinationRef: MailboxRef;
  /** A mailbox to copy, or a plain directory (\NoSelect node) to keep. */
  readonly kind: 'mailbox' | 'directory';
  /** Format a new local destination mailbox gets (undefined: a server decides). */
  readonly format?: FormatName;
  /** Why the format is not the one asked for (a flat format cannot hold the children the destination gets). */
  readonly formatNote?: string;
}

export interface TransferPlan {
  readonly sourceDelimiter: string;
  readonly destinationDelimiter: string;
  readonly items: readonly TransferItem[];
  /** Source names left out, with the reason (the destination's own names inside the source, for one). */
  readonly skipped: readonly { readonly source: string; readonly reason: string }[];
  /** Source names whose destination name cannot be used (8-bit or bad modified UTF-7, too long ...). */
  readonly refused: readonly { readonly source: string; readonly destination: string; readonly error: unknown }[];
}

export interface PlanOptions {
  /** Format of new local mailboxes (--format; else DEST's #driver. prefix; else unix). */
  readonly format?: FormatName;
}

/** Directory formats a dual-use mailbox can be made in; the source's is kept when it is one. */
const DUAL_USE_FORMATS: readonly FormatName[] = ['mix', 'mx', 'maildir'];

interface Listed {
  readonly name: string;
  readonly ref: MailboxRef;
  readonly selectable: boolean;
  /** The source's format, when local. */
  readonly format?: FormatName;
}

export async function planTransfer(
  source: string, dest: string, names: NameContext, ctx: StoreContext, options: PlanOptions = {},
): Promise<TransferPlan> {
  const destRef = resolveName(dest, names, 'create');
  const { delimiter: sourceDelimiter, listed, skipped } = await listSource(source, names, ctx);
  const destinationDelimiter = destRef.kind === 'remote' ? (await listRemote(destRef, '', '', ctx)).delimiter : '/';
  const drafts: { listed: Listed; destination: string; ref: MailboxRef }[] = [];
  const refused: { source: string; destination: string; error: unknown }[] = [];
  for (const l of listed) {
    if (insideDestination(l, destRef, dest)) {
      skipped.push({ source: l.name, reason: `it is inside the destination ${dest}` });
      continue;
    }
    // DEST as typed, then the name: "{server}bk." + "x.src.a", "#driver.mix/x/" + "src/a"
    const name = destinationName(dest, afterServer(l.name), sourceDelimiter, destinationDelimiter);
    // a plain directory is named as c-client lists one, with the delimiter after it
    const destination = l.selectable ? name : `${name}${destinationDelimiter}`;
    try {
      drafts.push({ listed: l, destination, ref: resolveName(destination, names, 'create') });
    } catch (error) {
      refused.push({ source: l.name, destination, error });
    }
  }
  drafts.sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0));
  const parents = new Set<string>();
  for (const d of drafts) {
    if (d.ref.kind === 'local') for (let p = d.ref.path; p !== '/'; ) parents.add((p = parentOf(p)));
  }
  const items = drafts.map((d): TransferItem => {
    const source = d.listed.selectable ? d.listed.name : `${d.listed.name}${sourceDelimiter}`;
    const base = { source, sourceRef: d.listed.ref, destination: d.destination, destinationRef: d.ref };
    if (!d.listed.selectable) return { ...base, kind: 'directory' };
    if (d.ref.kind === 'remote') return { ...base, kind: 'mailbox' };
    const asked = options.format ?? d.ref.createFormat ?? DEFAULT_CREATE_FORMAT;
    if (!parents.has(d.ref.path) || driverFor(asked).kind === 'directory') return { ...base, kind: 'mailbox', format: asked };
    const format = d.listed.format && DUAL_USE_FORMATS.includes(d.listed.format) ? d.listed.format : 'mix';
    return {
      ...base, kind: 'mailbox', format,
      formatNote: `made ${format}, not ${asked}: it gets child mailboxes, and ${asked} mailboxes are files, which cannot hold any`,
    };
  });
  return { sourceDelimiter, destinationDelimiter, items, skipped, refused };
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/**
 * A source name that is one of the destination's own names (transfer x/ x/backup/ must not copy
 * x/backup/... again into x/backup/x/backup/... on its next run); on a server, the same account.
 */
function insideDestination(src: Listed, destRef: MailboxRef, dest: string): boolean {
  if (src.ref.kind === 'local' && destRef.kind === 'local') {
    const root = destRef.directoryOnly ? `${destRef.path}/` : destRef.path;
    return src.ref.path === destRef.path || src.ref.path.startsWith(root);
  }
  if (src.ref.kind !== 'remote' || destRef.kind !== 'remote') return false;
  const a = src.ref;
  const sameAccount = a.host.toLowerCase() === destRef.host.toLowerCase() && a.port === destRef.port && a.user === destRef.user;
  const prefix = afterServer(dest);
  return sameAccount && prefix !== '' && afterServer(src.name).startsWith(prefix);
}

/**
 * The source hierarchy: c-client's LIST with reference SOURCE and pattern "*". Locally that is
 * every name starting with SOURCE (listLocal); on a server, LIST with the text after `}` as the
 * reference. INBOX is its own one-mailbox hierarchy.
 */
interface SourceListing {
  readonly delimiter: string;
  readonly listed: Listed[];
  readonly skipped: { source: string; reason: string }[];
}

async function listSource(source: string, names: NameContext, ctx: StoreContext): Promise<SourceListing> {
  const ref = resolveName(source, names, 'open');
  if (ref.kind === 'remote') {
    const listing = await listRemote(ref, afterServer(source), '*', ctx);
    const listed = listing.entries.map((e): Listed => ({
      name: `${serverPart(source)}${e.name}`, ref: e.ref satisfies RemoteRef, selectable: e.selectable,
    }));
    return { delimiter: listing.delimiter, listed, skipped: [] };
  }
  if (ref.isInbox) return { delimiter: '/', listed: [{ name: ref.name, ref, selectable: true }], skipped: [] };
  const listed: Listed[] = [];
  const skipped: { source: string; reason: string }[] = [];
  for (const e of await listLocal(ref, ctx)) {
    if (e.kind === 'unknown-file') skipped.push({ source: e.name, reason: 'not a mailbox in any format mailsmith reads' });
    else listed.push({ name: e.name, ref: e.ref, selectable: e.selectable, format: e.format });
  }
  return { delimiter: '/', listed, skipped };
}
