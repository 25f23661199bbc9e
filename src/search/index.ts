// IMAP SEARCH criteria: parse once, evaluate per message (prune, and any
// operation that selects messages), or send to an IMAP server (toImap()).
export { SearchCriteria } from './criteria.js';
export { EmptySearchCriteria, SearchSyntaxError } from './errors.js';
export type { IndexEntry, LastMessage } from './evaluate.js';
export type { ImapPart } from './imap.js';
export type { SearchKey } from './keys.js';
export { MessageView } from './message/view.js';
