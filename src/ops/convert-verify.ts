// Reading a converted mailbox back before it replaces the original: both are read side by
// side, message by message, and must agree on the count, every text (SHA-256), internal
// date, and the flags, keywords and UIDs as far as the new format keeps them.
import { createHash } from 'node:crypto';
import { MailsmithError } from '../errors.js';
import { capabilitiesOf, openMailbox } from '../store/index.js';
import type { FormatName, MailboxRef, MessageRecord, StoreContext } from '../store/types.js';

export interface VerifyExpectations {
  /** Keywords were carried (not --ignore-keywords). */
  readonly keywords: boolean;
  /**
   * Messages whose text the new format changed as documented (">From " quoting, a final
   * newline, a renamed header, a removed bare CR ...): their texts may differ, nothing else.
   */
  readonly alteredTexts: number;
}

export interface Verified {
  readonly messages: number;
  /** Messages whose text differs, all accounted for by documented changes. */
  readonly alteredTexts: number;
}

export class VerifyFailed extends MailsmithError {
  constructor(name: string, detail: string) {
    super('corrupt', `the converted copy of ${name} does not read back as the original (${detail}); the original was left as it was`);
  }
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export async function verifyConversion(
  original: MailboxRef, converted: MailboxRef, name: string, ctx: StoreContext, expect: VerifyExpectations,
): Promise<Verified> {
  const quiet: StoreContext = { ...ctx, warn: () => {}, note: () => {} };
  const a = await openMailbox(original, 'read', quiet);
  try {
    const b = await openMailbox(converted, 'read', quiet);
    try {
      const keep = kept(a.format, b.format, expect.keywords);
      const left = a.messages()[Symbol.asyncIterator]();
      const right = b.messages()[Symbol.asyncIterator]();
      let n = 0;
      let altered = 0;
      for (;;) {
        const [x, y] = await Promise.all([left.next(), right.next()]);
        if (x.done || y.done) {
          if (!x.done || !y.done) {
            throw new VerifyFailed(name, `${x.done ? 'more' : 'fewer'} messages than the original's after ${n}`);
          }
          break;
        }
        n++;
        const [tx, ty] = await Promise.all([x.value.text(), y.value.text()]);
        if (sha(tx) !== sha(ty) && ++altered > expect.alteredTexts) {
          throw new VerifyFailed(name, `the text of message ${n} differs`);
        }
        const problem = compare(x.value, y.value, keep);
        if (problem) throw new VerifyFailed(name, `message ${n}: ${problem}`);
      }
      return { messages: n, alteredTexts: altered };
    } finally {
      await b.close();
    }
  } finally {
    await a.close();
  }
}

interface Kept {
  readonly flags: ReadonlySet<string>;
  readonly inferred: ReadonlySet<string>;
  readonly keywords: boolean;
  readonly uids: boolean;
  readonly zone: boolean;
}

function kept(from: FormatName, to: FormatName, keywords: boolean): Kept {
  const src = capabilitiesOf(from);
  const dst = capabilitiesOf(to);
  return {
    flags: new Set(dst.flags.filter((f) => src.flags.includes(f))),
    inferred: new Set(dst.inferredFlags ?? []),
    keywords: keywords && src.keywords && dst.keywords,
    uids: src.uids && dst.uids,
    zone: src.dateZone && dst.dateZone,
  };
}

function compare(x: MessageRecord, y: MessageRecord, keep: Kept): string | undefined {
  const want = [...x.flags].filter((f) => keep.flags.has(f)).sort().join(' ');
  const got = [...y.flags].filter((f) => keep.flags.has(f) && !(keep.inferred.has(f) && !x.flags.includes(f))).sort().join(' ');
  if (want !== got) return `flags (${got || 'none'}) instead of (${want || 'none'})`;
  if (keep.keywords) {
    const kx = [...x.keywords].sort().join(' ');
    const ky = [...y.keywords].sort().join(' ');
    if (kx !== ky) return `keywords (${ky || 'none'}) instead of (${kx || 'none'})`;
  }
  if (keep.uids && x.uid !== y.uid) return `UID ${y.uid} instead of ${x.uid}`;
  if (Math.floor(x.internalDate.ms / 1000) !== Math.floor(y.internalDate.ms / 1000)) return 'internal date';
  if (keep.zone && x.internalDate.zone !== y.internalDate.zone) return 'internal date zone';
  return undefined;
}
