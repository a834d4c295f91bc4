// OS end of life on Windows: facts only (family, name, version 10.0.<build>, major build, edition); the
// lifecycle catalogue lookup is protocol's. From the CurrentVersion registry values and
// Win32_OperatingSystem.ProductType in one PowerShell process; `systeminfo` (localized text) when
// PowerShell cannot run.
import type { OsEolFacts } from '../../../protocol/checks/os-eol.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { clip, parsePsJson, probe, psCommand, psProbes, psReg, rec, whyProbeFailed, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { parseSysteminfo, winVersionFromRegistry, type WinVersion } from './parse-win-version.js';

export const OS_LABEL = 'CurrentVersion registry, Win32_OperatingSystem ProductType';
export const OS_ARGV = psCommand(
  psProbes({
    cv: psReg(String.raw`HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, ['ProductName', 'EditionID', 'InstallationType', 'CurrentBuild', 'CurrentBuildNumber', 'DisplayVersion', 'ReleaseId', 'UBR', 'CurrentMajorVersionNumber', 'CurrentMinorVersionNumber', 'CurrentVersion']),
    os: 'Get-CimInstance -ClassName Win32_OperatingSystem | Select-Object Caption,Version,BuildNumber,ProductType',
  }),
);
export const SYSTEMINFO_ARGV: readonly string[] = ['systeminfo'];

export function osFacts(v: WinVersion): OsEolFacts {
  const f: OsEolFacts = { family: v.family, name: clip(v.name, 128), version: clip(v.version, 64) };
  if (v.build) f.build = clip(v.build, 64);
  if (v.edition) f.edition = clip(v.edition, 128);
  return f;
}

async function collect(deps: CollectDeps): Promise<Collected<OsEolFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(OS_ARGV[0]!, OS_ARGV.slice(1));
  evidence.push(winEvidence(ps, OS_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;
  const cv = probe(out, 'cv');
  const os = probe(out, 'os');
  // ProductType tells a workstation (1) from a domain controller (2) and a server (3); without it the
  // InstallationType / product name decide.
  const v = cv.ok ? winVersionFromRegistry(cv.value, os.ok ? rec(os.value)?.ProductType : undefined) : null;
  if (v) return { facts: osFacts(v), evidence };
  const why = out === null ? winWhyFailed(ps, `powershell.exe: ${OS_LABEL}`) : cv.ok ? 'the CurrentVersion registry values are incomplete' : whyProbeFailed('CurrentVersion registry', cv.failure);

  const si = await deps.run(SYSTEMINFO_ARGV[0]!, SYSTEMINFO_ARGV.slice(1));
  evidence.push(winEvidence(si));
  const sv = !si.failure && si.exitCode === 0 ? parseSysteminfo(si.stdout) : null;
  if (sv) return { facts: osFacts(sv), evidence };
  return { facts: null, reason: clip(`the Windows version could not be read: ${why}; ${winWhyFailed(si)}`, 1024), evidence };
}

const check: PlatformCheck<OsEolFacts> = { id: 'os_eol', collect };
export default check;
