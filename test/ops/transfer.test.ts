// transfer: a hierarchy in mixed formats copied whole, mailutil's names and
// merge modes, and what mailutil lacks: per-mailbox reports, carrying on after
// a failure, kept directories, dual-use parents, dry runs and reruns that
// finish an interrupted run without duplicates.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildNameContext, resolveName } from '../../src/names/index.js';
import type { NameContext } from '../../src/names/types.js';
import { transfer, type TransferMailboxResult, type TransferOptions } from '../../src/ops/transfer.js';
import { parseMergeMode, translateDelimiters } from '../../src/ops/transfer-names.js';
import { capabilitiesOf, createMailbox, listLocal, openMailbox } from '../../src/store/index.js';
import type { LocalRef, NewMessage, StoreContext } from '../../src/store/types.js';
import { sharedDir } from '../helpers/paths.js';
import { iterate, sampleMessages } from '../helpers/remote.js';
import { localRef, recordingContext } from '../helpers/store.js';
import { EMPTY_DIR, EMPTY_FILE, TREE, buildTree, putMailbox, readBox, snapshot } from './transfer-tree.js';

let home: string;
let names: NameContext;
let ctx: StoreContext;
let sent: Map<string, NewMessage[]>;

let template: string;

// the tree is built once; each test gets a copy of it
beforeAll(async () => {
  template = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-transfer-tree-'));
  ctx = recordingContext({ lockTimeoutMs: 1000 }).ctx;
  sent = await buildTree(template, ctx);
});
afterAll(() => fs.rmSync(template, { recursive: true, force: true }));

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-transfer-'));
  fs.cpSync(template, home, { recursive: true, preserveTimestamps: true });
  names = buildNameContext({ home }, {});
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const run = (source: string, dest: string, options: TransferOptions = {}) => transfer(source, dest, names, ctx, options);
const byDestination = (rs: readonly TransferMailboxResult[]) => Object.fromEntries(rs.map((r) => [r.destination, r]));

/** What the source holds reads back from the destination: texts, dates, flags, keywords, UIDs and UID validity. */
async function expectSameMailbox(src: string, dst: string): Promise<void> {
  const [a, b] = await Promise.all([readBox(home, src, ctx), readBox(home, dst, ctx)]);
  expect(b.messages.map((m) => m.text), dst).toEqual(a.messages.map((m) => m.text));
  expect(b.messages.map((m) => [m.uid, m.internalDate, m.flags, m.keywords]), dst).toEqual(
    a.messages.map((m) => [m.uid, m.internalDate, m.flags, m.keywords]),
  );
  // tenex and mtx have no stored UID validity (c-client makes one up at every open)
  if (capabilitiesOf(a.format).uids) expect(b.meta.uidValidity, dst).toBe(a.meta.uidValidity);
}

describe('listLocal', () => {
  it("lists every name starting with the prefix, as c-client's reference + \"*\": a sibling too, without the slash", async () => {
    await putMailbox(home, 'srcsibling', 'unix', (await sampleMessages(1)), ctx);
    const withSlash = (await listLocal(localRef(home, 'src/', { directoryOnly: true }), ctx)).map((e) => e.name);
    const without = (await listLocal(localRef(home, 'src'), ctx)).map((e) => e.name);
    expect(without).toEqual(['src', ...withSlash, 'srcsibling']);
    expect(withSlash).toEqual([
      'src/emptydir', 'src/emptyfile', 'src/lists', 'src/lists/deep', 'src/lists/deep/mixbox', 'src/lists/deep/mixbox/kid',
      'src/lists/mbxbox', 'src/maildirbox', 'src/mxbox', 'src/plain', 'src/tenexbox',
    ]);
  });

  it("says what each name holds, hides a directory format's own files, and sees a mix mailbox's child", async () => {
    const entries = Object.fromEntries((await listLocal(localRef(home, 'src/', { directoryOnly: true }), ctx)).map((e) => [e.name, e]));
    for (const box of TREE) expect(entries[box.name], box.name).toMatchObject({ kind: 'mailbox', format: box.format, selectable: true });
    expect(entries['src/lists/deep/mixbox']).toMatchObject({ hasChildren: true });
    expect(entries['src/mxbox']).toMatchObject({ hasChildren: false });
    expect(entries['src/maildirbox']).toMatchObject({ hasChildren: false });
    expect(entries[EMPTY_DIR]).toMatchObject({ kind: 'directory', selectable: false, hasChildren: false });
    expect(entries['src/lists']).toMatchObject({ kind: 'directory', selectable: false, hasChildren: true });
    expect(entries[EMPTY_FILE]).toMatchObject({ kind: 'empty-file', selectable: true });
  });

  it("started inside a directory-format mailbox, lists its children, not the format's own files", async () => {
    const inside = await listLocal(localRef(home, 'src/lists/deep/mixbox/', { directoryOnly: true }), ctx);
    expect(inside.map((e) => e.name)).toEqual(['src/lists/deep/mixbox/kid']);
  });

  it("in tree mode lists the named mailbox and what it holds, not its siblings", async () => {
    await putMailbox(home, 'src/lists/deep/mixboxer', 'unix', (await sampleMessages(1)), ctx);
    const tree = await listLocal(localRef(home, 'src/lists/deep/mixbox'), ctx, { match: 'tree' });
    expect(tree.map((e) => [e.name, e.depth])).toEqual([['src/lists/deep/mixbox', 0], ['src/lists/deep/mixbox/kid', 1]]);
  });

  it("lists MH folders by their #mh/ names, hiding the numbered message files, showing subfolders", async () => {
    fs.writeFileSync(path.join(home, '.mh_profile'), 'Path: Mail\n');
    for (const name of ['#mh/inbox', '#mh/inbox/sub']) {
      await createMailbox(resolveName(name, names, 'create'), ctx);
      const box = await openMailbox(resolveName(name, names, 'open'), 'write', ctx);
      await box.append(iterate(await sampleMessages(2)));
      await box.close();
    }
    expect(fs.readdirSync(path.join(home, 'Mail', 'inbox')).sort()).toEqual(['1', '2', 'sub']);
    const entries = await listLocal(resolveName('#mh/inbox', names, 'open') as LocalRef, ctx);
    expect(entries.map((e) => [e.name, e.format, e.hasChildren])).toEqual([['#mh/inbox', 'mh', true], ['#mh/inbox/sub', 'mh', false]]);
  });

  it('lists nothing for a prefix whose directory does not exist', async () => {
    expect(await listLocal(localRef(home, 'nothere/x'), ctx)).toEqual([]);
  });
});

describe('destination names', () => {
  it("swaps the stores' delimiters, as mailutil does", () => {
    expect(translateDelimiters('x/src/has.dot', '/', '.')).toBe('x.src.has/dot');
    expect(translateDelimiters('bk.x.src.a', '.', '/')).toBe('bk/x/src/a');
    expect(translateDelimiters('a/b', '/', '/')).toBe('a/b');
    expect(translateDelimiters('a.b', '', '.')).toBe('axb');
  });

  it('parses merge modes as mailutil does and refuses the rest', () => {
    expect(parseMergeMode('append')).toEqual({ kind: 'append' });
    expect(parseMergeMode('suffix=.old')).toEqual({ kind: 'suffix', suffix: '.old' });
    expect(parseMergeMode('suffix=')).toBeUndefined();
    expect(parseMergeMode('foo')).toBeUndefined();
  });

  it('appends the whole source name to DEST (x/src + x/dst = x/dstx/src/...)', async () => {
    const r = await run('src/plain', 'dst');
    expect(r.mailboxes.map((m) => m.destination)).toEqual(['dstsrc/plain']);
    await expectSameMailbox('src/plain', 'dstsrc/plain');
  });
});

describe('transfer', () => {
  it('copies a mixed-format hierarchy into mbx under a prefix, keeping contents, flags, keywords, dates and UIDs', async () => {
    const r = await run('src/', '#driver.mbx/dst/');
    expect(r.totals).toMatchObject({ mailboxes: TREE.length + 1, failed: 0, directories: 3 });
    const got = byDestination(r.mailboxes);
    for (const box of TREE) {
      const dst = `dst/${box.name}`;
      expect(got[`#driver.mbx/${dst}`], box.name).toMatchObject({ status: 'created', messages: box.count });
      await expectSameMailbox(box.name, dst);
      // the generator's UIDs, where the source format keeps them (tenex numbers messages by position)
      if (capabilitiesOf(box.format).uids) {
        expect((await readBox(home, dst, ctx)).messages.map((m) => m.uid)).toEqual(sent.get(box.name)!.map((m) => m.uid));
      }
    }
    // the parent of a child mailbox cannot be an mbx file: it is made mix, and the report says so
    expect(got['#driver.mbx/dst/src/lists/deep/mixbox']).toMatchObject({ destinationFormat: 'mix', notes: [expect.stringMatching(/made mix, not mbx/)] });
    expect((await readBox(home, 'dst/src/plain', ctx)).format).toBe('mbx');
    // plain directories, the empty one too, are kept
    expect(got['#driver.mbx/dst/src/emptydir/']).toMatchObject({ kind: 'directory', status: 'directory' });
    expect(fs.statSync(path.join(home, 'dst/src/emptydir')).isDirectory()).toBe(true);
    expect(got['#driver.mbx/dst/src/emptyfile']).toMatchObject({ status: 'created', messages: 0 });
  });

  it('--dry-run plans every mailbox with its message count and changes nothing', async () => {
    const before = snapshot(home);
    const r = await run('src/', '#driver.mbx/dst/', { dryRun: true });
    expect(snapshot(home)).toEqual(before);
    const got = byDestination(r.mailboxes);
    for (const box of TREE) {
      expect(got[`#driver.mbx/dst/${box.name}`], box.name).toMatchObject({ status: 'planned', action: 'create', messages: box.count });
    }
    expect(r.totals.messages).toBe(TREE.reduce((n, b) => n + b.count, 0));
  });

  it('run again, copies nothing twice: every mailbox is already there', async () => {
    await run('src/', '#driver.mbx/dst/');
    const again = await run('src/', '#driver.mbx/dst/');
    expect(again.totals).toMatchObject({ failed: 0, messages: 0, alreadyThere: TREE.reduce((n, b) => n + b.count, 0) });
    for (const box of TREE) await expectSameMailbox(box.name, `dst/${box.name}`);
  });

  it('run again into unix, which stores some messages a few bytes differently, still recognises every one', async () => {
    fs.mkdirSync(path.join(home, 'golden'));
    fs.copyFileSync(path.join(sharedDir(), 'corpus', 'golden', 'source.mbox'), path.join(home, 'golden', 'box'));
    const first = await run('golden/', 'dst/');
    expect(first.mailboxes[0]).toMatchObject({ status: 'created', messages: 14, destinationFormat: 'unix' });
    const sizes = async (n: string) => (await readBox(home, n, ctx)).messages.map((m) => m.size);
    expect(await sizes('dst/golden/box')).not.toEqual(await sizes('golden/box'));
    const again = await run('golden/', 'dst/');
    expect(again.mailboxes[0]).toMatchObject({ status: 'resumed', messages: 0, alreadyThere: 14 });
    expect(await sizes('dst/golden/box')).toHaveLength(14);
  });

  it('carries on into a destination an interrupted run left half full: no duplicates, nothing lost', async () => {
    const msgs = sent.get('src/lists/mbxbox')!;
    await putMailbox(home, 'dst/src/lists/mbxbox', 'mbx', msgs.slice(0, 1), ctx, { uidValidity: 1_500_000_001, uidLast: 0 });
    const r = await run('src/lists/', '#driver.mbx/dst/');
    expect(byDestination(r.mailboxes)['#driver.mbx/dst/src/lists/mbxbox']).toMatchObject({ status: 'resumed', messages: 2, alreadyThere: 1 });
    await expectSameMailbox('src/lists/mbxbox', 'dst/src/lists/mbxbox');
  });

  describe('a destination that holds other messages', () => {
    let foreign: NewMessage[];
    beforeEach(async () => {
      foreign = await sampleMessages(2, { offset: 100 });
      await putMailbox(home, 'dst/src/plain', 'unix', foreign, ctx);
    });

    it('fails that mailbox without --merge, says how to go on, and still copies the others', async () => {
      const r = await run('src/', 'dst/');
      const plain = byDestination(r.mailboxes)['dst/src/plain']!;
      expect(plain).toMatchObject({ status: 'failed', error: { code: 'exists' } });
      expect(plain.error!.message).toMatch(/--merge append/);
      expect(r.totals.failed).toBe(1);
      expect(r.totals.mailboxes).toBe(TREE.length);
      expect((await readBox(home, 'dst/src/plain', ctx)).messages).toHaveLength(2);
    });

    it('--stop-on-error stops at that mailbox, as mailutil does', async () => {
      const r = await run('src/', 'dst/', { stopOnError: true });
      expect(r.stopped).toBe(true);
      expect(r.mailboxes.at(-1)).toMatchObject({ destination: 'dst/src/plain', status: 'failed' });
      expect(r.mailboxes.length).toBeLessThan(TREE.length + 4);
    });

    it('--merge append adds the messages, and a second run adds nothing', async () => {
      await run('src/plain', 'dst/', { merge: { kind: 'append' } });
      const again = await run('src/plain', 'dst/', { merge: { kind: 'append' } });
      expect(again.mailboxes[0]).toMatchObject({ status: 'appended', messages: 0, alreadyThere: 4 });
      const texts = (await readBox(home, 'dst/src/plain', ctx)).messages.map((m) => m.text);
      const src = (await readBox(home, 'src/plain', ctx)).messages.map((m) => m.text);
      expect(texts).toEqual([...foreign.map((m) => m.text), ...src]);
    });

    it('--merge suffix=TEXT copies beside it, and a rerun carries on there', async () => {
      const r = await run('src/plain', 'dst/', { merge: { kind: 'suffix', suffix: '.new' } });
      expect(r.mailboxes[0]).toMatchObject({ destination: 'dst/src/plain.new', status: 'created', messages: 4 });
      await expectSameMailbox('src/plain', 'dst/src/plain.new');
      const again = await run('src/plain', 'dst/', { merge: { kind: 'suffix', suffix: '.new' } });
      expect(again.mailboxes[0]).toMatchObject({ destination: 'dst/src/plain.new', status: 'resumed', messages: 0, alreadyThere: 4 });
      expect((await readBox(home, 'dst/src/plain', ctx)).messages).toHaveLength(2);
    });

    it('--merge prompt asks until it gets a name that can be created, and uses it as it is', async () => {
      const asked: string[] = [];
      const answers = ['', 'dst/src/plain', 'elsewhere/plain'];
      const r = await run('src/plain', 'dst/', {
        merge: { kind: 'prompt' },
        askName: (d) => { asked.push(d); return Promise.resolve(answers.shift()); },
      });
      expect(asked).toEqual(['dst/src/plain', 'dst/src/plain', 'dst/src/plain']);
      expect(r.mailboxes[0]).toMatchObject({ destination: 'elsewhere/plain', status: 'created' });
      await expectSameMailbox('src/plain', 'elsewhere/plain');
    });

    it('--merge prompt with nobody to ask fails that mailbox clearly instead of looping', async () => {
      const r = await run('src/plain', 'dst/', { merge: { kind: 'prompt' } });
      expect(r.mailboxes[0]).toMatchObject({ status: 'failed', error: { code: 'exists', message: expect.stringMatching(/no terminal/) } });
    });
  });

  it('fails a mailbox whose destination name cannot be made (8-bit), and copies the rest', async () => {
    fs.mkdirSync(path.join(home, 'odd'));
    fs.copyFileSync(path.join(home, 'src/plain'), path.join(home, 'odd/café'));
    fs.copyFileSync(path.join(home, 'src/plain'), path.join(home, 'odd/plain'));
    const r = await run('odd/', 'dst/');
    expect(byDestination(r.mailboxes)['dst/odd/café']).toMatchObject({ status: 'failed', error: { code: 'bad-name' } });
    expect(byDestination(r.mailboxes)['dst/odd/plain']).toMatchObject({ status: 'created', messages: 4 });
    expect(r.totals).toMatchObject({ failed: 1, mailboxes: 1 });
  });

  it('does not copy the destination into itself when it lies inside the source', async () => {
    const r = await run('src/', 'src/backup/');
    expect(r.totals.failed).toBe(0);
    const again = await run('src/', 'src/backup/');
    expect(again.skipped.map((s) => s.source)).toContain('src/backup/src/plain');
    expect(fs.existsSync(path.join(home, 'src/backup/src/backup'))).toBe(false);
  });
});
