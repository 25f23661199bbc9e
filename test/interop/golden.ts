// The golden mailboxes (../shared/corpus/golden) and what c-client reported
// for them (EXPECTED.json), and a comparison of any reader's dump with that.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { sharedDir } from '../helpers/paths.js';
import type { MailboxDump } from './dump.js';

export interface ExpectedMessage {
  readonly msgno: number;
  readonly uid: number;
  readonly internalDate: string;
  readonly flags: string[];
  readonly keywords: string[];
  readonly size: number;
  readonly sha256: string;
}

export interface ExpectedMailbox {
  readonly path: string;
  readonly driver: string;
  readonly check: string;
  readonly uidValidity: number;
  readonly uidLast: number;
  readonly keywords: string[];
  readonly count: number;
  readonly messages: ExpectedMessage[];
  /** mx and mh: each message file's mtime (its internal date), which a git checkout does not keep. */
  readonly fileMtimes?: Record<string, number>;
}

/** The golden mailboxes in the unix and mbx formats (what the unix and mbx drivers must read). */
export const UNIX_AND_MBX_GOLDENS = ['source.mbox', 'unix', 'unix-pruned', 'mbx', 'mbx-pruned'] as const;

export function goldenDir(): string {
  return path.join(sharedDir(), 'corpus', 'golden');
}

export async function loadExpected(): Promise<Record<string, ExpectedMailbox>> {
  const json = JSON.parse(await fsp.readFile(path.join(goldenDir(), 'EXPECTED.json'), 'utf8'));
  return json.mailboxes;
}

/** Every way the dump differs from EXPECTED.json's record, one line each. */
export function goldenDiffs(actual: MailboxDump, expected: ExpectedMailbox): string[] {
  const diffs: string[] = [];
  const same = (what: string, a: unknown, e: unknown): void => {
    if (JSON.stringify(a) !== JSON.stringify(e)) diffs.push(`${what}: ${JSON.stringify(a)}, expected ${JSON.stringify(e)}`);
  };
  same('UID validity', actual.meta.uidValidity, expected.uidValidity);
  same('last UID', actual.meta.uidLast, expected.uidLast);
  same('mailbox keywords', actual.meta.keywords, expected.keywords);
  same('message count', actual.messages.length, expected.count);
  expected.messages.forEach((e, i) => {
    const a = actual.messages[i];
    if (!a) return;
    const at = `message ${e.msgno} (UID ${e.uid})`;
    same(`${at} UID`, a.uid, e.uid);
    same(`${at} internal date`, a.internalDate, e.internalDate);
    same(`${at} flags`, [...a.flags].sort(), [...e.flags].sort());
    same(`${at} keywords`, [...a.keywords].sort(), [...e.keywords].sort());
    same(`${at} size`, a.size, e.size);
    same(`${at} text sha256`, createHash('sha256').update(a.text).digest('hex'), e.sha256);
  });
  return diffs;
}
