// Remote access on Windows, from registry values and service states as our script prints them, and the
// OpenSSH server's sshd_config. Pure; never throws.
// - RDP: fDenyTSConnections 0 = connections allowed; UserAuthentication 1 = Network Level Authentication
//   required. The Group Policy copy under HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services
//   overrides the local value when present.
// - sshd_config: the first occurrence of a keyword wins (sshd semantics); settings inside Match blocks
//   apply to some users only and are not the global value. PasswordAuthentication defaults to yes.
import { num, rec } from '../windows-common.js';

export interface RdpState {
  enabled: boolean | null;
  nla: boolean | null;
  /** Which value decided: "policy" or "local". */
  enabledFrom: 'policy' | 'local' | null;
  nlaFrom: 'policy' | 'local' | null;
}

function effective(policy: unknown, local: unknown): { v: number | null; from: 'policy' | 'local' | null } {
  const p = num(policy);
  if (p !== null) return { v: p, from: 'policy' };
  const l = num(local);
  return { v: l, from: l === null ? null : 'local' };
}

export function rdpState(ts: unknown, rdpTcp: unknown, tsPolicy: unknown): RdpState {
  const deny = effective(rec(tsPolicy)?.fDenyTSConnections, rec(ts)?.fDenyTSConnections);
  const nla = effective(rec(tsPolicy)?.UserAuthentication, rec(rdpTcp)?.UserAuthentication);
  return {
    enabled: deny.v === null ? null : deny.v === 0,
    nla: nla.v === null ? null : nla.v === 1,
    enabledFrom: deny.from,
    nlaFrom: nla.from,
  };
}

export interface SshdSettings {
  passwordAuthentication: boolean | null;
  permitRootLogin: string | null;
}

export function parseSshdConfig(text: string): SshdSettings {
  const first = new Map<string, string>();
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const m = /^(\S+)\s*(?:=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    if (key === 'match') break;
    if (!first.has(key)) first.set(key, m[2]!.trim().toLowerCase());
  }
  const pa = first.get('passwordauthentication');
  return {
    passwordAuthentication: pa === undefined ? true : pa === 'yes' ? true : pa === 'no' ? false : null,
    permitRootLogin: first.get('permitrootlogin') ?? null,
  };
}
