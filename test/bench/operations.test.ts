// The benchmark's plan, without running anything: which operations --ops and
// --formats select, what each tool is told to run, and where mailutil is left out.
import { describe, expect, it } from 'vitest';
import { FORMATS, newBox, OPERATIONS, selectOperations } from '../../bench/operations.js';

const imap = (mailbox: string): string => `{127.0.0.1:143/imap/notls/user=alice}${mailbox}`;
const keys = (ops: readonly { key: string }[]): string[] => ops.map((o) => o.key);

describe('bench operations', () => {
  it('times every writable format as a destination of the unix corpus and as a source back to unix', () => {
    for (const f of FORMATS) expect(keys(OPERATIONS)).toContain(`unix-${f}`);
    for (const f of FORMATS.filter((x) => x !== 'unix')) expect(keys(OPERATIONS)).toContain(`${f}-unix`);
  });

  it('puts mailutil beside mailsmith except where a maildir is involved', () => {
    const without = OPERATIONS.filter((o) => !o.mailutil).map((o) => o.key);
    expect(without.sort()).toEqual(['maildir-unix', 'unix-maildir']);
  });

  it('selects by group and key, and --formats drops operations on other formats', () => {
    expect(keys(selectOperations(['core'], [...FORMATS]))).toEqual(['unix-mbx', 'mbx-unix', 'check-unix', 'check-mbx', 'repair-mbx']);
    expect(keys(selectOperations(['formats', 'check-unix'], ['mix']))).toEqual(['check-unix', 'unix-mix', 'mix-unix', 'unix-unix']);
    expect(keys(selectOperations(['imap'], []))).toEqual(['unix-imap', 'imap-unix']);
    expect(() => selectOperations(['unix-nope'], [...FORMATS])).toThrow('unknown operation unix-nope');
  });

  it('names new mailboxes as both tools create them: #driver.FORMAT/, #mh/ under Mail/, the server name', () => {
    expect(newBox('mix', 'out', imap)).toEqual({ create: '#driver.mix/out', box: { place: 'mix', name: 'out', path: 'out' } });
    expect(newBox('mh', 'out', imap)).toEqual({ create: '#mh/out', box: { place: 'mh', name: '#mh/out', path: 'Mail/out' } });
    expect(newBox('imap', 'out', imap).box).toEqual({ place: 'imap', name: imap('out') });
  });

  it('gives each tool its words: a copy, a command on the input, convert-format on a fresh copy', () => {
    const input = { place: 'unix' as const, name: 'S.unix', path: 'S.unix' };
    const op = (key: string) => OPERATIONS.find((o) => o.key === key)!;
    expect(op('unix-mh').mailsmith(input, 'o', imap)).toEqual({ args: ['copy', 'S.unix', '#mh/o'], made: { place: 'mh', name: '#mh/o', path: 'Mail/o' } });
    expect(op('check-unix').mailutil!(input, 'o', imap)).toEqual({ args: ['check', 'S.unix'] });
    expect(op('repair-mbx').mailsmith(input, 'o', imap).args).toEqual(['repair-mbx', '--dry-run', 'S.unix']);
    const convert = op('convert-mbx');
    expect(convert.inPlace).toBe(true);
    expect(convert.mailsmith(input, 'o', imap).args).toEqual(['convert-format', 'o', '--to', 'mbx']);
    expect(convert.mailutil!(input, 'o', imap).args).toEqual(['copy', 'S.unix', '#driver.mbx/o']);
  });
});
