// Windows Firewall profiles as Get-NetFirewallProfile reports them: ConvertTo-Json (enums as numbers:
// Enabled is a GpoBoolean 0 False / 1 True / 2 NotConfigured; DefaultInboundAction is 0 NotConfigured /
// 2 Allow / 4 Block) and the Format-List / Format-Table text (English enum names in every language).
// Pure; never throws.
import { asArray, bool, num, parseFormatList, parseFormatTable, parsePsJson, rec, str } from '../windows-common.js';

export type WinProfileName = 'Domain' | 'Private' | 'Public';

export interface WinProfile {
  profile: WinProfileName;
  enabled: boolean | null;
  /** notconfigured: no store sets it, so Windows' built-in default (block) applies. */
  inbound: 'block' | 'allow' | 'notconfigured' | null;
}

/** "Domain", "Private", "Public", or the NetFirewallProfile flag values 1 / 2 / 4. */
export function profileName(v: unknown): WinProfileName | null {
  const s = (str(v) ?? '').trim().toLowerCase();
  if (s === 'domain' || s === '1') return 'Domain';
  if (s === 'private' || s === '2') return 'Private';
  if (s === 'public' || s === '4') return 'Public';
  return null;
}

export function inboundAction(v: unknown): WinProfile['inbound'] {
  const n = num(v);
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (n === 4 || s === 'block') return 'block';
  if (n === 2 || s === 'allow') return 'allow';
  if (n === 0 || s === 'notconfigured') return 'notconfigured';
  return null;
}

/** GpoBoolean: 2 / NotConfigured is "no value in this store", not on or off. */
export function gpoBoolean(v: unknown): boolean | null {
  if (num(v) === 2 || (typeof v === 'string' && /^\s*notconfigured\s*$/i.test(v))) return null;
  return bool(v);
}

function fromItem(item: unknown): WinProfile | null {
  const r = rec(item);
  if (!r) return null;
  const profile = profileName(r.Name ?? r.Profile);
  if (!profile) return null;
  return { profile, enabled: gpoBoolean(r.Enabled), inbound: inboundAction(r.DefaultInboundAction) };
}

/** Profiles from ConvertTo-Json output (or its parsed value); null when it is not profile data. */
export function parseFirewallProfilesJson(input: unknown): WinProfile[] | null {
  const value = typeof input === 'string' ? parsePsJson(input) : input;
  if (value === null || typeof value !== 'object') return null;
  const out = asArray(value).map(fromItem).filter((p): p is WinProfile => p !== null);
  return out.length ? out : null;
}

/** Profiles from Format-List (hard-wrapped on narrow consoles) or Format-Table text; null when none. */
export function parseFirewallProfilesText(text: string): WinProfile[] | null {
  const rows = /^\s*-{2,}\s+-{2,}/m.test(text) ? parseFormatTable(text) : parseFormatList(text);
  const out = rows.map(fromItem).filter((p): p is WinProfile => p !== null);
  return out.length ? out : null;
}
