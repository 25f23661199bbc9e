// Listing a server's hierarchy, for transfer.
//
//   const { delimiter, entries } = await listServer(server, reference, pattern, ctx);
//
// sends LIST "" "" (the server's hierarchy delimiter, '' if it has none) and
// LIST reference pattern, with IMAP's wildcards: `*` matches across levels,
// `%` within one. For everything under a folder `lists` on a server whose
// delimiter is `.`, ask reference "" and pattern "lists.*" (or reference
// "lists." and pattern "*": servers combine the two). Each entry has the name
// as the server spells it (modified UTF-7, the server's delimiter; pass it on
// unchanged in another `{...}` name or to this driver), a Unicode
// displayName, whether it can be opened (not \Noselect or \NonExistent),
// whether it has children, and a RemoteRef to open it with. names.ts has
// hierarchy()/fromHierarchy() to turn names into levels and back when the
// destination's delimiter differs. Entries come in the server's order.
import type { RemoteRef } from '../../names/types.js';
import type { RemoteListEntry, RemoteListing, StoreContext } from '../../store/types.js';
import { list } from './commands/list.js';
import { decodeUtf7, sibling } from './names.js';
import { withConnection } from './with-connection.js';

export function listServer(server: RemoteRef, reference: string, pattern: string, ctx: StoreContext): Promise<RemoteListing> {
  return withConnection(server, ctx, async ({ session }) => {
    const root = await list(session, '', '', `can't list ${server.name}`);
    const listed = await list(session, reference, pattern, `can't list ${server.name}`);
    const entries: RemoteListEntry[] = listed.map((l) => {
      const attrs = l.attributes.map((a) => a.toLowerCase());
      return {
        name: l.name,
        displayName: decodeUtf7(l.name),
        delimiter: l.delimiter,
        attributes: l.attributes,
        selectable: !attrs.includes('\\noselect') && !attrs.includes('\\nonexistent'),
        hasChildren: attrs.includes('\\haschildren'),
        ref: sibling(server, l.name),
      };
    });
    return { delimiter: root[0]?.delimiter ?? '', entries };
  });
}
