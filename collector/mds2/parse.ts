// A manufacturer's MDS2 form (ANSI/NEMA HN 1-2019) as CSV or XLSX: one row per question with its ID
// ("STCF-1", "AUDT-4.1.1") and the manufacturer's answer (Yes, No, N/A, See Note). The header row names
// the columns; the form's own headings ("Question ID", "Yes, No, N/A, or See Note", "Note #") and short
// forms ("ID", "Answer", "Note") are recognised, in any case, anywhere in the first rows (the form has a
// title block above the table). Rows without an answer and without a question ID (section headings, the
// notes block) are skipped; a row with an answer must have a valid ID. Every bad row is reported with its
// line (the spreadsheet row for XLSX), under the stable code E_MDS2. For XLSX the first worksheet is
// read (xlsx.ts).
import { VigilError } from '../../protocol/errors.js';
import { CsvError, parseCsv, type CsvRow } from './csv.js';
import { XlsxError, isZip, xlsxRows } from './xlsx.js';

export type Mds2Answer = 'yes' | 'no' | 'n/a' | 'see note';

export interface Mds2Row {
  id: string;
  answer: Mds2Answer;
  note: string | null;
  line: number;
}

export const MAX_MDS2_BYTES = 2 * 1024 * 1024;
const QUESTION_ID = /^[A-Z]{4}-\d{1,2}(\.\d{1,2}){0,3}$/;

export function normaliseAnswer(s: string): Mds2Answer | null {
  const t = s.trim().toLowerCase().replace(/\s+/g, ' ');
  if (t === 'yes' || t === 'y') return 'yes';
  if (t === 'no' || t === 'n') return 'no';
  if (t === 'n/a' || t === 'na' || t === 'n.a.' || t === 'not applicable') return 'n/a';
  if (t === 'see note' || t === 'see notes') return 'see note';
  return null;
}

function headerColumns(fields: string[]): { id: number; answer: number; note: number } | null {
  const norm = fields.map((f) => f.trim().toLowerCase());
  const id = norm.findIndex((f) => f === 'id' || f === 'question id' || f === 'question_id' || f === 'mds2 id');
  const answer = norm.findIndex((f) => f === 'answer' || f === 'response' || /^yes, ?no, ?n\/a/.test(f));
  const note = norm.findIndex((f) => f === 'note' || f === 'notes' || f === 'note #' || f === 'comment' || f === 'comments');
  return id >= 0 && answer >= 0 && id !== answer ? { id, answer, note } : null;
}

/** Parses one model's form, CSV or XLSX; throws VigilError E_MDS2 listing every problem by line. */
export function parseMds2Form(input: Buffer | string): Mds2Row[] {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (buf.length > MAX_MDS2_BYTES) throw new VigilError('E_MDS2', `the file is larger than ${MAX_MDS2_BYTES} bytes`);
  if (isZip(buf)) {
    try {
      return fromRows(xlsxRows(buf), 'row');
    } catch (err) {
      if (err instanceof XlsxError) throw new VigilError('E_MDS2', `XLSX: ${err.message}`, [`XLSX: ${err.message}`]);
      throw err;
    }
  }
  const text = buf.toString('utf8');
  if (text.includes('\uFFFD')) throw new VigilError('E_MDS2', 'the file is neither XLSX nor UTF-8 text (save it as "CSV UTF-8")');
  try {
    return fromRows(parseCsv(text), 'line');
  } catch (err) {
    if (err instanceof CsvError) throw new VigilError('E_MDS2', `line ${err.line}: ${err.message}`, [`line ${err.line}: ${err.message}`]);
    throw err;
  }
}

function fromRows(rows: CsvRow[], unit: 'line' | 'row'): Mds2Row[] {
  const headerAt = rows.slice(0, 30).findIndex((r) => headerColumns(r.fields) !== null);
  if (headerAt < 0) throw new VigilError('E_MDS2', 'no header row with a question ID column and an answer column in the first 30 rows', [`${unit} 1: expected columns "Question ID" and "Answer" (or "Yes, No, N/A, or See Note")`]);
  const cols = headerColumns(rows[headerAt]!.fields)!;
  const problems: string[] = [];
  const out: Mds2Row[] = [];
  const seen = new Map<string, number>();
  for (const r of rows.slice(headerAt + 1)) {
    const id = (r.fields[cols.id] ?? '').trim().toUpperCase();
    const raw = (r.fields[cols.answer] ?? '').trim();
    // Section headings, blank rows and the notes block under the table carry no answer.
    if (!id || (!QUESTION_ID.test(id) && !raw)) continue;
    if (!QUESTION_ID.test(id)) {
      problems.push(`${unit} ${r.line}: question ID "${id.slice(0, 40)}" is not in the HN 1-2019 form (four letters, a dash, a number: STCF-1, AUDT-4.1.1)`);
      continue;
    }
    const answer = normaliseAnswer(raw);
    if (!answer) {
      problems.push(`${unit} ${r.line}: ${id}: answer "${raw.slice(0, 40)}" is not Yes, No, N/A or See Note`);
      continue;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push(`${unit} ${r.line}: ${id} is answered again (first on ${unit} ${first})`);
      continue;
    }
    seen.set(id, r.line);
    const note = cols.note >= 0 ? (r.fields[cols.note] ?? '').trim().slice(0, 2000) : '';
    out.push({ id, answer, note: note || null, line: r.line });
  }
  if (problems.length) throw new VigilError('E_MDS2', `${problems.length} bad row(s); first: ${problems[0]}`, problems.slice(0, 100));
  if (!out.length) throw new VigilError('E_MDS2', 'no answered question found under the header', [`${unit} ${rows[headerAt]!.line}: header found, but no question rows follow`]);
  return out;
}
