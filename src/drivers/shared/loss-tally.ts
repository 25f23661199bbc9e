// What an append could not keep, counted per kind and detail (the losses of
// AppendResult); with --strict, the first loss is refused instead.
import { LossyCopy } from '../../errors.js';
import type { LossKind } from '../../store/types.js';

export class LossTally {
  readonly byKind = new Map<LossKind, Map<string, number>>();

  constructor(private readonly strict: boolean) {}

  /** `messages` messages lost `detail`; strictly, LossyCopy(refusal) is thrown instead. */
  lose(kind: LossKind, detail: string, refusal: string, messages = 1): void {
    if (this.strict) throw new LossyCopy(refusal);
    let perDetail = this.byKind.get(kind);
    if (!perDetail) this.byKind.set(kind, (perDetail = new Map()));
    perDetail.set(detail, (perDetail.get(detail) ?? 0) + messages);
  }
}

/** The refusal text of the drivers that name the format and what it cannot hold. */
export function cannotHold(mailbox: string, format: string, what: string): string {
  return `--strict: ${mailbox} (${format}) cannot hold ${what}; nothing was written`;
}
