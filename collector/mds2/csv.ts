// RFC 4180 CSV, as spreadsheet programs write it: fields separated by commas (or semicolons, which
// European Excel writes), optionally quoted with doubled quotes inside, CRLF or LF line ends, a BOM at
// the start. Quoted fields may span lines; each row keeps the line it started on for error messages.

export interface CsvRow {
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** The delimiter of the first line: the one of comma, semicolon or tab that occurs most outside quotes. */
export function sniffDelimiter(text: string): string {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const bare = first.replace(/"[^"]*"/g, '');
  const counts = [',', ';', '\t'].map((d) => [d, bare.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

/** Parses the whole text; throws CsvError (with the line) on an unterminated quote or stray quote. */
export function parseCsv(text: string, delimiter = sniffDelimiter(text), maxRows = 100_000): CsvRow[] {
  const s = text.replace(/^\uFEFF/, '');
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    fields.push(wasQuoted ? field : field.trim());
    field = '';
    wasQuoted = false;
  };
  const endRow = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    if (rows.length > maxRows) throw new CsvError(rowLine, `more than ${maxRows} rows`);
    fields = [];
  };
  while (i < s.length) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        // After a closing quote only spaces may come before the delimiter or the line end.
        while (s[i] === ' ') i++;
        if (i < s.length && s[i] !== delimiter && s[i] !== '\r' && s[i] !== '\n') throw new CsvError(line, 'unexpected text after a closing quote');
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      field = '';
      i++;
      continue;
    }
    if (c === delimiter) {
      endField();
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRow();
      if (c === '\r' && s[i + 1] === '\n') i++;
      i++;
      line++;
      rowLine = line;
      continue;
    }
    field += c;
    i++;
  }
  if (quoted) throw new CsvError(rowLine, 'a quoted field is not closed');
  if (field !== '' || fields.length) endRow();
  return rows;
}
