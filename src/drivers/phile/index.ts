// phile: c-client's last resort for a non-empty file no other format claims.
// It reads the file as one message, read-only (formats-flat.md 7).
import fs from 'node:fs';
import { NotAMailbox, ReadOnlyMailbox, ioError } from '../../errors.js';
import { currentLocalZone } from '../../mail/dates.js';
import type {
  AppendResult, Driver, LocalRef, Mailbox, MailboxMeta, MessageRecord, StoreContext,
} from '../../store/types.js';
import { phileText } from './message.js';
import { ownerName } from './owner.js';

class PhileMailbox implements Mailbox {
  readonly format = 'phile';
  readonly writable = false;
  readonly meta: MailboxMeta;
  readonly byteSize: number;
  private readonly record: MessageRecord;

  constructor(readonly ref: LocalRef, text: Buffer, mtime: Date, fileSize: number) {
    const mtimeSeconds = Math.floor(mtime.getTime() / 1000);
    this.meta = { uidValidity: mtimeSeconds, uidLast: 1, keywords: [] };
    this.byteSize = fileSize;
    this.record = {
      seq: 1, uid: 1, internalDate: { ms: mtimeSeconds * 1000, zone: currentLocalZone(mtime) },
      flags: [], keywords: [], recent: true, size: text.length, position: fileSize,
      text: async () => text,
    };
  }

  async *messages(): AsyncIterable<MessageRecord> {
    yield this.record;
  }

  async append(): Promise<AppendResult> {
    throw new NotAMailbox(this.ref.name, `Can't append - not in valid mailbox format: ${this.ref.path}`);
  }

  async store(): Promise<void> {
    throw new ReadOnlyMailbox(this.ref.name, `${this.ref.name} is a plain file read as one message; it cannot be changed`);
  }

  async expunge(): Promise<number> {
    throw new ReadOnlyMailbox(this.ref.name, `Expunge ignored on readonly mailbox ${this.ref.name}`);
  }

  async close(): Promise<void> {}
}

function notWritable(ref: LocalRef): never {
  throw new NotAMailbox(ref.name, `phile is read-only: ${ref.name} is a plain file, not a mailbox`);
}

export const phileDriver: Driver = {
  format: 'phile',
  kind: 'file',
  capabilities: { keywords: false, uids: false, flags: [], dateZone: true, writable: false },

  // reached only after every other flat format said no, for a non-empty regular file
  async probe(path: string): Promise<boolean> {
    try {
      const st = fs.statSync(path);
      return st.isFile() && st.size > 0;
    } catch {
      return false;
    }
  },

  async create(ref: LocalRef): Promise<void> {
    notWritable(ref);
  },

  async delete(ref: LocalRef): Promise<void> {
    try {
      fs.unlinkSync(ref.path);
    } catch (e) {
      throw ioError(e, `can't delete ${ref.name}`);
    }
  },

  async rename(from: LocalRef, to: LocalRef): Promise<void> {
    try {
      fs.renameSync(from.path, to.path);
    } catch (e) {
      throw ioError(e, `can't rename ${from.name} to ${to.name}`);
    }
  },

  async open(ref: LocalRef, mode, ctx: StoreContext): Promise<Mailbox> {
    let data: Buffer;
    let st: fs.Stats;
    try {
      st = fs.statSync(ref.path);
      data = fs.readFileSync(ref.path);
    } catch (e) {
      throw ioError(e, `Unable to open file ${ref.name}`);
    }
    if (mode === 'write') ctx.warn(`${ref.name} is a plain file read as one message, read-only: it will not be changed`);
    const text = phileText({
      data, path: ref.path, owner: ownerName(st.uid), host: ctx.host, mtimeMs: Math.floor(st.mtimeMs / 1000) * 1000,
      zone: currentLocalZone(st.mtime),
    });
    return new PhileMailbox(ref, text, st.mtime, st.size);
  },
};
