// Engine-level access to the test Dovecot: a StoreContext whose logins come
// from the instance's users and whose telemetry is recorded, remote names as
// RemoteRefs, and messages to put on the server.
import { parseRemoteName } from '../../src/names/index.js';
import type { RemoteRef } from '../../src/names/types.js';
import type { NewMessage, RemoteAccess, StoreContext } from '../../src/store/types.js';
import { ALL_KEYWORDS, flagsFor } from '../interop/corpus.js';
import { realMessages, toCrlf, withoutEnvelope } from '../interop/messages.js';
import type { Dovecot } from './dovecot.js';
import { recordingContext } from './store.js';

export interface RemoteRecording {
  readonly ctx: StoreContext;
  readonly warnings: string[];
  readonly notes: string[];
  /** Protocol telemetry lines, as -d prints them. */
  readonly telemetry: string[];
}

export interface RemoteContextOptions {
  /** A password to give instead of the user's own. */
  readonly password?: string;
  /** PEM certificates to trust (the instance's certPath for /ssl without /novalidate-cert). */
  readonly ca?: readonly Buffer[];
  readonly timeoutMs?: number;
}

export function remoteContext(server: Dovecot, options: RemoteContextOptions = {}): RemoteRecording {
  const telemetry: string[] = [];
  const remote: RemoteAccess = {
    user: () => Promise.resolve('alice'),
    password: (_ref, user) => Promise.resolve(options.password ?? server.user(user.toLowerCase()).password),
    ca: options.ca,
    debug: (line) => telemetry.push(line),
    timeoutMs: options.timeoutMs,
  };
  const { ctx, warnings, notes } = recordingContext({ remote });
  return { ctx, warnings, notes, telemetry };
}

export function remote(name: string): RemoteRef {
  return parseRemoteName(name);
}

/** Zones of internal dates, minutes east of UTC: both signs, half hours, and UTC. */
const ZONES = [0, -480, 60, 330, -300, 0, 545];

/**
 * `count` real messages (CRLF) with varied flags, keywords and internal dates; with `utc` every
 * date is in +0000 (what Dovecot keeps), else in assorted zones.
 */
export async function sampleMessages(count: number, options: { utc?: boolean; offset?: number } = {}): Promise<NewMessage[]> {
  const real = await realMessages();
  const offset = options.offset ?? 0;
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const m = real[i % real.length]!;
    return {
      text: toCrlf(withoutEnvelope(m.raw)),
      internalDate: { ms: Date.UTC(2001, 0, 1) + i * 86_400_000 * 17 + i * 1_234_000, zone: options.utc ? 0 : ZONES[i % ZONES.length]! },
      flags: flagsFor(i),
      keywords: ALL_KEYWORDS.filter((_kw, j) => i % (3 + j) === 0),
      uid: 100 + i,
    };
  });
}

export async function* iterate<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}
