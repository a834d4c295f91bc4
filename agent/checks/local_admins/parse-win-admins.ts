// Members of the local Administrators group (well-known SID S-1-5-32-544). Pure; never throws.
// - Get-LocalGroupMember | ConvertTo-Json: Name ("PC01\Administrator", "HOSP\Domain Admins",
//   "AzureAD\name@tenant"), SID (a string, or an object with Value), ObjectClass. A member whose SID no
//   longer resolves has no name: it is reported by SID.
// - `net localgroup <name>`: members are the lines between the dashed rule and the closing "The command
//   completed successfully." (translated; recognised as the last line, which ends with a full stop: account
//   names cannot end with one).
import { asArray, parsePsJson, rec, str } from '../windows-common.js';

export interface AdminMember {
  name: string;
  objectClass: string | null;
}

export function parseLocalGroupMembersJson(input: unknown): AdminMember[] | null {
  const value = typeof input === 'string' ? parsePsJson(input) : input;
  // An empty group is printed as []; null (or text that is not JSON) says nothing about the members.
  if (value === null || value === undefined || typeof value !== 'object') return null;
  const out: AdminMember[] = [];
  for (const item of asArray(value)) {
    const r = rec(item);
    if (!r) return null;
    const sid = str(r.SID) ?? str(rec(r.SID)?.Value);
    const name = str(r.Name)?.trim() || sid?.trim();
    if (!name) continue;
    out.push({ name, objectClass: str(r.ObjectClass)?.trim() || null });
  }
  return out;
}

export function parseNetLocalgroup(text: string): AdminMember[] | null {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.replace(/\s+$/, ''));
  const rule = lines.findIndex((l) => /^-{20,}$/.test(l.trim()));
  if (rule < 0) return null;
  const rest = lines.slice(rule + 1).filter((l) => l.trim() !== '');
  const last = rest.at(-1);
  if (last !== undefined && /\s/.test(last.trim()) && /\.$/.test(last.trim())) rest.pop();
  return rest.map((l) => ({ name: l.trim(), objectClass: null }));
}

/** "BUILTIN\Administratoren" → "Administratoren": the name `net localgroup` expects. */
export function groupShortName(full: string): string {
  return full.includes('\\') ? full.slice(full.lastIndexOf('\\') + 1) : full;
}
