// Writing what repair-mbx salvaged: the repaired mailbox and the badmsg files. Message
// texts are copied from the original file in large pieces (consecutive untouched
// messages as one range), through one buffer that is written in few, big writes;
// only header lines that change are written anew. Nothing here is flushed: the caller
// syncs each file once, when it is complete.
import { ioError } from '../errors.js';
import { readFully, writeBehind } from '../io/fd.js';
import { mbxRepairKit, type MbxSurvey } from '../drivers/mbx/index.js';
import type { RepairPlan } from './repair-plan.js';

/** Bytes gathered before a write. */
const BUFFER_SIZE = 4 << 20;

/** Appends to a file through one buffer; copies of the source go straight into it. */
class Output {
  private readonly buf = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  /** File offset of buf[0]. */
  private at = 0;
  /** A copy of the source not made yet, extended while the next copy continues it. */
  private pending: { from: number; to: number } | undefined;

  constructor(private readonly src: number, private readonly dst: number, private readonly what: string) {}

  get written(): number {
    return this.at + this.used + (this.pending ? this.pending.to - this.pending.from : 0);
  }

  async put(bytes: Buffer | string): Promise<void> {
    await this.copyPending();
    const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
    if (this.used + b.length > this.buf.length) await this.flush();
    if (b.length > this.buf.length) {
      await this.write(b, b.length);
      return;
    }
    this.used += b.copy(this.buf, this.used);
  }

  /** Copies [from, from + length) of the source. */
  async copy(from: number, length: number): Promise<void> {
    if (length === 0) return;
    if (this.pending && this.pending.to === from) {
      this.pending.to += length;
      return;
    }
    await this.copyPending();
    this.pending = { from, to: from + length };
  }

  async finish(): Promise<number> {
    await this.copyPending();
    await this.flush();
    return this.at;
  }

  private async copyPending(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    for (let pos = p.from; pos < p.to;) {
      if (this.used === this.buf.length) await this.flush();
      const n = Math.min(this.buf.length - this.used, p.to - pos);
      const got = await readFully(this.src, this.buf, this.used, n, pos);
      if (got < n) throw ioError(new Error(`the mailbox file ended at ${pos + got} while being read`), `can't write ${this.what}`);
      this.used += n;
      pos += n;
    }
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.write(this.buf, this.used);
    this.used = 0;
  }

  private async write(b: Buffer, n: number): Promise<void> {
    try {
      await writeBehind(this.dst, b, 0, n, this.at);
    } catch (e) {
      throw ioError(e, `can't write ${this.what}`);
    }
    this.at += n;
  }
}

/** Writes the repaired mailbox into dst; returns its size. */
export async function writeRepaired(
  src: number, dst: number, survey: MbxSurvey, plan: RepairPlan, what: string, onMessage?: (done: number) => void,
): Promise<number> {
  const out = new Output(src, dst, what);
  const { messages } = survey;
  await out.put(mbxRepairKit.headerBytes(plan.header));
  let done = 0;
  for (const i of plan.order) {
    const offset = messages.offset(i);
    const textStart = offset + messages.lineLength(i);
    const line = plan.lines.get(i);
    if (line) {
      const dateText = line.dateText ?? (await readDateText(src, offset));
      await out.put(mbxRepairKit.entryLine(dateText, line.size, line.keywords, line.status, line.uid));
      await out.copy(textStart, messages.size(i));
    } else {
      await out.copy(offset, messages.lineLength(i) + messages.size(i));
    }
    if ((++done & 1023) === 0) onMessage?.(done);
  }
  return out.finish();
}

/** Copies [offset, offset + length) of src into dst (a badmsg file). */
export async function writeRange(src: number, dst: number, offset: number, length: number, what: string): Promise<void> {
  const out = new Output(src, dst, what);
  await out.copy(offset, length);
  await out.finish();
}

/** The 26-byte date of a sound header line, as it stands. */
async function readDateText(fd: number, offset: number): Promise<string> {
  const b = Buffer.alloc(26);
  await readFully(fd, b, 0, 26, offset);
  return b.toString('latin1');
}
