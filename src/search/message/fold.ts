// The form both sides of a text comparison take, so that a search is
// case-insensitive in every script: upper case, then Unicode compatibility
// decomposition. c-client canonicalises both the searched text and the
// search string the same way (titlecase and decomposition, U8T_CANONICAL),
// as RFC 5051's i;unicode-casemap does.

export function fold(text: string): string {
  return text.toUpperCase().normalize('NFKD');
}
