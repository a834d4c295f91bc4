// Installed Windows updates (QFEs): Get-HotFix as JSON from our script (InstalledOn already ISO), and the
// text tables of Get-HotFix and `wmic qfe get Caption,Description,HotFixID,InstalledOn`. Pure; never throws.
//
// Dates: Win32_QuickFixEngineering.InstalledOn is a string, normally M/D/YYYY whatever the display
// language (it is what Get-HotFix and wmic print), sometimes D.M.YYYY, and on a few systems a 64-bit
// FILETIME in hex. A slashed date whose first part is over 12 can only be D/M/YYYY.
import { asArray, parseFormatTable, parsePsJson, rec, str } from '../windows-common.js';

export interface Hotfix {
  id: string;
  description: string | null;
  /** YYYY-MM-DD, null when absent or unreadable. */
  installedOn: string | null;
}

const pad = (n: number) => String(n).padStart(2, '0');

function ymd(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1990 || y > 2100) return null;
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (back.getUTCMonth() !== m - 1) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

export function hotfixDate(v: unknown): string | null {
  const s = (str(v) ?? '').trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) return ymd(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\b/.exec(s);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    return a > 12 ? ymd(Number(m[3]), b, a) : ymd(Number(m[3]), a, b);
  }
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})\b/.exec(s);
  if (m) return ymd(Number(m[3]), Number(m[2]), Number(m[1]));
  if (/^[0-9a-f]{16}$/i.test(s)) {
    const ms = Number(BigInt(`0x${s}`) / 10000n) - 11644473600000;
    if (!Number.isFinite(ms)) return null;
    const d = new Date(ms);
    return ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  return null;
}

const KB = /^KB\d{5,8}$/i;

function fromRow(r: Record<string, unknown> | null): Hotfix | null {
  if (!r) return null;
  const id = (str(r.HotFixID) ?? str(r.HotfixID) ?? '').trim();
  if (!KB.test(id) && !/^Q\d+$/i.test(id)) return null;
  return { id: id.toUpperCase(), description: str(r.Description)?.trim() || null, installedOn: hotfixDate(r.InstalledOn) };
}

/** Get-HotFix | Select-Object HotFixID,Description,InstalledOn as JSON (or its parsed value). */
export function parseHotfixJson(input: unknown): Hotfix[] | null {
  const value = typeof input === 'string' ? parsePsJson(input) : input;
  if (value === null || value === undefined || typeof value !== 'object') return null;
  const items = asArray(value);
  const out = items.map((i) => fromRow(rec(i))).filter((h): h is Hotfix => h !== null);
  return out.length || items.length === 0 ? out : null;
}

/** Get-HotFix's default table or wmic qfe's fixed-width table. null when no update row is found. */
export function parseHotfixTable(text: string): Hotfix[] | null {
  const out = parseFormatTable(text)
    .map((r) => fromRow(r))
    .filter((h): h is Hotfix => h !== null);
  return out.length ? out : null;
}

/** Count, and the newest by install date (ties: the higher KB number, a later release). */
export function hotfixSummary(list: Hotfix[]): { count: number; latestId?: string; latestInstalledAt: string | null } {
  const dated = list.filter((h) => h.installedOn !== null);
  if (!dated.length) return { count: list.length, latestInstalledAt: null };
  const kbNum = (h: Hotfix) => Number(/\d+/.exec(h.id)?.[0] ?? 0);
  const latest = dated.reduce((a, b) => (b.installedOn! > a.installedOn! || (b.installedOn === a.installedOn && kbNum(b) > kbNum(a)) ? b : a));
  return { count: list.length, latestId: latest.id, latestInstalledAt: latest.installedOn };
}
