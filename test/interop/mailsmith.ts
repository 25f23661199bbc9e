// mailsmith's side of the interop tests: reading and writing mailboxes in an
// oracle home through the store API, and running the built CLI.
import fs from 'node:fs';
import path from 'node:path';
import { formatInternalDate } from '../../src/mail/dates.js';
import { createMailbox, makeStoreContext, openMailbox } from '../../src/store/index.js';
import type {
  AppendResult, FormatName, LocalRef, Mailbox, MailboxMeta, NewMessage, StoreContext,
} from '../../src/store/types.js';
import { projectRoot } from '../helpers/paths.js';
import { localRef as sharedLocalRef } from '../helpers/store.js';
import { run } from '../helpers/run.js';
import type { DumpMessage, MailboxDump } from './dump.js';
import type { OracleRun } from './oracle.js';

export function localRef(home: string, name: string, createFormat?: FormatName): LocalRef {
  return sharedLocalRef(home, name, createFormat ? { createFormat } : {});
}

/** A store context that collects warnings instead of printing them; `now` pins its clock. */
export function collectingContext(now?: Date): { ctx: StoreContext; warnings: string[] } {
  const warnings: string[] = [];
  return { ctx: makeStoreContext({ warn: (t) => warnings.push(t), ...(now ? { now: () => now } : {}) }), warnings };
}

export interface MailsmithMessage extends DumpMessage {
  readonly recent: boolean;
}

export interface MailsmithDump extends MailboxDump {
  readonly format: FormatName;
  readonly messages: readonly MailsmithMessage[];
  readonly warnings: readonly string[];
}

/**
 * Everything mailsmith reports about the mailbox, opened read-only. `now` pins the clock,
 * for mailboxes whose UID validity a reader takes from the clock.
 */
export async function readWithMailsmith(home: string, name: string, now?: Date): Promise<MailsmithDump> {
  const { ctx, warnings } = collectingContext(now);
  const mb = await openMailbox(localRef(home, name), 'read', ctx);
  try {
    const messages: MailsmithMessage[] = [];
    for await (const m of mb.messages()) {
      messages.push({
        uid: m.uid,
        internalDate: formatInternalDate(m.internalDate),
        flags: [...m.flags],
        keywords: [...m.keywords],
        size: m.size,
        text: await m.text(),
        recent: m.recent,
      });
    }
    // read after the scan: a read-only scan may give UID-less messages UIDs in memory
    const meta = { uidValidity: mb.meta.uidValidity, uidLast: mb.meta.uidLast, keywords: [...mb.meta.keywords] };
    return { format: mb.format, meta, messages, warnings };
  } finally {
    await mb.close();
  }
}

/** Creates the mailbox with mailsmith and appends the messages in one batch, keeping their UIDs. */
export async function writeWithMailsmith(
  home: string, name: string, format: FormatName, meta: Partial<MailboxMeta>, messages: readonly NewMessage[],
): Promise<{ result: AppendResult; warnings: string[] }> {
  const { ctx, warnings } = collectingContext();
  const ref = localRef(home, name, format);
  await createMailbox(ref, ctx, { format, meta });
  const mb = await openMailbox(ref, 'write', ctx);
  try {
    const result = await mb.append(iterate(messages), { keepUids: true });
    return { result, warnings };
  } finally {
    await mb.close();
  }
}

async function* iterate<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

/**
 * What append reported, per kind of change and of loss: how many messages. The
 * `kinds` are present even when not reported (as 0), so that a comparison shows them.
 */
export function appendReport(result: AppendResult, kinds: readonly string[]): Record<string, number> {
  const report: Record<string, number> = Object.fromEntries(kinds.map((k) => [k, 0]));
  for (const [kind, n] of result.changes) report[kind] = n;
  for (const [kind, details] of result.losses) report[kind] = [...details.values()].reduce((a, b) => a + b, 0);
  return report;
}

/** Opens the mailbox read-write with mailsmith and lets `change` work on it. */
export async function changeWithMailsmith<T>(home: string, name: string, change: (mb: Mailbox) => Promise<T>): Promise<T> {
  const { ctx } = collectingContext();
  const mb = await openMailbox(localRef(home, name), 'write', ctx);
  try {
    return await change(mb);
  } finally {
    await mb.close();
  }
}

/** mailutil's check line, computed from what mailsmith reports. */
export function checkLine(dump: MailsmithDump, name: string): string {
  const recent = dump.messages.filter((m) => m.recent).length;
  const unseen = dump.messages.filter((m) => !m.flags.includes('\\Seen')).length;
  const total = dump.messages.length;
  return recent > 0 || unseen > 0
    ? `${recent} new message(s) (${unseen} unseen), ${total} total in ${name}`
    : `No new messages, ${total} total in ${name}`;
}

/** Runs the built CLI (`./bin/run.js ARGS --home HOME`) with TZ=UTC. */
export async function mailsmithCli(home: string, ...args: string[]): Promise<OracleRun> {
  const bin = path.join(projectRoot(), 'bin', 'run.js');
  if (!fs.existsSync(bin)) throw new Error(`the mailsmith CLI is not there yet: ${bin} is missing`);
  const r = await run(process.execPath, [bin, ...args, '--home', home], {
    cwd: home, env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' }, timeoutMs: 120_000,
  });
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}
