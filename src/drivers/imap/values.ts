// Reading what imapflow's parser makes of a response: response codes and
// text of status lines, strings, lists, and the items of a FETCH.
import type { ImapNode, ParsedResponse } from './client.js';

export interface ResponseCode {
  readonly name: string;
  /** Atoms as strings, parenthesized lists as arrays of strings. */
  readonly args: readonly (string | string[])[];
}

/** A string, atom, number or literal as text ('' for NIL); a literal is read as UTF-8. */
export function text(node: ImapNode | undefined): string {
  if (node === null || node === undefined || Array.isArray(node)) return '';
  if (node.type === 'LITERAL') return node.value.toString('utf8');
  return String(node.value);
}

/** The items of a parenthesized list ([] for anything else). */
export function list(node: ImapNode | undefined): ImapNode[] {
  return Array.isArray(node) ? node : [];
}

/** The `[CODE args]` of a status response. */
export function codeOf(r: ParsedResponse): ResponseCode | undefined {
  const first = r.attributes?.[0];
  if (!first || Array.isArray(first) || first.type !== 'ATOM' || !first.section?.length) return undefined;
  const [name, ...args] = first.section;
  return { name: text(name).toUpperCase(), args: args.map((a) => (Array.isArray(a) ? a.map(text) : text(a))) };
}

/** The human-readable text of a status response. */
export function textOf(r: ParsedResponse): string {
  return (r.attributes ?? []).flatMap((a) => (a && !Array.isArray(a) && a.type === 'TEXT' ? [a.value] : [])).join(' ').trim();
}

/** A FETCH response's items by name: `UID`, `FLAGS`, `BODY[]`, `BODY[HEADER.FIELDS (MESSAGE-ID)]`. */
export type FetchItems = Map<string, ImapNode>;

export function fetchItems(r: ParsedResponse): FetchItems {
  const items = new Map<string, ImapNode>();
  const pairs = list(r.attributes?.[1]);
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const name = pairs[i];
    if (!name || Array.isArray(name) || name.type !== 'ATOM') continue;
    const key = name.section ? `${name.value}[${sectionText(name.section)}]` : name.value;
    items.set(key.toUpperCase(), pairs[i + 1]!);
  }
  return items;
}

function sectionText(nodes: readonly ImapNode[]): string {
  return nodes.map((n) => (Array.isArray(n) ? `(${sectionText(n)})` : text(n))).join(' ');
}

/** The bytes of a BODY[...] item (NIL: none). */
export function bytesOf(node: ImapNode | undefined): Buffer {
  if (node && !Array.isArray(node) && node.type === 'LITERAL') return node.value;
  return Buffer.from(text(node), 'utf8');
}

export const num = (node: ImapNode | undefined): number => Number(text(node));

/** A FLAGS value as strings. */
export function flagsOf(node: ImapNode | undefined): string[] {
  return list(node).map(text);
}
