// What an append needs besides writing: the destination's names for a
// message's keywords, the last-UID field of the pseudo-message, and the count
// of what the format could not keep (formats-flat.md 2.8, 3).
import type { AppendResult, ChangeKind, FormatName, LossKind } from '../../store/types.js';
import { cannotHold, LossTally } from '../shared/loss-tally.js';
import { findBaseLine, lastUidField } from './base-line.js';
import { readFully, writeFully } from '../../io/fd.js';
import { declareKeyword, findKeyword, storableKeyword, type KeywordSlots } from './keywords.js';
import type { RawMessage } from './scan.js';

/** The keywords of a message as the destination names them, in its bit order; new ones declared when possible. */
export function keywordsFor(names: readonly string[], slots: KeywordSlots, canDeclare: boolean, acc: AppendAccounting): string[] {
  const bits = new Set<number>();
  for (const name of names) {
    let slot = findKeyword(slots, name);
    if (slot < 0 && canDeclare && storableKeyword(name)) slot = declareKeyword(slots, name);
    if (slot < 0) acc.loss('keyword', name, `the keyword ${name}`);
    else bits.add(slot);
  }
  return [...bits].sort((a, b) => a - b).map((i) => slots[i]!);
}

/** Writes a higher last UID into the pseudo-message's fixed-width field, in place. */
export async function raiseLastUid(fd: number, first: RawMessage, lastUid: number): Promise<void> {
  const line = findBaseLine(first);
  const at = line ? lastUidField(first, line) : undefined;
  if (at !== undefined) await writeFully(fd, Buffer.from(String(lastUid).padStart(10, '0'), 'latin1'), 0, 10, at);
}

/** True when the file's last byte is a LF. */
export async function endsWithLf(fd: number, size: number): Promise<boolean> {
  const b = Buffer.alloc(1);
  await readFully(fd, b, 0, 1, size - 1);
  return b[0] === 0x0a;
}

/** Counts what an append lost or changed; under strict, the first loss throws. */
export class AppendAccounting {
  appended = 0;
  private readonly losses: LossTally;
  private readonly changes = new Map<ChangeKind, number>();

  constructor(private readonly mailbox: string, private readonly format: FormatName, strict: boolean) {
    this.losses = new LossTally(strict);
  }

  /** One message lost what; counted under kind and detail. */
  loss(kind: LossKind, detail: string, what: string): void {
    this.losses.lose(kind, detail, cannotHold(this.mailbox, this.format, what));
  }

  change(kind: ChangeKind): void {
    this.changes.set(kind, (this.changes.get(kind) ?? 0) + 1);
  }

  result(uids: number[]): AppendResult {
    return { appended: this.appended, uids, losses: this.losses.byKind, changes: this.changes };
  }
}
