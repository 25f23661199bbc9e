// mailutil's spellings and switch positions become oclif's.
import { describe, expect, it } from 'vitest';
import { normalizeArgv } from '../../src/ui/mailutil-argv.js';

describe('normalizeArgv', () => {
  it.each([
    [['copy', '-rw', '-kw', 'a', 'b'], ['copy', '--rwcopy', '--kwcopy', 'a', 'b']],
    [['-v', 'copy', '-ig', 'a', 'b'], ['copy', '--verbose', '--ignore-keywords', 'a', 'b']],
    [['-rwcopy', '-kwcopy', '-ignore', 'move', 'a', 'b'], ['move', '--rwcopy', '--kwcopy', '--ignore-keywords', 'a', 'b']],
    [['-debug', '-verbose', 'check'], ['check', '--debug', '--verbose']],
    [['-m', 'append', 'transfer', 'a', 'b'], ['transfer', '--merge', 'append', 'a', 'b']],
    [['--home', '/h', 'check', 'x'], ['check', '--home', '/h', 'x']],
    [['--home=/h', 'check', 'x'], ['check', '--home=/h', 'x']],
    [['check', '--', '-dash'], ['check', '--', '-dash']],
    [['check', '-d'], ['check', '--debug']],
    [[], []],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeArgv(input)).toEqual({ args: expected });
  });

  it('refuses -u with a hint, since mailsmith does not switch users', () => {
    const r = normalizeArgv(['-u', 'alice', 'check']);
    expect('error' in r && r.error).toMatch(/-u is not supported: run mailsmith as that user/);
  });
});
