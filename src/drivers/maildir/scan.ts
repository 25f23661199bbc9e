// What a Maildir folder holds right now: the files of new/ and cur/ joined
// with dovecot-uidlist by base name, in UID order. Files the uidlist does not
// list get the UIDs Dovecot's next sync would give them (in its order, from
// its next UID), in memory only.
import fs from 'node:fs';
import path from 'node:path';
import { findAscending } from '../shared/find-ascending.js';
import { baseOf, dovecotOrder, infoOf, KEYWORD_LETTERS } from './filename.js';
import { KeywordTable, readKeywords } from './keywords.js';
import { readUidlist, type UidlistDamage, type UidlistHeader } from './uidlist.js';

/** The messages of a folder in UID order: parallel arrays, as a folder can hold 100,000 files. */
export class MessageIndex {
  readonly uids: number[] = [];
  readonly bases: string[] = [];
  /** The current file name (base plus info). */
  readonly names: string[] = [];
  /** 1: the file is in new/ (\Recent); 0: in cur/. */
  readonly inNew: number[] = [];
  /** 1: dovecot-uidlist lists the UID; 0: numbered in memory only. */
  readonly listed: number[] = [];

  get count(): number {
    return this.uids.length;
  }

  push(uid: number, base: string, name: string, inNew: boolean, listed: boolean): void {
    this.uids.push(uid);
    this.bases.push(base);
    this.names.push(name);
    this.inNew.push(inNew ? 1 : 0);
    this.listed.push(listed ? 1 : 0);
  }

  /** Position of a UID (binary search), or -1. */
  find(uid: number): number {
    return findAscending(this.uids, this.uids.length, uid);
  }

  path(dir: string, i: number): string {
    return path.join(dir, this.inNew[i] ? 'new' : 'cur', this.names[i]!);
  }
}

export interface FolderState {
  /** The uidlist's header; undefined when there is none (or it is unusable). */
  readonly header?: UidlistHeader;
  readonly damage?: UidlistDamage;
  /** The uidlist ends inside a line. */
  readonly partial: boolean;
  readonly highestListed: number;
  /** The UID the next new message gets (after the in-memory numbering). */
  readonly nextUid: number;
  readonly index: MessageIndex;
  readonly keywords: KeywordTable;
  /** mtime (whole seconds) of dovecot-keywords, 0 when missing. */
  readonly keywordsMtime: number;
  /** Letters used in names that dovecot-keywords does not name (now named unknown-N in memory). */
  readonly unnamedLetters: boolean;
}

interface FileEntry {
  readonly name: string;
  readonly inNew: boolean;
}

/**
 * Lists new/ (first, as Dovecot scans it) and cur/: every entry that is not a directory and
 * does not start with '.', by base. A base found twice keeps its first file; the other is
 * named in a warning.
 */
export function listFiles(dir: string, warn: (text: string) => void): { files: Map<string, FileEntry>; letters: number } {
  const files = new Map<string, FileEntry>();
  let letters = 0;
  for (const sub of ['new', 'cur'] as const) {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const name = entry.name;
      if (name.startsWith('.') || entry.isDirectory()) continue;
      const base = baseOf(name);
      const seen = files.get(base);
      if (seen) {
        warn(`${dir}: two files for one message, ${seen.inNew ? 'new' : 'cur'}/${seen.name} and ${sub}/${name}: reading the first`);
        continue;
      }
      files.set(base, { name, inNew: sub === 'new' });
      if (name.length > base.length) letters |= infoOf(name).keywordMask;
    }
  }
  return { files, letters: letters >>> 0 };
}

/**
 * Reads the folder: uidlist (stopping at damage, which the caller reports), keywords and both
 * directories. `keep` gives an unlisted file the UID a session already gave it, when that UID
 * is still above every listed one, so that a session's UIDs hold; the other unlisted files
 * are numbered after them.
 */
export function scanFolder(dir: string, warn: (text: string) => void, keep?: (base: string) => number | undefined): FolderState {
  const { files, letters } = listFiles(dir, warn);
  const index = new MessageIndex();
  const summary = readUidlist(dir, (r) => {
    const file = files.get(r.base);
    if (!file) return; // expunged: Dovecot drops the line when it next rewrites the file
    files.delete(r.base);
    // the same base, taken from the name the index keeps anyway: r.base would keep its uidlist line's string
    index.push(r.uid, baseOf(file.name), file.name, file.inNew, true);
  });
  const first = Math.max(summary.header?.nextUid ?? 1, summary.highestUid + 1);
  const kept: { uid: number; f: FileEntry }[] = [];
  const others: FileEntry[] = [];
  for (const f of files.values()) {
    const wanted = keep?.(baseOf(f.name));
    if (wanted !== undefined && wanted >= first) kept.push({ uid: wanted, f });
    else others.push(f);
  }
  let nextUid = kept.reduce((n, k) => Math.max(n, k.uid + 1), first);
  const numbered = [...kept, ...others.sort((a, b) => dovecotOrder(a.name, b.name)).map((f) => ({ uid: nextUid++, f }))];
  for (const { uid, f } of numbered.sort((a, b) => a.uid - b.uid)) index.push(uid, baseOf(f.name), f.name, f.inNew, false);
  const { table, mtime } = readKeywords(dir);
  let unnamedLetters = false;
  for (let i = 0; i < KEYWORD_LETTERS; i++) {
    if ((letters & (1 << i)) !== 0 && table.nameUnknown(i)) unnamedLetters = true;
  }
  return {
    ...(summary.header ? { header: summary.header } : {}),
    ...(summary.damage ? { damage: summary.damage } : {}),
    partial: summary.partial,
    highestListed: summary.highestUid,
    nextUid,
    index,
    keywords: table,
    keywordsMtime: mtime,
    unnamedLetters,
  };
}

/** The current file of a message whose name changed since the folder was read (new/ first). */
export function locate(dir: string, base: string): FileEntry | undefined {
  for (const sub of ['new', 'cur'] as const) {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(dir, sub));
    } catch {
      continue;
    }
    const name = names.find((n) => n === base || n.startsWith(`${base}:`));
    if (name) return { name, inNew: sub === 'new' };
  }
  return undefined;
}
