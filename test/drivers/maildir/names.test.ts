// File names and flag letters (formats-dir.md 6.3, 6.4), and the line-end
// conversion between stored LF text and IMAP's CRLF (6.8).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baseOf, dovecotOrder, escapeHost, infoOf, sizeField, UniqueNames, withInfo,
} from '../../../src/drivers/maildir/filename.js';
import { storedForm } from '../../../src/drivers/maildir/text.js';
import { crlfLength, toCrlf } from '../../../src/drivers/shared/crlf.js';

describe('file names', () => {
  it('the base is the name up to the first colon (the uidlist key)', () => {
    expect(baseOf('1700000000.P123Q0.host:2,PS')).toBe('1700000000.P123Q0.host');
    expect(baseOf('1795525715.M718625P25176.host,S=145,W=152')).toBe('1795525715.M718625P25176.host,S=145,W=152');
  });

  it.each([
    // the spec's examples produced by Dovecot, with its keyword letters a=work b=urgent c=personal d=$Junk
    ['X:2,FRSab', ['\\Seen', '\\Flagged', '\\Answered'], 0b11],
    ['X:2,DTa', ['\\Deleted', '\\Draft'], 0b1],
    ['X:2,Scd', ['\\Seen'], 0b1100],
    ['X:2,', [], 0],
    ['X', [], 0],
  ])('reads the flags of %s', (name, flags, mask) => {
    const info = infoOf(name);
    expect(info.flags).toEqual(flags);
    expect(info.keywordMask).toBe(mask);
  });

  it('keeps P and unknown letters and the extension area, and does not expose them', () => {
    const info = infoOf('X,S=10:2,PSZ,Xextra');
    expect(info).toEqual({ flags: ['\\Seen'], keywordMask: 0, others: 'PZ', extra: ',Xextra' });
    const renamed = withInfo('X,S=10:2,PSZ,Xextra', { ...info, flags: ['\\Flagged', '\\Seen'], keywordMask: 1 << 25 });
    expect(renamed).toBe('X,S=10:2,FPSZz,Xextra');
  });

  it('ignores info that is not ":2," (":1," is experimental)', () => {
    expect(infoOf('X:1,S').flags).toEqual([]);
  });

  it('writes letters in ASCII order: DFPRST, then keywords', () => {
    expect(withInfo('X', { flags: ['\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft'], keywordMask: 0b101, others: 'P', extra: '' }))
      .toBe('X:2,DFPRSTac');
  });

  it('a file that never had info keeps none when it gets no flag; one that had ":2," keeps it', () => {
    const none = { flags: [], keywordMask: 0, others: '', extra: '' };
    expect(withInfo('X,S=1,W=2', none)).toBe('X,S=1,W=2');
    expect(withInfo('X:2,S', none)).toBe('X:2,');
  });

  it('round-trips any flags and keyword letters', () => {
    const flagSets = fc.subarray(['\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft'] as const);
    fc.assert(fc.property(flagSets, fc.integer({ min: 0, max: 2 ** 26 - 1 }), (flags, mask) => {
      const info = infoOf(withInfo('1.M2P3.host,S=1', { flags: [...flags], keywordMask: mask, others: '', extra: '' }));
      expect(new Set(info.flags)).toEqual(new Set(flags));
      expect(info.keywordMask).toBe(mask);
    }), { numRuns: 200 });
  });

  it('reads S= and W= as Dovecot does: only well-formed numbers in the base', () => {
    expect(sizeField('1.M2P3.host,S=145,W=152:2,S', 'S')).toBe(145);
    expect(sizeField('1.M2P3.host,S=145,W=152:2,S', 'W')).toBe(152);
    expect(sizeField('1.M2P3.host,S=145', 'W')).toBeUndefined();
    expect(sizeField('1.M2P3.host,S=14x5', 'S')).toBeUndefined();
    expect(sizeField('1.M2P3.host:2,S,W=5', 'W')).toBeUndefined();
  });

  it('escapes / and : in the host part', () => {
    expect(escapeHost('a/b:c')).toBe('a\\057b\\072c');
  });

  it('makes unique names in Dovecot\'s form whose time always increases', () => {
    const names = new UniqueNames('mail.example');
    const times = Array.from({ length: 1000 }, () => names.nextTime());
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    expect(names.name(1795525715718625)).toBe(`1795525715.M718625P${process.pid}.mail.example`);
  });

  it('orders unlisted files as Dovecot numbers them: seconds, then microseconds, then the rest', () => {
    const names = [
      '1700000002.P125Q0.host', '1700000001.M9P1.host:2,S', '1700000001.M10P1.host', '1700000000.P123Q0.host:2,PS',
      '1700000001.P2.host',
    ];
    expect([...names].sort(dovecotOrder)).toEqual([
      '1700000000.P123Q0.host:2,PS', '1700000001.M9P1.host:2,S', '1700000001.M10P1.host', '1700000001.P2.host',
      '1700000002.P125Q0.host',
    ]);
  });
});

describe('line ends', () => {
  const crlf = (s: string): Buffer => Buffer.from(s, 'latin1');

  it('stores CRLF text with LF, as Dovecot saves it, with W = the CRLF size', () => {
    // the spec's check: a CRLF message saved through Dovecot became S=42,W=47
    const text = crlf('From: a@b\r\nTo: c@d\r\nSubject: x\r\n\r\nbody line\r\n');
    const { data, vsize } = storedForm(text);
    expect(data.toString('latin1')).toBe('From: a@b\nTo: c@d\nSubject: x\n\nbody line\n');
    expect([data.length, vsize]).toEqual([text.length - 5, text.length]);
    expect(toCrlf(data).equals(text)).toBe(true);
    expect(crlfLength(data)).toBe(vsize);
  });

  it('keeps a text as it is when LF storage would not read back the same (a CR before CRLF)', () => {
    const text = crlf('Subject: x\r\n\r\nodd\r\r\nend\r\n');
    const { data, vsize } = storedForm(text);
    expect(data.equals(text)).toBe(true);
    expect(toCrlf(data).equals(text)).toBe(true);
    expect(vsize).toBe(text.length);
  });

  it('keeps bare CRs; a LF without CR reads back with one, as Dovecot gives it', () => {
    const text = crlf('a\rb\r\nc\nd');
    const { data, vsize } = storedForm(text);
    expect(toCrlf(data).toString('latin1')).toBe('a\rb\r\nc\r\nd');
    expect(vsize).toBe(text.length + 1);
  });

  it('reads a 7-line LF file of 145 bytes as 152 (the spec\'s S=145,W=152)', () => {
    const file = Buffer.from(`${'x'.repeat(19)}\n`.repeat(6) + `${'y'.repeat(24)}\n`, 'latin1');
    expect(file.length).toBe(145);
    expect(crlfLength(file)).toBe(152);
    expect(toCrlf(file).length).toBe(152);
  });

  it('round-trips every CRLF text through storage', () => {
    // lines of any bytes but CR and LF, joined with CRLF
    const line = fc.array(fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x0a && b !== 0x0d), { maxLength: 30 });
    fc.assert(fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), (lines, finalNewline) => {
      const eol = [0x0d, 0x0a];
      const bytes = lines.flatMap((l, i) => (i === 0 ? l : [...eol, ...l]));
      const text = Buffer.from(finalNewline ? [...bytes, ...eol] : bytes);
      const { data, vsize } = storedForm(text);
      expect(toCrlf(data).equals(text)).toBe(true);
      expect(vsize).toBe(text.length);
    }), { numRuns: 200 });
  });
});
