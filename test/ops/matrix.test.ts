// The copy matrix: the same corpus (../shared/corpus/real plus the golden edge
// cases) copied through every ordered pair of writable formats. Whatever the
// destination can hold must arrive intact (text, internal date, flags,
// keywords, UIDs); whatever it cannot hold must be reported by the copy.
process.env.TZ = 'UTC';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyMailbox, type CopyResult } from '../../src/ops/copy.js';
import { availableFormats, createMailbox, driverFor, openMailbox } from '../../src/store/index.js';
import type { FormatCapabilities, FormatName, LocalRef, MailDate, NewMessage, StoreContext, SystemFlag } from '../../src/store/types.js';
import { sharedDir } from '../helpers/paths.js';
import { localRef, recordingContext } from '../helpers/store.js';
import { realMessages, toCrlf, withoutEnvelope } from '../interop/messages.js';

const WRITABLE = availableFormats().filter((f) => driverFor(f).capabilities.writable);
const KEYWORDS = ['work', '$Label1', 'Junk'];
/** Kinds of report that explain a message whose text differs after the copy. */
const TEXT_REPORTS = ['from-quoted', 'newline-added', 'header-renamed', 'header-nul', 'bare-cr'];

interface Seen {
  readonly uid: number;
  readonly date: MailDate;
  readonly flags: readonly SystemFlag[];
  readonly keywords: readonly string[];
  readonly text: Buffer;
}

let home: string;
let ctx: StoreContext;
let corpus: NewMessage[];

/** A reference that makes or names a mailbox of this format (MH folders live under the MH root). */
function refFor(format: FormatName, name: string): LocalRef {
  if (format === 'mh') return localRef(home, path.join('Mail', name), { mh: true, createFormat: 'mh' });
  return localRef(home, name, { createFormat: format });
}

async function readAll(ref: LocalRef): Promise<Seen[]> {
  const box = await openMailbox(ref, 'read', ctx);
  const out: Seen[] = [];
  try {
    for await (const m of box.messages()) {
      out.push({ uid: m.uid, date: m.internalDate, flags: [...m.flags].sort(), keywords: [...m.keywords].sort(), text: await m.text() });
    }
  } finally {
    await box.close();
  }
  return out;
}

/** The golden edge cases (NUL, no final newline, CRLF, From lines, ...) as c-client reads them, then the real corpus. */
async function buildCorpus(): Promise<NewMessage[]> {
  const golden = localRef(path.join(sharedDir(), 'corpus', 'golden'), 'source.mbox');
  const edge = await readAll(golden);
  const real = (await realMessages()).map((m) => toCrlf(withoutEnvelope(m.raw))).filter((t) => t.length > 0);
  const flagsets: SystemFlag[][] = [[], ['\\Seen'], ['\\Seen', '\\Answered'], ['\\Flagged', '\\Draft'], ['\\Deleted', '\\Seen']];
  const zones = [0, -480, 60, 330, -300];
  return [...edge.map((m) => m.text), ...real].map((text, i) => ({
    text,
    internalDate: { ms: Date.UTC(2001 + (i % 20), i % 12, 1 + (i % 27), i % 24, (i * 7) % 60, (i * 13) % 60) - zones[i % 5]! * 60_000, zone: zones[i % 5]! },
    flags: flagsets[i % flagsets.length]!,
    keywords: KEYWORDS.filter((_, k) => (i >> k) & 1),
    uid: 10 + i * 3,
  }));
}

/** A source mailbox of each format, holding the corpus as that format keeps it. */
async function makeSource(format: FormatName): Promise<LocalRef> {
  const ref = refFor(format, `src-${format}`);
  await createMailbox(ref, ctx, { meta: { uidValidity: 1700000000, uidLast: 9, keywords: KEYWORDS } });
  const box = await openMailbox(ref, 'write', ctx);
  try {
    await box.append((async function* () {
      yield* corpus;
    })(), { keepUids: true });
  } finally {
    await box.close();
  }
  return ref;
}

function reported(result: CopyResult, kinds: readonly string[]): number {
  return [...result.losses, ...result.changes].filter((r) => kinds.includes(r.kind)).reduce((n, r) => n + r.messages, 0);
}

function lostDetails(result: CopyResult, kind: string): string[] {
  return result.losses.filter((l) => l.kind === kind).map((l) => l.detail);
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'matrix-'));
  fs.writeFileSync(path.join(home, '.mh_profile'), 'Path: Mail\n');
  ctx = recordingContext().ctx;
  corpus = await buildCorpus();
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe.each(WRITABLE)('from %s', (from) => {
  let source: LocalRef;
  let original: Seen[];
  beforeAll(async () => {
    source = await makeSource(from);
    original = await readAll(source);
  });

  it.each(WRITABLE)(`to %s: what the destination holds arrives intact, what it cannot is reported`, async (to) => {
    const src: FormatCapabilities = driverFor(from).capabilities;
    const dst: FormatCapabilities = driverFor(to).capabilities;
    const target = refFor(to, `copy-${from}-to-${to}`);
    const result = await copyMailbox(source, target, ctx, { mode: 'copy' });
    const copied = await readAll(target);
    expect(copied.length).toBe(original.length);

    const inferred = dst.inferredFlags ?? [];
    const heldFlags = (f: readonly SystemFlag[]): SystemFlag[] =>
      [...new Set([...f.filter((x) => dst.flags.includes(x)), ...inferred])].sort();
    expect(copied.map((m) => m.flags)).toEqual(original.map((m) => heldFlags(m.flags)));
    for (const flag of src.flags.filter((f) => !dst.flags.includes(f))) {
      if (original.some((m) => m.flags.includes(flag))) expect(lostDetails(result, 'flag')).toContain(flag);
    }

    if (dst.keywords) expect(copied.map((m) => m.keywords)).toEqual(original.map((m) => m.keywords));
    else {
      expect(copied.every((m) => m.keywords.length === 0)).toBe(true);
      const used = new Set(original.flatMap((m) => m.keywords));
      for (const k of used) expect(lostDetails(result, 'keyword')).toContain(k);
    }

    if (src.uids && dst.uids) expect(copied.map((m) => m.uid)).toEqual(original.map((m) => m.uid));
    else if (src.uids) expect(result.losses.some((l) => l.kind === 'uid')).toBe(true);

    expect(copied.map((m) => m.date.ms)).toEqual(original.map((m) => m.date.ms));
    if (src.dateZone && dst.dateZone) expect(copied.map((m) => m.date.zone)).toEqual(original.map((m) => m.date.zone));
    else if (src.dateZone && original.some((m) => m.date.zone !== 0)) expect(result.losses.some((l) => l.kind === 'date-zone')).toBe(true);

    const changedTexts = copied.filter((m, i) => !m.text.equals(original[i]!.text)).length;
    expect(changedTexts).toBeLessThanOrEqual(reported(result, TEXT_REPORTS));
  });
});
