// Shared by the repair-mbx tests: reading sound mbx files independently of the code
// under test, and the bookkeeping that proves a repair lost nothing.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { RepairResult } from '../../src/ops/repair-mbx.js';

export interface Entry {
  /** File offset of the header line. */
  readonly offset: number;
  readonly line: string;
  readonly size: number;
  readonly uid: number;
  readonly status: number;
  readonly keywords: number;
  readonly date: string;
  readonly text: Buffer;
}

/** The messages of a sound mbx file (or of a part of one that starts and ends at message boundaries). */
export function parseEntries(buf: Buffer, from = 2048, to = buf.length): Entry[] {
  const out: Entry[] = [];
  let pos = from;
  while (pos < to) {
    const cr = buf.indexOf('\r\n', pos);
    const line = buf.toString('latin1', pos, cr);
    const m = /^(.{26}),(\d+);([0-9a-f]{8})([0-9a-f]{4})-([0-9a-f]{8})$/.exec(line);
    if (!m) throw new Error(`no mbx header line at ${pos}: ${JSON.stringify(line.slice(0, 70))}`);
    const size = Number(m[2]);
    const textStart = cr + 2;
    if (textStart + size > to) throw new Error(`the message at ${pos} runs past ${to}`);
    out.push({
      offset: pos, line, size, date: m[1]!, keywords: parseInt(m[3]!, 16), status: parseInt(m[4]!, 16), uid: parseInt(m[5]!, 16),
      text: buf.subarray(textStart, textStart + size),
    });
    pos = textStart + size;
  }
  return out;
}

/** The header block's UID validity, last UID and keyword names. */
export function parseHeaderBlock(buf: Buffer): { uidValidity: number; uidLast: number; keywords: string[] } {
  expect(buf.toString('latin1', 0, 7)).toBe('*mbx*\r\n');
  const keywords: string[] = [];
  let at = 25;
  for (;;) {
    const cr = buf.indexOf('\r\n', at);
    if (cr === at || cr < 0 || keywords.length === 30) break;
    keywords.push(buf.toString('latin1', at, cr));
    at = cr + 2;
  }
  return { uidValidity: parseInt(buf.toString('latin1', 7, 15), 16), uidLast: parseInt(buf.toString('latin1', 15, 23), 16), keywords };
}

/**
 * Every byte of the original is accounted for: the result's segments tile it; each badmsg
 * file holds exactly its bytes; the texts of the messages it kept are exactly the texts of the
 * repaired file (as a multiset: renumbered messages move). Returns the repaired file's entries.
 */
export function expectAccounted(original: Buffer, result: RepairResult, repaired: Buffer): Entry[] {
  let at = 0;
  const keptTexts: string[] = [];
  for (const s of result.segments) {
    expect(s.offset, `segment at ${s.offset}`).toBe(at);
    at += s.length;
    const bytes = original.subarray(s.offset, s.offset + s.length);
    switch (s.kind) {
      case 'badmsg':
        expect(fs.readFileSync(s.file!).equals(bytes), `${s.file} holds bytes ${s.offset}+${s.length}`).toBe(true);
        break;
      case 'messages':
        for (const e of parseEntries(original, s.offset, s.offset + s.length)) keptTexts.push(e.text.toString('latin1'));
        break;
      case 'message': {
        // only the header line is written anew: one line (its line end may be damaged), so that no text hides in it
        const line = original.subarray(s.offset, s.offset + s.lineLength!);
        expect(line.length, `the header line at ${s.offset} fits in c-client's 64 bytes`).toBeLessThanOrEqual(64);
        expect(line.subarray(0, -1).includes(0x0a), `the header line at ${s.offset} is one line`).toBe(false);
        keptTexts.push(original.toString('latin1', s.offset + s.lineLength!, s.offset + s.length));
        break;
      }
      case 'header': {
        // a sound header block stays: its UID validity and keywords as they were, its last UID never lower
        const was = parseHeaderBlock(original);
        const now = parseHeaderBlock(repaired);
        expect(now.uidValidity, 'the UID validity is kept').toBe(was.uidValidity);
        expect(now.keywords, 'the keywords are kept').toEqual(was.keywords);
        expect(now.uidLast).toBeGreaterThanOrEqual(was.uidLast);
        break;
      }
    }
  }
  expect(at).toBe(original.length);
  // no badmsg file but those the segments name (and those holding what an append wrote during the repair)
  const named = result.segments.filter((s) => s.kind === 'badmsg').map((s) => path.basename(s.file!)).sort();
  const fromInput = result.badmsg.filter((b) => b.what !== 'late-append').map((b) => path.basename(b.file));
  const late = result.badmsg.filter((b) => b.what === 'late-append').map((b) => path.basename(b.file));
  const base = path.basename(result.path);
  const onDisk = fs.readdirSync(path.dirname(result.path)).filter((f) => f.startsWith(`${base}.badmsg.`) && !late.includes(f));
  expect(onDisk.sort(), 'the badmsg files on disk are the ones the segments name').toEqual(named);
  expect(fromInput.sort(), 'the result lists those badmsg files').toEqual(named);
  const entries = parseEntries(repaired);
  expect(entries.map((e) => e.text.toString('latin1')).sort()).toEqual(keptTexts.sort());
  return entries;
}
