// One connection for one operation (create, delete, rename, status, list):
// opened, used, logged out, whatever happens.
import type { RemoteRef } from '../../names/types.js';
import type { StoreContext } from '../../store/types.js';
import { connectImap, type ImapConnection } from './connect.js';

export async function withConnection<T>(ref: RemoteRef, ctx: StoreContext, work: (c: ImapConnection) => Promise<T>): Promise<T> {
  const c = await connectImap(ref, ctx);
  try {
    return await work(c);
  } finally {
    await c.session.logout();
  }
}
