// Splitting criteria into words. The criteria come as command-line words:
// one word holding them all (mailutil's habit: `"before 1-jan-2004"`), or
// many, or a mix. Inside a word, any white space separates, `(` and `)` stand
// alone, and a string in double quotes is one word (IMAP's quoted string: `\"`
// and `\\` are a quote and a backslash). Every token remembers where it came
// from, so that an error can point at it.
import { SearchSyntaxError } from './errors.js';

export interface Token {
  readonly kind: 'atom' | 'quoted' | 'open' | 'close';
  /** The text (a quoted string without its quotes and escapes). */
  readonly value: string;
  /** Which command-line word it is in, and whether it is the first token there. */
  readonly word: number;
  readonly firstInWord: boolean;
  /** Where it is in Tokens.display. */
  readonly start: number;
  readonly end: number;
}

export interface Tokens {
  readonly tokens: readonly Token[];
  /** The words as the user gave them (for an argument taken whole). */
  readonly words: readonly string[];
  /** The words as one line, for error messages; words with white space in single quotes. */
  readonly display: string;
  /** Where each word starts in display, and its length there. */
  readonly wordSpans: readonly { readonly start: number; readonly end: number }[];
}

export function tokenize(words: readonly string[]): Tokens {
  // the whole line first, so that an error in any word can show all of it
  const spans: { start: number; end: number }[] = [];
  const offsets: number[] = [];
  let display = '';
  for (const word of words) {
    if (display !== '') display += ' ';
    const quoted = words.length > 1 && /\s/.test(word);
    spans.push({ start: display.length, end: display.length + word.length + (quoted ? 2 : 0) });
    offsets.push(display.length + (quoted ? 1 : 0));
    display += quoted ? `'${word}'` : word;
  }
  const tokens: Token[] = [];
  words.forEach((word, w) => tokenizeWord(word, w, offsets[w]!, display, tokens));
  return { tokens, words, display, wordSpans: spans };
}

function tokenizeWord(word: string, w: number, offset: number, display: string, out: Token[]): void {
  let first = true;
  const push = (kind: Token['kind'], value: string, start: number, end: number): void => {
    out.push({ kind, value, word: w, firstInWord: first, start: offset + start, end: offset + end });
    first = false;
  };
  let i = 0;
  while (i < word.length) {
    const c = word[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      push(c === '(' ? 'open' : 'close', c, i, i + 1);
      i++;
    } else if (c === '"') {
      let value = '';
      let j = i + 1;
      while (j < word.length && word[j] !== '"') {
        if (word[j] === '\\' && (word[j + 1] === '"' || word[j + 1] === '\\')) j++;
        value += word[j];
        j++;
      }
      if (j >= word.length) {
        throw new SearchSyntaxError('this quoted string has no closing quote', display, offset + i, offset + word.length);
      }
      push('quoted', value, i, j + 1);
      i = j + 1;
    } else {
      let j = i;
      while (j < word.length && !/[\s()"]/.test(word[j]!)) j++;
      push('atom', word.slice(i, j), i, j);
      i = j;
    }
  }
}
