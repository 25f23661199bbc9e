// Search criteria, parsed once: evaluated per message by a local store, or
// handed to an IMAP server as UID SEARCH arguments.
import type { MessageRecord } from '../store/types.js';
import { evaluate, type IndexEntry, type LastMessage } from './evaluate.js';
import { describeSearch, toImapParts, toImapSearch, type ImapPart, type ImapSyntaxOptions } from './imap.js';
import { needsLast, readsText, type SearchKey } from './keys.js';
import { MessageView } from './message/view.js';
import { parseSearchKeys } from './parse.js';

export class SearchCriteria {
  /** Some key reads the message's header or body (else the index entry is enough). */
  readonly readsText: boolean;
  /** Some sequence set says `*`: evaluating needs the last message's number and UID. */
  readonly needsLast: boolean;

  constructor(readonly root: SearchKey & { kind: 'and' }) {
    this.readsText = readsText(root);
    this.needsLast = needsLast(root);
  }

  /** Parses command-line words (one word holding all the criteria, or many); SearchSyntaxError if they are wrong. */
  static parse(words: readonly string[]): SearchCriteria {
    return new SearchCriteria(parseSearchKeys(words));
  }

  /** What follows `UID SEARCH ` in an IMAP command for these criteria (literals inline). */
  toImap(options?: ImapSyntaxOptions): string {
    return toImapSearch(this.root, options);
  }

  /** toImap() as words and literals, for an IMAP session that sends literals itself. */
  toImapParts(): ImapPart[] {
    return toImapParts(this.root);
  }

  /** The criteria in IMAP's words, for people. */
  toString(): string {
    return describeSearch(this.root);
  }

  /** The verdict from the index entry alone; undefined when it depends on the text. */
  matchIndex(m: IndexEntry, last?: LastMessage): boolean | undefined {
    return evaluate(this.root, m, undefined, last);
  }

  /** The verdict with the message's text at hand. */
  matchView(m: IndexEntry, view: MessageView, last?: LastMessage): boolean {
    return evaluate(this.root, m, view, last)!;
  }

  /** Whether the message matches; its text is read only if the index entry cannot tell. */
  async matches(m: MessageRecord, last?: LastMessage): Promise<boolean> {
    return this.matchIndex(m, last) ?? this.matchView(m, new MessageView(await m.text()), last);
  }
}
