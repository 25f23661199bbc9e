// The driver table, in c-client's probe order (formats-flat.md 1.1): the first
// driver whose probe accepts a path owns it. A format comes from bytes, never
// from a file name.
import { imapDriver } from '../drivers/imap/index.js';
import { maildirDriver } from '../drivers/maildir/index.js';
import { mbxDriver } from '../drivers/mbx/index.js';
import { mhDriver } from '../drivers/mh/index.js';
import { mixDriver } from '../drivers/mix/index.js';
import { mmdfDriver } from '../drivers/mmdf/index.js';
import { mtxDriver } from '../drivers/mtx/index.js';
import { mxDriver } from '../drivers/mx/index.js';
import { phileDriver } from '../drivers/phile/index.js';
import { pop3Driver } from '../drivers/pop3/index.js';
import { tenexDriver } from '../drivers/tenex/index.js';
import { unixDriver } from '../drivers/unix/index.js';
import { Unsupported } from '../errors.js';
import type { RemoteService } from '../names/types.js';
import type { Driver, FormatCapabilities, FormatName, RemoteDriver, StoreContext } from './types.js';

/** Drivers in probe order: directory formats first, then flat files (mbx tenex mtx mmdf unix phile). */
const DRIVERS: readonly Driver[] = [mixDriver, mxDriver, mhDriver, maildirDriver, mbxDriver, tenexDriver, mtxDriver, mmdfDriver, unixDriver, phileDriver];

/** Stores on servers, by the service a remote name asks for; they take no part in probing. */
const REMOTE_DRIVERS: readonly RemoteDriver[] = [imapDriver, pop3Driver];

/** The format c-client gives a mailbox created without a #driver. prefix. */
export const DEFAULT_CREATE_FORMAT: FormatName = 'unix';

/** Every format name a user may type, implemented or not (mbox is unix). */
export const FORMAT_NAMES: readonly FormatName[] = [
  'unix', 'mmdf', 'mbx', 'mix', 'mtx', 'tenex', 'mx', 'mh', 'maildir', 'phile', 'imap', 'pop3',
];

export function availableFormats(): FormatName[] {
  return DRIVERS.map((d) => d.format);
}

export function driverFor(format: FormatName): Driver {
  const driver = DRIVERS.find((d) => d.format === format);
  if (!driver) throw new Unsupported(`the ${format} format is not supported yet (available: ${availableFormats().join(', ')})`);
  return driver;
}

export function remoteDriverFor(service: RemoteService): RemoteDriver {
  const driver = REMOTE_DRIVERS.find((d) => d.format === service);
  if (!driver) throw new Unsupported(`mailsmith does not speak ${service}: remote mailboxes are imap or pop3`);
  return driver;
}

/** What a format can keep, local or remote. */
export function capabilitiesOf(format: FormatName): FormatCapabilities {
  return (REMOTE_DRIVERS.find((d) => d.format === format) ?? driverFor(format)).capabilities;
}

/** The first driver of the given kind whose probe accepts the path (ctx: see Driver.probe). */
export async function probeDrivers(path: string, kind: Driver['kind'], ctx?: StoreContext): Promise<Driver | undefined> {
  for (const driver of DRIVERS) {
    if (driver.kind === kind && (await driver.probe(path, ctx))) return driver;
  }
  return undefined;
}
