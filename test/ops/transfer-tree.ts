// A mail home with a hierarchy in mixed formats, for the transfer tests:
// nested directories, a mix mailbox holding a child mailbox ("dual use"), an
// empty plain directory, an empty file, and messages with flags, keywords,
// zoned internal dates and UIDs kept from the generator.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createMailbox, openMailbox } from '../../src/store/index.js';
import type { FormatName, MailboxMeta, MessageRecord, NewMessage, StoreContext } from '../../src/store/types.js';
import { iterate, sampleMessages } from '../helpers/remote.js';
import { localRef } from '../helpers/store.js';

export interface TreeBox {
  readonly name: string;
  readonly format: FormatName;
  readonly count: number;
}

/** Seven mailboxes in six formats under src/, parents before children. */
export const TREE: readonly TreeBox[] = [
  { name: 'src/plain', format: 'unix', count: 4 },
  { name: 'src/lists/mbxbox', format: 'mbx', count: 3 },
  { name: 'src/lists/deep/mixbox', format: 'mix', count: 3 },
  { name: 'src/lists/deep/mixbox/kid', format: 'mmdf', count: 2 },
  { name: 'src/mxbox', format: 'mx', count: 2 },
  { name: 'src/maildirbox', format: 'maildir', count: 3 },
  { name: 'src/tenexbox', format: 'tenex', count: 2 },
];
export const EMPTY_DIR = 'src/emptydir';
export const EMPTY_FILE = 'src/emptyfile';

/** Builds TREE (plus the empty directory and file) under `home`; returns the messages put in each mailbox. */
export async function buildTree(home: string, ctx: StoreContext, options: { utc?: boolean } = {}): Promise<Map<string, NewMessage[]>> {
  const out = new Map<string, NewMessage[]>();
  let offset = 0;
  for (const [k, box] of TREE.entries()) {
    const messages = await sampleMessages(box.count, { offset, utc: options.utc });
    offset += box.count;
    await putMailbox(home, box.name, box.format, messages, ctx, { uidValidity: 1_500_000_000 + k, uidLast: 0 });
    out.set(box.name, messages);
  }
  fs.mkdirSync(path.join(home, EMPTY_DIR), { recursive: true });
  fs.writeFileSync(path.join(home, EMPTY_FILE), '');
  return out;
}

export async function putMailbox(
  home: string, name: string, format: FormatName, messages: readonly NewMessage[], ctx: StoreContext, meta?: Partial<MailboxMeta>,
): Promise<void> {
  const ref = localRef(home, name, { createFormat: format });
  await createMailbox(ref, ctx, { format, meta });
  const box = await openMailbox(ref, 'write', ctx);
  try {
    await box.append(iterate(messages), { keepUids: true });
  } finally {
    await box.close();
  }
}

export type ReadMessage = Omit<MessageRecord, 'text' | 'position' | 'seq' | 'recent'> & { readonly text: Buffer };

export async function readBox(home: string, name: string, ctx: StoreContext): Promise<{ format: FormatName; meta: MailboxMeta; messages: ReadMessage[] }> {
  const box = await openMailbox(localRef(home, name), 'read', ctx);
  try {
    const messages: ReadMessage[] = [];
    for await (const m of box.messages()) {
      messages.push({ uid: m.uid, internalDate: m.internalDate, flags: m.flags, keywords: m.keywords, size: m.size, text: await m.text() });
    }
    return { format: box.format, meta: box.meta, messages };
  } finally {
    await box.close();
  }
}

/**
 * Every file under `dir` with its size and a hash of its bytes: what "changed nothing" compares.
 * (Not mtimes: probing puts a file's times back after reading it, as c-client does, and
 * utimes keeps only microseconds.)
 */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      const st = fs.statSync(p);
      const hash = e.isDirectory() ? 'dir' : createHash('sha1').update(fs.readFileSync(p)).digest('hex');
      out.push(`${path.relative(dir, p)} ${st.size} ${hash}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}
