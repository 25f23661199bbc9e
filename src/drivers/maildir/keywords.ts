// dovecot-keywords (formats-dir.md 6.5): one "<index> <name>" line per keyword,
// index 0-25 being the letter 'a' + index in file names. The file is per
// folder; Dovecot replaces it (temporary file, rename) while it holds the
// dovecot-uidlist lock, and notices a change by its mtime in whole seconds.
import fs from 'node:fs';
import path from 'node:path';
import { isValidKeyword } from '../../mail/flags.js';
import { KEYWORD_LETTERS } from './filename.js';

export const KEYWORDS_FILE = 'dovecot-keywords';

/** A keyword Dovecot's file and an IMAP client can both carry: an IMAP atom in ASCII. */
export function storableKeyword(name: string): boolean {
  return isValidKeyword(name) && /^[\x21-\x7e]+$/.test(name);
}

/** Keyword names by letter index; a name is looked up ignoring ASCII case, as Dovecot does. */
export class KeywordTable {
  private readonly names: (string | undefined)[] = [];

  /** Parses the file as Dovecot does: lines without a space, indexes out of 0-25 and empty names are skipped. */
  static parse(text: string): KeywordTable {
    const table = new KeywordTable();
    for (let line of text.split('\n')) {
      if (line.endsWith('\r')) line = line.slice(0, -1);
      const space = line.indexOf(' ');
      if (space < 0) continue;
      // atoi: no digits reads as 0
      const parsed = parseInt(line.slice(0, space), 10);
      const index = Number.isNaN(parsed) ? 0 : parsed;
      const name = line.slice(space + 1);
      if (index < 0 || index >= KEYWORD_LETTERS || name === '') continue;
      table.names[index] = name;
    }
    return table;
  }

  static of(names: readonly string[]): KeywordTable {
    const table = new KeywordTable();
    for (const name of names) if (storableKeyword(name)) table.add(name);
    return table;
  }

  nameAt(index: number): string | undefined {
    return this.names[index];
  }

  indexOf(name: string): number {
    const lower = asciiLower(name);
    for (let i = 0; i < KEYWORD_LETTERS; i++) {
      const n = this.names[i];
      if (n !== undefined && asciiLower(n) === lower) return i;
    }
    return -1;
  }

  /** The index of name, given the first free one when it is new; -1 when all 26 are taken. */
  add(name: string): number {
    const found = this.indexOf(name);
    if (found >= 0) return found;
    for (let i = 0; i < KEYWORD_LETTERS; i++) {
      if (this.names[i] === undefined) {
        this.names[i] = name;
        return i;
      }
    }
    return -1;
  }

  /**
   * A letter used in a file name that the file does not name: Dovecot calls it unknown-N
   * (adding "?" while that name is taken) and writes that entry. Returns whether one was added.
   */
  nameUnknown(index: number): boolean {
    if (this.names[index] !== undefined) return false;
    let name = `unknown-${index}`;
    while (this.indexOf(name) >= 0) name += '?';
    this.names[index] = name;
    return true;
  }

  /** The names in index order (the mailbox's keyword list). */
  list(): string[] {
    return this.names.filter((n): n is string => n !== undefined);
  }

  /** The names of the letters set in mask, in index order. */
  namesOf(mask: number): string[] {
    const out: string[] = [];
    for (let i = 0; mask !== 0 && i < KEYWORD_LETTERS; i++) {
      if ((mask & (1 << i)) !== 0) {
        const n = this.names[i];
        if (n !== undefined) out.push(n);
        mask &= ~(1 << i);
      }
    }
    return out;
  }

  serialize(): Buffer {
    let s = '';
    for (let i = 0; i < KEYWORD_LETTERS; i++) if (this.names[i] !== undefined) s += `${i} ${this.names[i]}\n`;
    return Buffer.from(s, 'utf8');
  }

  clone(): KeywordTable {
    const copy = new KeywordTable();
    copy.names.push(...this.names);
    return copy;
  }
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** The folder's table and the file's mtime (whole seconds; 0 when there is no file). */
export function readKeywords(dir: string): { table: KeywordTable; mtime: number } {
  const file = path.join(dir, KEYWORDS_FILE);
  let text: string;
  let mtime: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    mtime = Math.floor(fs.statSync(file).mtimeMs / 1000);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { table: new KeywordTable(), mtime: 0 };
    throw e;
  }
  return { table: KeywordTable.parse(text), mtime };
}

/**
 * Replaces the file as Dovecot does (the caller holds the dovecot-uidlist lock): written to
 * dovecot-keywords.lock, flushed, given an mtime later than the one readers last saw (they
 * compare whole seconds), and renamed over the file.
 */
export function writeKeywords(dir: string, table: KeywordTable, previousMtime: number, mode: number): number {
  const file = path.join(dir, KEYWORDS_FILE);
  const temp = `${file}.lock`;
  fs.rmSync(temp, { force: true });
  const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  let mtime: number;
  try {
    const bytes = table.serialize();
    fs.writeSync(fd, bytes, 0, bytes.length, 0);
    mtime = Math.floor(fs.fstatSync(fd).mtimeMs / 1000);
    if (mtime <= previousMtime) {
      mtime = previousMtime + 1;
      fs.futimesSync(fd, mtime, mtime);
    }
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(temp, file);
  return mtime;
}
