// Renders a man page (roff) from an oclif command class's own summary,
// description, arguments, flags and examples, so that man/ never drifts from --help.
import type { Command } from '@oclif/core';

export interface CommandInfo {
  readonly id: string;
  readonly cls: typeof Command;
}

const EXIT_STATUS = [
  ['0', 'Done.'],
  ['1', 'Failed; the error says what, and nothing was left half-done.'],
  ['2', 'Usage error: a bad option, argument or mailbox name.'],
  ['3', 'Done with problems that the output lists (for example a copy that could not keep every keyword).'],
];

/** Escapes text for roff: backslashes, hyphens, and a leading dot or quote. */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

function paragraphs(text: string): string {
  // descriptions are wrapped at source width; a blank line separates paragraphs
  return text.split(/\n\s*\n/).map((p) => roff(p.replace(/\s*\n\s*/g, ' ').trim())).join('\n.PP\n');
}

function example(text: string, bin: string, id: string): string {
  return roff(text.replace(/<%= config\.bin %>/g, bin).replace(/<%= command\.id %>/g, id));
}

type FlagLike = { char?: string; description?: string; type: string; allowNo?: boolean; hidden?: boolean; options?: readonly string[]; default?: unknown; helpValue?: string };
type ArgLike = { description?: string; required?: boolean; default?: unknown };

function flagEntry(name: string, f: FlagLike): string {
  const names = [f.char ? `\\-${f.char}` : undefined, `\\-\\-${roff(name)}`].filter(Boolean).join(', ');
  const value = f.type === 'option' ? ` \\fI${roff(f.helpValue ?? (f.options ? f.options.join('|') : name.toUpperCase()))}\\fR` : '';
  const no = f.allowNo ? `, \\-\\-no\\-${roff(name)}` : '';
  const def = f.type === 'option' && f.default !== undefined ? ` (default: ${roff(String(f.default))})` : '';
  return `.TP\n.B ${names}${no}${value}\n${roff(f.description ?? '')}${def}`;
}

export function renderManPage(info: CommandInfo, bin: string, version: string): string {
  const c = info.cls as typeof Command & { baseFlags?: Record<string, FlagLike> };
  const args = Object.entries((c.args ?? {}) as Record<string, ArgLike>);
  const flags = { ...(c.flags as Record<string, FlagLike>), ...(c.baseFlags ?? {}) };
  const title = `${bin}-${info.id}`;
  const synopsisArgs = args.map(([name, a]) => (a.required ? `\\fI${name.toUpperCase()}\\fR` : `[\\fI${name.toUpperCase()}\\fR]`));
  const out = [
    `.TH ${title.toUpperCase()} 1 "" "${bin} ${version}" "${bin} manual"`,
    '.SH NAME',
    `${title} \\- ${roff(c.summary ?? '')}`,
    '.SH SYNOPSIS',
    `.B ${bin} ${info.id}`,
    `[\\fIOPTIONS\\fR] ${synopsisArgs.join(' ')}`.trim(),
    '.SH DESCRIPTION',
    paragraphs(c.description ?? c.summary ?? ''),
  ];
  if (args.length > 0) {
    out.push('.SH ARGUMENTS');
    for (const [name, a] of args) {
      const def = a.default !== undefined ? ` (default: ${roff(String(a.default))})` : '';
      out.push(`.TP\n.I ${name.toUpperCase()}\n${roff(a.description ?? '')}${def}`);
    }
  }
  out.push('.SH OPTIONS');
  for (const [name, f] of Object.entries(flags).sort(([a], [b]) => a.localeCompare(b))) {
    if (!f.hidden) out.push(flagEntry(name, f));
  }
  out.push('.SH MAILBOX NAMES', paragraphs(MAILBOX_NAMES));
  if (c.examples && c.examples.length > 0) {
    out.push('.SH EXAMPLES');
    for (const e of c.examples) out.push(`.PP\n.nf\n${example(typeof e === 'string' ? e : e.command, bin, info.id)}\n.fi`);
  }
  out.push('.SH EXIT STATUS');
  for (const [code, text] of EXIT_STATUS) out.push(`.TP\n.B ${code}\n${roff(text!)}`);
  out.push('.SH SEE ALSO', `.BR ${bin} (1),`, `.BR mailutil (1)`);
  return `${out.join('\n')}\n`;
}

const MAILBOX_NAMES = `Names follow UW c-client's syntax: INBOX; a name relative to the mail home (--home, else $MAILSMITH_HOME, else $HOME);
an absolute path; #driver.FORMAT/NAME to create a mailbox in FORMAT; #mh/NAME and #mhinbox for MH folders; and
{host:port/flags}NAME for a mailbox on an IMAP server. The format of an existing mailbox is read from its bytes, never
guessed from its name.`;

export function renderIndexPage(infos: readonly CommandInfo[], bin: string, version: string): string {
  const out = [
    `.TH ${bin.toUpperCase()} 1 "" "${bin} ${version}" "${bin} manual"`,
    '.SH NAME',
    `${bin} \\- check, copy, move and convert mailboxes in every UW c\\-client format`,
    '.SH SYNOPSIS',
    `.B ${bin}`,
    '\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIMAILBOX\\fR...]',
    '.SH DESCRIPTION',
    paragraphs(`${bin} is a mail administrator's tool in the tradition of UW IMAP's mailutil. It reads and writes the mailbox
formats of UW c-client and keeps messages, internal dates, flags, keywords and UIDs intact. mailutil's switches
(-rw, -kw, -ig, -v, -d) are accepted, so an old cron line keeps working after the program name is changed.`),
    '.SH COMMANDS',
  ];
  for (const i of infos) out.push(`.TP\n.BR ${bin}\\-${i.id} (1)\n${roff(i.cls.summary ?? '')}`);
  out.push('.SH MAILBOX NAMES', paragraphs(MAILBOX_NAMES));
  out.push('.SH ENVIRONMENT',
    '.TP\n.B MAILSMITH_HOME\nThe mail home for relative names (default $HOME).',
    '.TP\n.B MAILSMITH_INBOX\nThe file INBOX means.',
    '.TP\n.B NO_COLOR, FORCE_COLOR\nTurn colour off or on.');
  out.push('.SH EXIT STATUS');
  for (const [code, text] of EXIT_STATUS) out.push(`.TP\n.B ${code}\n${roff(text!)}`);
  out.push('.SH SEE ALSO', '.BR mailutil (1)');
  return `${out.join('\n')}\n`;
}
