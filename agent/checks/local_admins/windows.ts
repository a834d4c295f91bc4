// Local administrators on Windows: members of the group with the well-known SID S-1-5-32-544, whatever
// it is called in this language ("Administrators", "Administratoren", "Administrateurs"). Get-LocalGroupMember
// first; it fails with "Failed to compare two elements in the array" when the group holds Entra ID
// members or orphaned SIDs (PowerShell/PowerShell#2996), and is missing on 32-bit PowerShell and old
// systems, so `net localgroup <localized name>` (the name resolved from the SID in the same script) is the
// fallback. Windows has no uid 0: uid0Accounts is always empty. Nested group members are not expanded.
import type { LocalAdminsFacts } from '../../../protocol/checks/local-admins.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { clip, parsePsJson, probe, probeEvidence, psCommand, psProbes, str, whyProbeFailed, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { groupShortName, parseLocalGroupMembersJson, parseNetLocalgroup, type AdminMember } from './parse-win-admins.js';

export const ADMINS_LABEL = 'Get-LocalGroupMember -SID S-1-5-32-544 | ConvertTo-Json';
export const ADMINS_ARGV = psCommand(
  psProbes({
    group: "(New-Object System.Security.Principal.SecurityIdentifier('S-1-5-32-544')).Translate([System.Security.Principal.NTAccount]).Value",
    members: "@(Get-LocalGroupMember -SID 'S-1-5-32-544' | Select-Object Name,ObjectClass,PrincipalSource,@{n='SID';e={$_.SID.Value}})",
  }),
);
export function netLocalgroupArgv(group: string): readonly string[] {
  return ['net', 'localgroup', group];
}

export function adminsFacts(group: string, members: AdminMember[], detail?: string): LocalAdminsFacts {
  const names = members.map((m) => clip(m.name, 256)).slice(0, 512);
  const seen = new Set<string>();
  const admins = names.filter((n) => (seen.has(n.toLowerCase()) ? false : (seen.add(n.toLowerCase()), true))).slice(0, 1024);
  const f: LocalAdminsFacts = { groups: [{ name: clip(group, 128), members: names }], uid0Accounts: [], admins };
  if (detail) f.detail = clip(detail, 1024);
  return f;
}

async function collect(deps: CollectDeps): Promise<Collected<LocalAdminsFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(ADMINS_ARGV[0]!, ADMINS_ARGV.slice(1));
  evidence.push(winEvidence(ps, ADMINS_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;
  const g = probe(out, 'group');
  const resolved = g.ok ? str(g.value)?.trim() || null : null;
  const group = resolved ?? 'Administrators';

  const m = probe(out, 'members');
  const members = m.ok ? parseLocalGroupMembersJson(m.value) : null;
  if (members) return { facts: adminsFacts(group, members), evidence };

  const why = out === null ? winWhyFailed(ps, `powershell.exe: ${ADMINS_LABEL}`) : m.ok ? 'Get-LocalGroupMember output unreadable' : whyProbeFailed('Get-LocalGroupMember', m.failure);
  if (out !== null && !m.ok) evidence.push(probeEvidence('Get-LocalGroupMember', m.failure));
  // Without the resolved name only the English one can be tried; on other languages net says the group
  // does not exist and the result is unknown.
  const argv = netLocalgroupArgv(groupShortName(group));
  const net = await deps.run(argv[0]!, argv.slice(1));
  evidence.push(winEvidence(net));
  const netMembers = !net.failure && net.exitCode === 0 ? parseNetLocalgroup(net.stdout) : null;
  if (netMembers) return { facts: adminsFacts(group, netMembers, `members from net localgroup (${why})`), evidence };
  return { facts: null, reason: clip(`local Administrators could not be listed: ${why}; ${winWhyFailed(net)}${resolved ? '' : '; the group name could not be resolved from S-1-5-32-544'}`, 1024), evidence };
}

const check: PlatformCheck<LocalAdminsFacts> = { id: 'local_admins', collect };
export default check;
