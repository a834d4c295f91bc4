// Windows anti-malware inventory. Pure; never throws.
//
// SecurityCenter2 AntiVirusProduct.productState is an undocumented bit field (WSC_SECURITY_PRODUCT_STATE
// is not published for this class); the decoding below is the one used across the community and holds for
// Defender and third-party products: read as 0xAABBCC, the middle byte BB has 0x10 set when the product is
// on (real-time scanning enabled), the low byte CC has 0x10 set when its definitions are out of date. For
// example 397568 = 0x061100: on, up to date; 393472 = 0x060100: off; 397584 = 0x061110: on, out of date.
//
// Get-MpComputerStatus (Defender) is read as JSON from our script or, in support captures, as Format-List
// text (property names are English in every language; dates in the text are locale-formatted, so the
// integer AntivirusSignatureAge is used there).
import { asArray, bool, num, parseFormatList, parseFormatTable, parsePsJson, psDate, rec, str } from '../windows-common.js';

export interface ScProduct {
  name: string;
  state: number | null;
  enabled: boolean | null;
  definitionsOutOfDate: boolean | null;
}

export function decodeProductState(state: number): { enabled: boolean; definitionsOutOfDate: boolean } {
  return { enabled: ((state >> 8) & 0x10) !== 0, definitionsOutOfDate: (state & 0x10) !== 0 };
}

function scFrom(item: unknown): ScProduct | null {
  const r = rec(item);
  const name = str(r?.displayName)?.trim();
  if (!r || !name) return null;
  const state = num(r.productState);
  const d = state !== null && state >= 0 ? decodeProductState(state) : null;
  return { name, state, enabled: d?.enabled ?? null, definitionsOutOfDate: d?.definitionsOutOfDate ?? null };
}

/**
 * AntiVirusProduct objects as JSON: an array (our script), one object, or cnquery's
 * { antiVirus: [...], antiSpyware: [...], firewall: [...] }. null when not that shape.
 */
export function parseSecurityCenterJson(input: unknown): ScProduct[] | null {
  const value = typeof input === 'string' ? parsePsJson(input) : input;
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object') return null;
  const r = rec(value);
  const items = r && 'antiVirus' in r ? asArray(r.antiVirus) : r && !('displayName' in r) ? null : asArray(value);
  if (!items) return null;
  return items.map(scFrom).filter((p): p is ScProduct => p !== null);
}

/** `... | Select-Object displayName` printed as a table: names only, state unknown. */
export function parseSecurityCenterTable(text: string): ScProduct[] | null {
  const rows = parseFormatTable(text).filter((r) => (r.displayName ?? '').trim());
  return rows.length ? rows.map((r) => ({ name: r.displayName!.trim(), state: null, enabled: null, definitionsOutOfDate: null })) : null;
}

export interface MpStatus {
  serviceEnabled: boolean | null;
  antivirusEnabled: boolean | null;
  realtime: boolean | null;
  /** AMRunningMode: Normal, Passive Mode, EDR Block Mode, SxS Passive Mode. */
  runningMode: string | null;
  signatureAgeDays: number | null;
  /** ms since epoch, when the JSON carried a date. */
  signatureUpdatedMs: number | null;
  tamperProtected: boolean | null;
  version: string | null;
}

function mpFrom(r: Record<string, unknown>): MpStatus | null {
  const known = ['AMServiceEnabled', 'AntivirusEnabled', 'RealTimeProtectionEnabled', 'AntivirusSignatureAge', 'AMRunningMode'];
  if (!known.some((k) => k in r)) return null;
  const age = num(r.AntivirusSignatureAge);
  return {
    serviceEnabled: bool(r.AMServiceEnabled),
    antivirusEnabled: bool(r.AntivirusEnabled),
    realtime: bool(r.RealTimeProtectionEnabled),
    runningMode: str(r.AMRunningMode)?.trim() || null,
    // 65535 / 4294967295 stand for "never" in the Defender WMI provider.
    signatureAgeDays: age !== null && age >= 0 && age < 65535 ? age : null,
    signatureUpdatedMs: psDate(r.AntivirusSignatureLastUpdated),
    tamperProtected: bool(r.IsTamperProtected),
    version: str(r.AMProductVersion)?.trim() || null,
  };
}

export function parseMpStatusJson(input: unknown): MpStatus | null {
  const value = typeof input === 'string' ? parsePsJson(input) : input;
  const r = rec(value);
  return r ? mpFrom(r) : null;
}

export function parseMpStatusText(text: string): MpStatus | null {
  const r = parseFormatList(text)[0];
  return r ? mpFrom(r) : null;
}
