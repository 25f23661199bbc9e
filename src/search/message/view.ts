// One message as the search keys that read its text see it: the header
// fields, the envelope's address lists, subject and date, and the searchable
// pieces of its MIME structure, each decoded and folded once, on first use.
import { parseCClientDate, type MailDate } from '../../mail/dates.js';
import { addressSearchText } from './addresses.js';
import { decodeText } from './charset.js';
import { decodeHeaderText } from './encoded-words.js';
import { fold } from './fold.js';
import { firstField, parseFields, splitEntity, unfold, type HeaderField } from './header.js';
import { searchPieces } from './mime.js';
import { decodeTransfer } from './transfer.js';

export type AddressField = 'FROM' | 'TO' | 'CC' | 'BCC';

export class MessageView {
  private fieldList?: HeaderField[];
  private readonly folded = new Map<string, string | undefined>();
  private pieceTexts?: { header: boolean; text: string }[];

  constructor(readonly text: Buffer) {}

  private get fields(): HeaderField[] {
    this.fieldList ??= parseFields(splitEntity(this.text).header);
    return this.fieldList;
  }

  private memo(key: string, compute: () => string | undefined): string | undefined {
    if (!this.folded.has(key)) this.folded.set(key, compute());
    return this.folded.get(key);
  }

  /** The field's addresses as c-client writes them (`Personal <mailbox@host>`, ...), decoded; undefined without such a field. */
  addressText(field: AddressField): string | undefined {
    // c-client also reads a `>From:` header line as From:
    const names = field === 'FROM' ? ['FROM', '>FROM'] : [field];
    const values = this.fields.filter((f) => names.includes(f.name)).map((f) => unfold(f.value).toString('latin1'));
    return values.length === 0 ? undefined : decodeHeaderText(Buffer.from(addressSearchText(values), 'latin1'));
  }

  /** addressText, folded for searching. */
  addresses(field: AddressField): string | undefined {
    return this.memo(field, () => {
      const text = this.addressText(field);
      return text === undefined ? undefined : fold(text);
    });
  }

  /** The first Subject:, decoded and folded. */
  subject(): string | undefined {
    return this.memo('SUBJECT', () => {
      const value = firstField(this.fields, 'SUBJECT');
      return value && fold(decodeHeaderText(unfold(value)));
    });
  }

  /**
   * HEADER's text: the values of every field of that name, each line of a folded field on a line
   * of its own, decoded and folded; undefined when the message has no such field.
   */
  headerText(name: string): string | undefined {
    const upper = name.toUpperCase();
    return this.memo(`HEADER ${upper}`, () => {
      const values = this.fields.filter((f) => f.name === upper);
      if (values.length === 0) return undefined;
      const lines = values.flatMap((f) => f.value.toString('latin1').split(/\r?\n/).filter((l) => l !== ''));
      return fold(decodeHeaderText(Buffer.from(lines.join('\n'), 'latin1')));
    });
  }

  /** The first field of that name (FROM, SUBJECT, ...) decoded for people, not folded; undefined without one. */
  decodedField(name: string): string | undefined {
    const value = firstField(this.fields, name.toUpperCase());
    return value && decodeHeaderText(unfold(value));
  }

  /** The first Date: as c-client parses it; undefined when there is none or it cannot be parsed. */
  sentDate(): MailDate | undefined {
    const value = firstField(this.fields, 'DATE');
    return value ? parseCClientDate(unfold(value).toString('latin1')) : undefined;
  }

  /** TEXT (with headers) and BODY (without): whether any searchable piece holds the folded string. */
  contains(needle: string, withHeaders: boolean): boolean {
    this.pieceTexts ??= [...searchPieces(this.text, true)].map((p) => ({
      header: p.kind === 'header',
      text: fold(p.kind === 'header' ? decodeHeaderText(p.bytes) : decodeText(decodeTransfer(p.bytes, p.encoding), p.charset)),
    }));
    return this.pieceTexts.some((p) => (withHeaders || !p.header) && p.text.includes(needle));
  }
}
