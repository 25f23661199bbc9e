// npm run man: writes man/mailsmith.1 and one page per command from the
// compiled command classes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderIndexPage, renderManPage, type CommandInfo } from './man-page.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

export async function loadCommands(dir: string, ext: string): Promise<CommandInfo[]> {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts')).sort();
  const infos: CommandInfo[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { default: CommandInfo['cls'] };
    infos.push({ id: path.basename(f, ext), cls: mod.default });
  }
  return infos;
}

export function manPages(infos: readonly CommandInfo[], version: string): Map<string, string> {
  const pages = new Map<string, string>([['mailsmith.1', renderIndexPage(infos, 'mailsmith', version)]]);
  for (const i of infos) pages.set(`mailsmith-${i.id}.1`, renderManPage(i, 'mailsmith', version));
  return pages;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const infos = await loadCommands(path.join(root, 'dist', 'commands'), '.js');
  fs.mkdirSync(path.join(root, 'man'), { recursive: true });
  for (const [name, text] of manPages(infos, version)) fs.writeFileSync(path.join(root, 'man', name), text);
  process.stdout.write(`wrote ${infos.length + 1} man pages to man/\n`);
}
