// What the bench times. Every operation reads one form of the corpus (a local
// format, or its copy on the IMAP server) and says what mailsmith and mailutil
// run on it: a copy into a new mailbox of some format, or a command on the
// input itself. mailutil is left out where c-client has no driver for a format
// (maildir); `cp -r` of the input is the floor wherever the input is local.

/** The local formats mailsmith writes, in c-client's probe order (unix last: it is the corpus's own). */
export const FORMATS = ['mix', 'mx', 'mh', 'maildir', 'mbx', 'tenex', 'mtx', 'mmdf', 'unix'] as const;
export type Format = (typeof FORMATS)[number];
/** Where a corpus copy lives: a local format, or a mailbox on the IMAP server. */
export type Place = Format | 'imap';

/** c-client has no maildir driver (Debian's mailutil cannot read or write one). */
export const mailutilHandles = (p: Place): boolean => p !== 'maildir';

/**
 * A mailbox of the bench: the name both tools open it by, and where it is, relative to the
 * bench home (a file or a folder; undefined for a mailbox on the server).
 */
export interface Box {
  readonly place: Place;
  readonly name: string;
  readonly path?: string;
}

export interface NewBox {
  /** The name that creates it in its format (#driver.FORMAT/..., #mh/...). */
  readonly create: string;
  readonly box: Box;
}

/** The server's name for one of alice's mailboxes: {127.0.0.1:PORT/imap/notls/user=alice}NAME. */
export type ImapName = (mailbox: string) => string;

/** The mailbox `base` in a place: mh lives under the profile's Path (Mail/), a server mailbox has no path. */
export function newBox(place: Place, base: string, imap: ImapName): NewBox {
  switch (place) {
    case 'imap':
      return { create: imap(base), box: { place, name: imap(base) } };
    case 'mh':
      return { create: `#mh/${base}`, box: { place, name: `#mh/${base}`, path: `Mail/${base}` } };
    default:
      return { create: `#driver.${place}/${base}`, box: { place, name: base, path: base } };
  }
}

/** What one tool runs: its words (after the program), and the new mailbox it makes, if any. */
export interface Step {
  readonly args: string[];
  readonly made?: Box;
}

/** A tool's words for an input and a fresh destination name. */
type StepFor = (input: Box, dest: string, imap: ImapName) => Step;

export type Group = 'core' | 'formats' | 'imap' | 'convert';

export interface Operation {
  readonly key: string;
  readonly label: string;
  readonly groups: readonly Group[];
  readonly input: Place;
  /** The local formats it touches besides unix (for --formats). */
  readonly formats: readonly Format[];
  /** Sizes timed when --sizes is not given. */
  readonly defaultSizes: readonly string[];
  readonly mailsmith: StepFor;
  /** Undefined where mailutil can't do it. */
  readonly mailutil?: StepFor;
  /** mailsmith rewrites its operand in place: it gets a fresh copy of the input, made before the timing. */
  readonly inPlace?: boolean;
  /** A mailsmith command that may be newer than this bench: without it the operation is skipped, with a note. */
  readonly needsCommand?: string;
}

const copyTo = (output: Place): StepFor => (input, dest, imap) => {
  const { create, box } = newBox(output, dest, imap);
  return { args: ['copy', input.name, create], made: box };
};

const command = (...words: string[]): StepFor => (input) => ({ args: [...words, input.name] });

const localFormats = (...places: Place[]): Format[] => places.filter((p): p is Format => p !== 'imap' && p !== 'unix');

const BOTH_SIZES = ['S', 'M'];
/**
 * Formats whose copies are also timed on M by default: mix (a few large data files beside an index)
 * and maildir (100,000 files, no mailutil), the two layouts unlike the flat files of unix and mbx,
 * which issue 3's operations time on M anyway. The whole matrix on M takes too long for a default run.
 */
const M_BY_DEFAULT: readonly Place[] = ['mbx', 'mix', 'maildir'];

function copy(input: Place, output: Place, groups: Group[]): Operation {
  const other = input === 'unix' ? output : input;
  return {
    key: `${input}-${output}`,
    label: `copy ${input}->${output}`,
    groups,
    input,
    formats: localFormats(input, output),
    defaultSizes: other === 'imap' ? ['S'] : M_BY_DEFAULT.includes(other) ? BOTH_SIZES : ['S'],
    mailsmith: copyTo(output),
    ...(mailutilHandles(input) && mailutilHandles(output) ? { mailutil: copyTo(output) } : {}),
  };
}

function check(format: Format): Operation {
  return {
    key: `check-${format}`, label: `check ${format}`, groups: ['core'], input: format, formats: localFormats(format),
    defaultSizes: BOTH_SIZES, mailsmith: command('check'), mailutil: command('check'),
  };
}

/** The other formats, each as a destination of the unix corpus and as a source back to unix (unix->unix once). */
const otherFormats = FORMATS.filter((f) => f !== 'mbx').flatMap((f): Operation[] =>
  f === 'unix' ? [copy('unix', 'unix', ['formats'])] : [copy('unix', f, ['formats']), copy(f, 'unix', ['formats'])]);

export const OPERATIONS: readonly Operation[] = [
  copy('unix', 'mbx', ['core', 'formats']),
  copy('mbx', 'unix', ['core', 'formats']),
  check('unix'),
  check('mbx'),
  {
    // the damage survey of a healthy file (a dry run changes nothing); mailutil's nearest is its own parse, check
    key: 'repair-mbx', label: 'repair-mbx scan', groups: ['core'], input: 'mbx', formats: ['mbx'], defaultSizes: BOTH_SIZES,
    mailsmith: command('repair-mbx', '--dry-run'), mailutil: command('check'),
  },
  {
    // converting a site's unix mailbox to mbx in place; mailutil can only copy it into a new mbx
    key: 'convert-mbx', label: 'convert-format unix->mbx', groups: ['convert'], input: 'unix', formats: ['mbx'],
    defaultSizes: BOTH_SIZES, inPlace: true, needsCommand: 'convert-format',
    mailsmith: (_input, dest) => ({ args: ['convert-format', dest, '--to', 'mbx'], made: { place: 'mbx', name: dest, path: dest } }),
    mailutil: copyTo('mbx'),
  },
  ...otherFormats,
  copy('unix', 'imap', ['imap']),
  copy('imap', 'unix', ['imap']),
];

export const GROUPS: readonly Group[] = ['core', 'formats', 'imap', 'convert'];

/** The operations --ops (keys or group names) and --formats select, in the order of OPERATIONS. */
export function selectOperations(ops: readonly string[], formats: readonly Format[]): Operation[] {
  const unknown = ops.filter((k) => !GROUPS.includes(k as Group) && !OPERATIONS.some((o) => o.key === k));
  if (unknown.length > 0) throw new Error(`unknown operation ${unknown.join(', ')}`);
  return OPERATIONS.filter((o) => (ops.includes(o.key) || o.groups.some((g) => ops.includes(g)))
    && o.formats.every((f) => formats.includes(f)));
}
