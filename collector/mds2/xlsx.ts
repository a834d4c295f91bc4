// The first worksheet of an .xlsx file as rows of cell texts, for MDS2 forms kept as spreadsheets. An .xlsx
// is a zip of XML parts (ECMA-376): the zip's central directory names the parts, each is stored or
// deflated (node:zlib inflateRaw); xl/sharedStrings.xml holds the strings cells refer to by index, and
// the workbook and its relationships name the first sheet's part. Only what a form needs is read: cell
// texts and numbers, no styles or formulas (a formula's cached value is used).
//
// Every size is bounded before anything is inflated (a zip bomb stops at the limit); zip64, encrypted
// entries and other compression methods are refused.
import { inflateRawSync } from 'node:zlib';
import type { CsvRow } from './csv.js';

export class XlsxError extends Error {}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const MAX_PART_BYTES = 8 * 1024 * 1024;
const MAX_ENTRIES = 2000;

export function isZip(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50;
}

/** The central directory: every entry by name. */
export function zipEntries(buf: Buffer): Map<string, ZipEntry> {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new XlsxError('not a complete zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new XlsxError('zip64 archives are not read');
  if (count > MAX_ENTRIES) throw new XlsxError(`more than ${MAX_ENTRIES} zip entries`);
  if (cdOffset + cdSize > eocd) throw new XlsxError('the zip central directory lies outside the file');
  const out = new Map<string, ZipEntry>();
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== 0x02014b50) throw new XlsxError('a zip central directory entry is malformed');
    const flags = buf.readUInt16LE(p + 8);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    if (p + 46 + nameLen > eocd) throw new XlsxError('a zip entry name runs past the central directory');
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    if (flags & 1) throw new XlsxError(`zip entry ${name} is encrypted`);
    out.set(name, { name, method: buf.readUInt16LE(p + 10), compressedSize: buf.readUInt32LE(p + 20), size: buf.readUInt32LE(p + 24), localOffset: buf.readUInt32LE(p + 42) });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** One entry's bytes, inflated; the declared size is checked and bounded. */
export function zipRead(buf: Buffer, e: ZipEntry, maxBytes = MAX_PART_BYTES): Buffer {
  if (e.size > maxBytes) throw new XlsxError(`zip entry ${e.name} is larger than ${maxBytes} bytes`);
  const h = e.localOffset;
  if (h + 30 > buf.length || buf.readUInt32LE(h) !== 0x04034b50) throw new XlsxError(`zip entry ${e.name} has no local header`);
  const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
  const end = start + e.compressedSize;
  if (end > buf.length) throw new XlsxError(`zip entry ${e.name} runs past the end of the file`);
  const raw = buf.subarray(start, end);
  let data: Buffer;
  if (e.method === 0) data = raw;
  else if (e.method === 8) {
    try {
      data = inflateRawSync(raw, { maxOutputLength: maxBytes });
    } catch (err) {
      throw new XlsxError(`zip entry ${e.name} could not be inflated: ${(err as Error).message}`);
    }
  } else throw new XlsxError(`zip entry ${e.name} uses compression method ${e.method}`);
  if (data.length !== e.size) throw new XlsxError(`zip entry ${e.name} is ${data.length} bytes, the directory says ${e.size}`);
  return data;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (m, e: string) => {
    if (e.startsWith('#')) {
      const cp = e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e] ?? m;
  });
}

/** The text of every <t> element inside a fragment (plain and rich-text runs), joined. */
function texts(fragment: string): string {
  let out = '';
  for (const m of fragment.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)) out += unescapeXml(m[1]!);
  return out;
}

function attr(attrs: string, name: string): string | null {
  return new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs)?.[1] ?? null;
}

/** "B7" → column index 1. */
function columnOf(ref: string): number | null {
  const m = /^([A-Z]{1,3})\d+$/.exec(ref);
  if (!m) return null;
  let n = 0;
  for (const ch of m[1]!) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function firstSheetPath(entries: Map<string, ZipEntry>, buf: Buffer): string {
  const wb = entries.get('xl/workbook.xml');
  const rels = entries.get('xl/_rels/workbook.xml.rels');
  if (wb && rels) {
    const sheet = /<sheet\b([^>]*)\/?>/.exec(zipRead(buf, wb).toString('utf8'));
    const rid = sheet ? attr(sheet[1]!, 'r:id') : null;
    if (rid) {
      for (const m of zipRead(buf, rels).toString('utf8').matchAll(/<Relationship\b([^>]*)\/?>/g)) {
        if (attr(m[1]!, 'Id') !== rid) continue;
        const target = attr(m[1]!, 'Target') ?? '';
        const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
        if (entries.has(path)) return path;
      }
    }
  }
  if (entries.has('xl/worksheets/sheet1.xml')) return 'xl/worksheets/sheet1.xml';
  throw new XlsxError('the workbook has no worksheet');
}

/** The first worksheet's rows, each with its spreadsheet row number and its cells' texts by column. */
export function xlsxRows(buf: Buffer, maxRows = 100_000): CsvRow[] {
  if (!isZip(buf)) throw new XlsxError('not a zip file');
  const entries = zipEntries(buf);
  const sst = entries.get('xl/sharedStrings.xml');
  const shared = sst ? [...zipRead(buf, sst).toString('utf8').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => texts(m[1]!)) : [];
  const sheet = zipRead(buf, entries.get(firstSheetPath(entries, buf))!).toString('utf8');
  const rows: CsvRow[] = [];
  let fallback = 0;
  for (const r of sheet.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const line = Number(attr(r[1]!, 'r') ?? fallback + 1);
    fallback = line;
    const fields: string[] = [];
    let next = 0;
    for (const c of (r[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const ref = attr(c[1]!, 'r');
      const col = ref ? columnOf(ref) : next;
      if (col === null || col > 256) continue;
      next = col + 1;
      const type = attr(c[1]!, 't');
      const body = c[2] ?? '';
      const v = /<v>([^<]*)<\/v>/.exec(body)?.[1];
      let value = '';
      if (type === 's') value = shared[Number(v)] ?? '';
      else if (type === 'inlineStr') value = texts(body);
      else if (v !== undefined) value = unescapeXml(v);
      while (fields.length < col) fields.push('');
      fields[col] = value;
    }
    if (fields.some((f) => f.trim() !== '')) rows.push({ line, fields: fields.map((f) => f.trim()) });
    if (rows.length > maxRows) throw new XlsxError(`more than ${maxRows} rows`);
  }
  return rows;
}
