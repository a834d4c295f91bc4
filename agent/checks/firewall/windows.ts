// Windows Firewall: one backend per profile (Domain, Private, Public), from the ActiveStore, i.e. the
// settings in force after local policy, Group Policy and MDM are merged. The RSOP store (what Group
// Policy sets) tells whether a profile's state is enforced by policy. Fallback where the NetSecurity
// module is missing: `netsh advfirewall monitor show firewall` (effective settings; `show allprofiles`
// would print the local store only, see parse-netsh.ts).
// DefaultInboundAction NotConfigured in the ActiveStore means no store sets it, and Windows' built-in
// default, block, applies; the detail says so.
import type { FirewallFacts } from '../../../protocol/checks/firewall.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { asArray, clip, parsePsJson, probe, probeEvidence, psCommand, psProbes, rec, whyProbeFailed, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { parseNetshProfiles, type NetshProfile } from './parse-netsh.js';
import { gpoBoolean, inboundAction, parseFirewallProfilesJson, profileName, type WinProfile } from './parse-win-firewall.js';

type Backend = FirewallFacts['backends'][number];

export const PROFILES_LABEL = 'Get-NetFirewallProfile -PolicyStore ActiveStore, RSOP | ConvertTo-Json';
export const PROFILES_ARGV = psCommand(
  psProbes({
    active: '@(Get-NetFirewallProfile -PolicyStore ActiveStore | Select-Object Name,Enabled,DefaultInboundAction)',
    rsop: '@(Get-NetFirewallProfile -PolicyStore RSOP | Select-Object Name,Enabled,DefaultInboundAction)',
  }),
);
export const NETSH_ARGV: readonly string[] = ['netsh', 'advfirewall', 'monitor', 'show', 'firewall'];

/** Group Policy sets a profile when its RSOP entry has an Enabled or DefaultInboundAction value. */
export function enforcedByPolicy(rsop: unknown, profile: WinProfile['profile']): boolean | null {
  const entry = asArray(rsop)
    .map(rec)
    .find((r) => r && profileName(r.Name ?? r.Profile) === profile);
  if (!entry) return false;
  const inbound = inboundAction(entry.DefaultInboundAction);
  return gpoBoolean(entry.Enabled) !== null || inbound === 'block' || inbound === 'allow';
}

export function backendFromProfile(p: WinProfile, policyEnforced: boolean | null): Backend {
  const b: Backend = {
    name: 'windows-firewall',
    profile: p.profile,
    active: p.enabled,
    inboundDefault: p.inbound === 'allow' ? 'allow' : p.inbound === null ? null : 'deny',
    policyEnforced,
  };
  const detail: string[] = [];
  if (p.inbound === 'notconfigured') detail.push('DefaultInboundAction NotConfigured: the Windows default (block) applies');
  if (p.enabled === null) detail.push('Enabled not reported');
  if (detail.length) b.detail = clip(detail.join('; '), 1024);
  return b;
}

export function backendFromNetsh(p: NetshProfile): Backend {
  const b: Backend = { name: 'windows-firewall', profile: p.profile, active: p.enabled, inboundDefault: p.inbound === null ? null : p.inbound === 'block' ? 'deny' : 'allow', policyEnforced: null };
  const detail: string[] = [];
  if (p.localStore) detail.push('netsh shows the local policy store, which Group Policy may override');
  if (p.enabled === null) detail.push('state word not recognised');
  if (detail.length) b.detail = clip(detail.join('; '), 1024);
  return b;
}

async function collect(deps: CollectDeps): Promise<Collected<FirewallFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(PROFILES_ARGV[0]!, PROFILES_ARGV.slice(1));
  evidence.push(winEvidence(ps, PROFILES_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;
  const active = probe(out, 'active');
  const profiles = active.ok ? parseFirewallProfilesJson(active.value) : null;
  if (profiles) {
    const rsop = probe(out, 'rsop');
    if (!rsop.ok) evidence.push(probeEvidence('Get-NetFirewallProfile -PolicyStore RSOP', rsop.failure));
    const backends = profiles.map((p) => backendFromProfile(p, rsop.ok ? enforcedByPolicy(rsop.value, p.profile) : null));
    return { facts: { backends }, evidence };
  }
  const why = out === null ? winWhyFailed(ps, `powershell.exe: ${PROFILES_LABEL}`) : active.ok ? 'Get-NetFirewallProfile returned no profiles' : whyProbeFailed('Get-NetFirewallProfile', active.failure);

  const netsh = await deps.run(NETSH_ARGV[0]!, NETSH_ARGV.slice(1));
  evidence.push(winEvidence(netsh));
  const parsed = !netsh.failure && netsh.exitCode === 0 ? parseNetshProfiles(netsh.stdout) : [];
  if (parsed.length) return { facts: { backends: parsed.map(backendFromNetsh) }, evidence };
  return { facts: null, reason: clip(`firewall profiles could not be read: ${why}; ${winWhyFailed(netsh)}`, 1024), evidence };
}

const check: PlatformCheck<FirewallFacts> = { id: 'firewall', collect };
export default check;
