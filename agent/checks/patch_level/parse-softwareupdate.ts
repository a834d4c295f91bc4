// `softwareupdate --list` in its two layouts, and `softwareupdate --history`.
//
// macOS 10.15 and later:
//   Software Update found the following new or updated software:
//   * Label: macOS Ventura 13.3.1-22E261
//   	Title: macOS Ventura 13.3.1, Version: 13.3.1, Size: 868648KiB, Recommended: YES, Action: restart,
// up to 10.14:
//      * macOS High Sierra 10.13.6 Supplemental Update-
//   	macOS High Sierra 10.13.6 Supplemental Update (10.13.6), 1234K [recommended] [restart]
// "No new software available." when there is nothing; "Scan finished with error: ..." (or other text and
// no list) when the catalog could not be reached.
//
// Apple does not mark security content in this output (its security notes are published separately),
// so what counts as a security update is decided by name: macOS itself (every macOS point release and
// Rapid Security Response / Background Security Improvement carries security fixes), Safari, and the
// security data and tools (XProtect, MRT, Gatekeeper). Betas are excluded: a seeded beta is not a fix a
// hospital Mac is expected to install. Command Line Tools, firmware for accessories and the like are not.
import { textLines } from '../darwin-common.js';

export interface SoftwareUpdateItem {
  label: string;
  title: string;
  version: string | null;
  recommended: boolean | null;
  restart: boolean;
  security: boolean;
}

export type SoftwareUpdateList =
  | { status: 'none'; updates: [] }
  | { status: 'updates'; updates: SoftwareUpdateItem[] }
  | { status: 'error'; updates: []; error: string };

const SECURITY = /\b(macOS|Mac OS X|OS X|Safari|Security Update|Security Response|Background Security|XProtect|MRT|Gatekeeper)\b/i;

export function isSecurityUpdate(title: string): boolean {
  return SECURITY.test(title) && !/\bbeta\b/i.test(title);
}

function item(label: string, title: string, version: string | null, recommended: boolean | null, restart: boolean): SoftwareUpdateItem {
  return { label, title, version, recommended, restart, security: isSecurityUpdate(title) };
}

/** null when the output says neither "nothing available" nor lists anything, and names no error. */
export function parseSoftwareUpdateList(text: string): SoftwareUpdateList | null {
  const lines = textLines(text);
  const error = lines.find((l) => /scan finished with error|error domain=|no network connection|can.t connect|could not (connect|be found)/i.test(l));
  const updates: SoftwareUpdateItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const modern = /^\s*\*\s*Label:\s*(.+?)\s*$/.exec(line);
    if (modern) {
      const detail = lines[i + 1] ?? '';
      const fields = new Map<string, string>();
      for (const part of detail.trim().split(/,\s*(?=[A-Za-z][A-Za-z ]*:)/)) {
        const m = /^([A-Za-z][A-Za-z ]*):\s*(.*?),?\s*$/.exec(part.trim());
        if (m) fields.set(m[1]!.toLowerCase(), m[2]!);
      }
      const title = fields.get('title');
      if (!title) continue; // truncated after the label: not enough to judge
      const rec = fields.get('recommended');
      updates.push(item(modern[1]!, title, fields.get('version') || null, rec ? /^yes$/i.test(rec) : null, /restart|shut ?down/i.test(fields.get('action') ?? '')));
      i++;
      continue;
    }
    const legacy = /^\s*\*\s+(.+?)-?\s*$/.exec(line);
    if (legacy && !/Label:/.test(line)) {
      const detail = (lines[i + 1] ?? '').trim();
      const m = /^(.+?)\s*\(([^)]*)\),\s*\d+K?(.*)$/.exec(detail);
      if (!m) continue;
      updates.push(item(legacy[1]!.replace(/-$/, ''), m[1]!, m[2] || null, /\[recommended\]/i.test(m[3]!), /\[restart\]/i.test(m[3]!)));
      i++;
    }
  }
  if (updates.length) return { status: 'updates', updates };
  if (error) return { status: 'error', updates: [], error: error.trim().slice(0, 300) };
  if (lines.some((l) => /^\s*No new software available\.?\s*$/i.test(l))) return { status: 'none', updates: [] };
  return null;
}

export interface HistoryEntry {
  name: string;
  version: string;
  /** ISO 8601 (the local time read as UTC: softwareupdate prints no zone). */
  installedAt: string;
}

function iso(y: number, mo: number, d: number, h: number, mi: number, s: number): string | null {
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  if (!Number.isFinite(t) || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return back.toISOString();
}

/**
 * `softwareupdate --history`: a "Display Name  Version  Date" table. The date follows the user's
 * regional format ("04/07/2023, 08:01:12" may be 7 April or 4 July). When day and month cannot be told
 * apart the earlier reading is taken, so an ambiguous date never makes the Mac look more up to date.
 * Rows whose date cannot be read are skipped; null when there is no table at all.
 */
export function parseSoftwareUpdateHistory(text: string): HistoryEntry[] | null {
  const lines = textLines(text);
  const head = lines.findIndex((l) => /^\s*Display Name\s+Version\s+Date\s*$/.test(l));
  if (head < 0) return null;
  const out: HistoryEntry[] = [];
  for (const line of lines.slice(head + 1)) {
    if (/^\s*-+\s+-+\s+-+\s*$/.test(line) || line.trim() === '') continue;
    const m = /^\s*(.+?)\s{2,}(\S+)\s+(\d{1,4})[./-](\d{1,2})[./-](\d{1,4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?\s*$/i.exec(line);
    if (!m) continue;
    let [a, b, c] = [Number(m[3]), Number(m[4]), Number(m[5])];
    let h = Number(m[6]);
    if (m[9]) h = (h % 12) + (/pm/i.test(m[9]) ? 12 : 0);
    const [mi, s] = [Number(m[7]), Number(m[8] ?? 0)];
    const readings: (string | null)[] = [];
    if (a > 31) readings.push(iso(a, b, c, h, mi, s)); // 2023-07-04
    else {
      if (c < 100) c += 2000;
      readings.push(iso(c, a, b, h, mi, s), iso(c, b, a, h, mi, s)); // month-first, day-first
    }
    const valid = readings.filter((r): r is string => r !== null).sort();
    if (valid[0]) out.push({ name: m[1]!.trim(), version: m[2]!, installedAt: valid[0] });
  }
  return out;
}
