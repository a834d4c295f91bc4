// netsh advfirewall profile blocks: the fallback where the NetSecurity PowerShell module is missing
// (Windows 7 / Server 2008 R2) or PowerShell itself is blocked.
// Trap: `netsh advfirewall show allprofiles|currentprofile` prints the *local* policy store, which Group
// Policy can override; it gives itself away with LocalFirewallRules "N/A (GPO-store only)" (a setting that
// exists only in GPO stores). `netsh advfirewall monitor show firewall` prints the active (effective)
// settings, so the collector runs that one. Labels and the on/off
// words are translated ("State ON", "Status EIN", "État ACTIVÉ"); the firewall policy token
// ("BlockInbound,AllowOutbound") is not. Each profile block is a header line ending in ":" followed by a
// dashed rule; its first setting line is the state. Pure; never throws.
import type { WinProfileName } from './parse-win-firewall.js';

export interface NetshProfile {
  profile: WinProfileName;
  enabled: boolean | null;
  inbound: 'block' | 'allow' | null;
  /** The block is the local policy store (GPO-only settings shown as N/A), not the effective settings. */
  localStore: boolean;
}

function profileOf(header: string): WinProfileName | null {
  const h = header.toLowerCase();
  if (/dom/.test(h)) return 'Domain';
  if (/priv/.test(h)) return 'Private';
  if (/pub|ffentlich/.test(h)) return 'Public';
  return null;
}

/** ON/OFF and translations (EIN/AUS, ACTIVÉ/DÉSACTIVÉ, ACTIVADO/DESACTIVADO, ATIVADO/DESATIVADO). */
export function netshState(v: string): boolean | null {
  const s = v.trim().toLowerCase();
  if (/^(off|aus|d\S{0,3}sactiv|desactiv|desativ|inactiv|disattiv|uit)/.test(s)) return false;
  if (/^(on|ein|activ|ativ|attiv|aan)/.test(s)) return true;
  return null;
}

export function parseNetshProfiles(text: string): NetshProfile[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.replace(/\u00a0/g, ' ').replace(/\s+$/, ''));
  const out: NetshProfile[] = [];
  let cur: NetshProfile | null = null;
  let expectState = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '') ?? '';
    if (/:\s*$/.test(line) && /^-{10,}$/.test(next.trim())) {
      const profile = profileOf(line);
      cur = profile ? { profile, enabled: null, inbound: null, localStore: false } : null;
      if (cur) out.push(cur);
      expectState = false;
      continue;
    }
    if (!cur) continue;
    if (/^-{10,}$/.test(line.trim())) {
      expectState = true;
      continue;
    }
    const m = /^(\S.*?)\s{2,}(\S.*)$/.exec(line);
    if (!m) continue;
    const value = m[2]!;
    if (expectState) {
      cur.enabled = netshState(value);
      expectState = false;
    }
    const policy = /\b(Block|Allow)Inbound/i.exec(value);
    if (policy) cur.inbound = policy[1]!.toLowerCase() === 'block' ? 'block' : 'allow';
    if (/GPO/i.test(value)) cur.localStore = true;
  }
  return out;
}
