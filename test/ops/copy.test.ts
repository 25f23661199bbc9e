// The copy engine's promises: what a copy keeps, and that a failed or refused
// copy leaves the source untouched and no half-made destination behind; a move
// removes exactly the messages it copied.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptMailbox, LossyCopy } from '../../src/errors.js';
import { copyMailbox } from '../../src/ops/copy.js';
import { createMailbox, makeStoreContext, openMailbox } from '../../src/store/index.js';
import type { FormatName, LocalRef, MessageRecord, StoreContext } from '../../src/store/types.js';
import { sharedDir } from '../helpers/paths.js';
import { localRef } from '../helpers/store.js';

const golden = path.join(sharedDir(), 'corpus', 'golden');
let home: string;
let ctx: StoreContext;
let warnings: string[];

function ref(name: string, createFormat?: FormatName): LocalRef {
  return localRef(home, name, createFormat ? { createFormat } : {});
}

async function readAll(name: string): Promise<{ meta: { uidValidity: number; uidLast: number; keywords: readonly string[] }; messages: (Omit<MessageRecord, 'text' | 'position' | 'seq'> & { text: Buffer })[] }> {
  const box = await openMailbox(ref(name), 'read', ctx);
  try {
    const messages = [];
    for await (const m of box.messages()) {
      messages.push({ uid: m.uid, internalDate: m.internalDate, flags: m.flags, keywords: m.keywords, recent: m.recent, size: m.size, text: await m.text() });
    }
    return { meta: box.meta, messages };
  } finally {
    await box.close();
  }
}

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-copy-'));
  warnings = [];
  ctx = makeStoreContext({ warn: (t) => warnings.push(t), lockTimeoutMs: 1000 });
  fs.copyFileSync(path.join(golden, 'source.mbox'), path.join(home, 'source'));
  fs.copyFileSync(path.join(golden, 'mbx'), path.join(home, 'mbx'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('copy', () => {
  it.each(['mbx', 'unix'] as const)('into a new %s mailbox keeps texts, dates, flags, keywords, UID validity and UIDs', async (format) => {
    const result = await copyMailbox(ref('source'), ref('out', format), ctx, { mode: 'copy' });
    expect(result).toMatchObject({ copied: 14, created: true, uidsKept: true, destinationFormat: format });
    const src = await readAll('source');
    const out = await readAll('out');
    expect(out.meta.uidValidity).toBe(src.meta.uidValidity);
    expect(out.meta.keywords).toEqual(src.meta.keywords);
    expect(out.messages.map((m) => m.uid)).toEqual(src.messages.map((m) => m.uid));
    expect(out.messages.map((m) => [m.internalDate, m.flags, m.keywords])).toEqual(
      src.messages.map((m) => [m.internalDate, m.flags, m.keywords]),
    );
    if (format === 'mbx') expect(out.messages.map((m) => m.text)).toEqual(src.messages.map((m) => m.text));
  });

  it('without keywords (--ignore-keywords) defines and sets none', async () => {
    await copyMailbox(ref('source'), ref('out', 'mbx'), ctx, { mode: 'copy', keywords: false });
    const out = await readAll('out');
    expect(out.meta.keywords).toEqual([]);
    expect(out.messages.every((m) => m.keywords.length === 0)).toBe(true);
  });

  it('that fails half-way removes the destination it made and leaves the source as it was', async () => {
    const bytes = fs.readFileSync(path.join(home, 'mbx'));
    // damage the fifth message's header line: the first four copy, then the read fails
    let at = 2048;
    for (let i = 0; i < 4; i++) {
      const eol = bytes.indexOf('\r\n', at);
      const size = Number(/,(\d+);/.exec(bytes.subarray(at, eol).toString('latin1'))![1]);
      at = eol + 2 + size;
    }
    bytes[bytes.indexOf(',', at)] = 0x20;
    fs.writeFileSync(path.join(home, 'damaged'), bytes);
    const err = await copyMailbox(ref('damaged'), ref('out', 'mbx'), ctx, { mode: 'move' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptMailbox);
    expect(fs.existsSync(path.join(home, 'out'))).toBe(false);
    expect(fs.readFileSync(path.join(home, 'damaged')).equals(bytes)).toBe(true);
  });

  it('--strict refuses, before writing, what the destination format cannot hold', async () => {
    const box = path.join(home, 'crbox');
    await createMailbox(ref('crbox', 'mbx'), ctx);
    const mb = await openMailbox(ref('crbox'), 'write', ctx);
    await mb.append((async function* () {
      yield { text: Buffer.from('Subject: bare\r\n\r\nline with a bare\rCR\r\n'), internalDate: { ms: 0, zone: 0 }, flags: [], keywords: [] };
    })());
    await mb.close();
    const before = fs.readFileSync(box);
    const err = await copyMailbox(ref('crbox'), ref('out', 'unix'), ctx, { mode: 'move', strict: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LossyCopy);
    expect(fs.existsSync(path.join(home, 'out'))).toBe(false);
    expect(fs.readFileSync(box).equals(before)).toBe(true);
    // without --strict the copy goes ahead and names the loss
    const ok = await copyMailbox(ref('crbox'), ref('out', 'unix'), ctx, { mode: 'copy' });
    expect(ok.losses).toEqual([{ kind: 'bare-cr', detail: expect.any(String), messages: 1 }]);
  });

  it('refuses to copy a mailbox onto itself', async () => {
    await expect(copyMailbox(ref('mbx'), ref('mbx'), ctx, { mode: 'appenddelete' })).rejects.toThrow(/same mailbox/);
  });
});

describe('move', () => {
  it('removes from the source only the messages it copied, not mail that arrived meanwhile', async () => {
    const late = 'From late@example.org Sat Jan  6 10:00:00 2024 +0000\nSubject: arrived during the move\n\nhello\n';
    let appended = false;
    const result = await copyMailbox(ref('source'), ref('out', 'mbx'), ctx, {
      mode: 'move',
      onProgress: () => {
        if (!appended) {
          appended = true;
          fs.appendFileSync(path.join(home, 'source'), `\n${late}`);
        }
      },
    });
    expect(result).toMatchObject({ copied: 14, removedFromSource: 14 });
    const left = await readAll('source');
    expect(left.messages).toHaveLength(1);
    expect(left.messages[0]!.text.toString('latin1')).toContain('arrived during the move');
    expect((await readAll('out')).messages).toHaveLength(14);
  });
});
