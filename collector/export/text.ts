// Device-provided strings (hostnames, OS names, reasons quoting command output) are hostile until
// escaped for the format they land in. One function per format, used for every dynamic value.
import { createHash } from 'node:crypto';

/** HTML text and attribute values. */
export function html(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One CSV field (RFC 4180). A leading = + - @ (or tab / carriage return) would make a spreadsheet
 * evaluate the cell as a formula (OWASP "CSV injection"): such values get a leading apostrophe.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'string' ? value : String(value);
  if (!s) return s;
  // Character tests rather than regular expressions: this runs for every cell of a large export.
  const first = s.charCodeAt(0);
  if (first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13) s = `'${s}`;
  if (s.includes('"')) return `"${s.replace(/"/g, '""')}"`;
  if (s.includes(',') || s.includes('\n') || s.includes('\r')) return `"${s}"`;
  return s;
}

export function csvRow(values: readonly unknown[]): string {
  const cells = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) cells[i] = csvField(values[i]);
  return `${cells.join(',')}\r\n`;
}

/**
 * OSCAL StringDatatype (`^\S(.*\S)?$`: one line, no surrounding blanks). Control characters and line
 * separators become spaces; an empty result means "leave the property out".
 */
export function oscalString(value: unknown, max = 1024): string | null {
  if (value === null || value === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const s = String(value).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, max).trim();
  return s ? s : null;
}

/** Single-line text for titles and terminal-like places; multi-line descriptions keep their newlines. */
export function oneLine(value: unknown, max = 300): string {
  return oscalString(value, max) ?? '';
}

/** RFC 4122 version-5 UUID: deterministic ids for the same subject within one export's namespace. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
