// man/ is generated from the commands' own help (npm run man) and must not drift from it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCommands, manPages } from '../tools/gen-man.js';
import { projectRoot } from './helpers/paths.js';

describe('man pages', () => {
  it('match what the commands say about themselves (run `npm run man` after changing a command)', async () => {
    const root = projectRoot();
    const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    const pages = manPages(await loadCommands(path.join(root, 'commands'), '.ts'), version);
    expect([...pages.keys()].sort()).toEqual(fs.readdirSync(path.join(root, 'man')).sort());
    for (const [name, text] of pages) expect(fs.readFileSync(path.join(root, 'man', name), 'utf8'), name).toBe(text);
  });

  it('have a page for every command, each with its name, synopsis, options and exit status', async () => {
    const text = fs.readFileSync(path.join(projectRoot(), 'man', 'mailsmith-copy.1'), 'utf8');
    for (const section of ['.SH NAME', '.SH SYNOPSIS', '.SH DESCRIPTION', '.SH OPTIONS', '.SH EXIT STATUS']) {
      expect(text).toContain(section);
    }
    expect(text).toContain('\\-\\-ignore\\-keywords');
  });
});
