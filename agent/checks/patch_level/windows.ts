// Patch level on Windows. One PowerShell process reads the build (CurrentVersion: CurrentBuild.UBR), the
// installed updates (Get-HotFix, InstalledOn printed as ISO so the date survives any locale), the
// reboot-pending markers and the automatic-update policy; a second asks the Windows Update Agent for
// pending updates. `wmic qfe` is the fallback for the update list.
//
// The Windows Update search runs offline (IUpdateSearcher.Online = false): it evaluates the update
// metadata Windows Update downloaded at its last scan instead of contacting WSUS / Microsoft, which can
// take minutes (longer than the agent's per-check budget) and would load update servers from every
// endpoint every cycle. How old that metadata is becomes indexAgeDays, so a device that has not scanned
// for weeks cannot claim "nothing pending". A device that never completed a scan reports pending
// updates as unknown. The call gets a longer timeout than other commands; on timeout: unknown.
//
// lastUpgradeAt is the newest QFE install date (cumulative and security updates are QFEs). The Update
// Agent's own "last installation" date is not used: daily Defender signature installs would make it
// look fresh on a device whose monthly updates keep failing.
import type { PatchLevelFacts } from '../../../protocol/checks/patch-level.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { winVersionFromRegistry } from '../os_eol/parse-win-version.js';
import { bool, clip, num, parsePsJson, probe, probeEvidence, psCommand, psProbes, psReg, rec, whyProbeFailed, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { hotfixSummary, parseHotfixJson, parseHotfixTable, type Hotfix } from './parse-win-hotfix.js';
import { parseWuResult } from './parse-win-update.js';

const CURRENT_VERSION = String.raw`HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion`;
const INV = '[Globalization.CultureInfo]::InvariantCulture';

export const INFO_LABEL = 'CurrentVersion registry, Get-HotFix, reboot-pending keys, WindowsUpdate\\AU policy';
export const INFO_ARGV = psCommand(
  psProbes({
    cv: psReg(CURRENT_VERSION, ['ProductName', 'DisplayVersion', 'ReleaseId', 'CurrentBuild', 'CurrentBuildNumber', 'UBR', 'EditionID', 'InstallationType', 'CurrentMajorVersionNumber', 'CurrentMinorVersionNumber', 'CurrentVersion']),
    hotfix: `@(Get-HotFix | Select-Object HotFixID,Description,@{n='InstalledOn';e={if($_.InstalledOn){$_.InstalledOn.ToString('yyyy-MM-dd',${INV})}}})`,
    reboot: String.raw`[ordered]@{wu=(Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired');cbs=(Test-Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending')}`,
    au: psReg(String.raw`HKLM:\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU`, ['NoAutoUpdate', 'AUOptions']),
  }),
);

export const WU_LABEL = 'Microsoft.Update.Session offline search IsInstalled=0 and IsHidden=0';
export const WU_TIMEOUT_MS = 45_000;
export const WU_ARGV = psCommand(
  psProbes({
    wu: `& { $s=New-Object -ComObject Microsoft.Update.Session; $q=$s.CreateUpdateSearcher(); $q.Online=$false; $r=$q.Search('IsInstalled=0 and IsHidden=0'); $a=(New-Object -ComObject Microsoft.Update.AutoUpdate).Results; [ordered]@{ lastSearch=$(if($a.LastSearchSuccessDate){([datetime]$a.LastSearchSuccessDate).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'",${INV})}); updates=@($r.Updates | ForEach-Object { [ordered]@{ title=$_.Title; kb=@($_.KBArticleIDs); severity=$_.MsrcSeverity; categories=@($_.Categories | ForEach-Object { $_.CategoryID }) } }) } }`,
  }),
);

export const WMIC_QFE_ARGV: readonly string[] = ['wmic', 'qfe', 'get', 'Caption,Description,HotFixID,InstalledOn'];

const DAY_MS = 86_400_000;

/**
 * AU policy: NoAutoUpdate 1 turns updates off; AUOptions 4 installs automatically on a schedule,
 * 2/3/7 only notify or download. No policy at all: the local setting applies, which this does not read.
 */
export function autoUpdateFrom(au: unknown): { autoUpdate: boolean | null; detail: string } {
  const r = rec(au);
  if (!r) return { autoUpdate: null, detail: 'no Windows Update policy (WindowsUpdate\\AU) is set; the local setting applies' };
  if (bool(r.NoAutoUpdate) === true) return { autoUpdate: false, detail: 'policy NoAutoUpdate=1: automatic updates are off' };
  const opt = num(r.AUOptions);
  if (opt === 4) return { autoUpdate: true, detail: 'policy AUOptions=4: download and install on a schedule' };
  if (opt === 2 || opt === 3 || opt === 7) return { autoUpdate: false, detail: `policy AUOptions=${opt}: updates are not installed automatically` };
  if (opt === 5) return { autoUpdate: null, detail: 'policy AUOptions=5: the local administrator chooses' };
  return { autoUpdate: null, detail: 'Windows Update policy present without AUOptions' };
}

async function collect(deps: CollectDeps): Promise<Collected<PatchLevelFacts>> {
  const evidence: Evidence[] = [];
  const reasons: string[] = [];

  const info = await deps.run(INFO_ARGV[0]!, INFO_ARGV.slice(1));
  evidence.push(winEvidence(info, INFO_LABEL));
  const out = !info.failure && info.exitCode === 0 ? parsePsJson(info.stdout) : null;
  if (out === null) reasons.push(winWhyFailed(info, `powershell.exe: ${INFO_LABEL}`));

  // Operating system and build.
  const cv = probe(out, 'cv');
  const ver = cv.ok ? winVersionFromRegistry(cv.value) : null;
  if (out !== null && !ver) reasons.push(cv.ok ? 'the Windows build could not be read from the registry' : whyProbeFailed('CurrentVersion registry', cv.failure));
  const os: PatchLevelFacts['os'] = ver
    ? {
        id: 'windows',
        name: ver.name,
        version: ver.displayVersion ?? ver.version,
        prettyName: clip([ver.name, ver.edition, ver.displayVersion].filter(Boolean).join(' '), 256),
        build: `${ver.build}${ver.ubr !== null ? `.${ver.ubr}` : ''}`,
      }
    : { id: 'windows', name: 'Windows', version: 'unknown' };

  // Installed updates.
  let hotfixes: Hotfix[] | null = null;
  const hf = probe(out, 'hotfix');
  if (hf.ok) hotfixes = parseHotfixJson(hf.value);
  if (!hotfixes) {
    if (out !== null && !hf.ok) evidence.push(probeEvidence('Get-HotFix', hf.failure));
    const wmic = await deps.run(WMIC_QFE_ARGV[0]!, WMIC_QFE_ARGV.slice(1));
    evidence.push(winEvidence(wmic));
    hotfixes = !wmic.failure && wmic.exitCode === 0 ? parseHotfixTable(wmic.stdout) : null;
    if (!hotfixes) reasons.push(`installed updates could not be listed: ${hf.ok ? 'Get-HotFix output unreadable' : whyProbeFailed('Get-HotFix', hf.failure)}; ${winWhyFailed(wmic)}`);
  }
  const summary = hotfixes ? hotfixSummary(hotfixes) : null;

  // Reboot pending.
  const rb = probe(out, 'reboot');
  const rbv = rb.ok ? rec(rb.value) : null;
  const wuFlag = bool(rbv?.wu);
  const cbsFlag = bool(rbv?.cbs);
  const rebootRequired = wuFlag === true || cbsFlag === true ? true : wuFlag === false && cbsFlag === false ? false : null;
  if (rebootRequired === null && out !== null) reasons.push(rb.ok ? 'reboot-pending markers unreadable' : whyProbeFailed('reboot-pending registry keys', rb.failure));

  // Automatic-update policy.
  const au = probe(out, 'au');
  const auto = au.ok ? autoUpdateFrom(au.value) : { autoUpdate: null, detail: out === null ? 'not read' : whyProbeFailed('WindowsUpdate\\AU policy', au.failure) };

  // Pending updates from the Windows Update Agent.
  const wuRun = await deps.run(WU_ARGV[0]!, WU_ARGV.slice(1), { timeoutMs: WU_TIMEOUT_MS });
  evidence.push(winEvidence(wuRun, WU_LABEL));
  const wuOut = !wuRun.failure && wuRun.exitCode === 0 ? parsePsJson(wuRun.stdout) : null;
  const wuProbe = probe(wuOut, 'wu');
  const wu = wuProbe.ok ? parseWuResult(wuProbe.value) : null;
  let pendingUpdates: number | null = null;
  let pendingSecurityUpdates: number | null = null;
  let indexAgeDays: number | null = null;
  let packages: PatchLevelFacts['packages'] = [];
  if (!wu) {
    reasons.push(wuOut === null ? winWhyFailed(wuRun, `Windows Update search (${WU_LABEL})`) : wuProbe.ok ? 'Windows Update search result unreadable' : whyProbeFailed('Windows Update search', wuProbe.failure));
  } else if (wu.lastSearchMs === null) {
    reasons.push('Windows Update has not completed a search for updates on this device, so pending updates are unknown');
  } else {
    pendingUpdates = wu.updates.length;
    pendingSecurityUpdates = wu.updates.filter((u) => u.security).length;
    indexAgeDays = Math.max(0, Math.round(((deps.now() - wu.lastSearchMs) / DAY_MS) * 10) / 10);
    packages = [...wu.updates]
      .sort((a, b) => Number(b.security) - Number(a.security))
      .slice(0, 200)
      .map((u) => {
        const p: PatchLevelFacts['packages'][number] = { name: clip(u.title, 256), source: 'windows-update', security: u.security };
        if (u.kb.length) p.version = clip(u.kb.join(','), 256);
        return p;
      });
  }

  if (out === null && wuOut === null && !hotfixes) {
    return { facts: null, reason: clip(`patch level could not be read: ${reasons.join('; ')}`, 1024), evidence };
  }
  const facts: PatchLevelFacts = {
    os,
    packageManager: 'windows-update',
    pendingUpdates,
    pendingSecurityUpdates,
    packages,
    lastUpgradeAt: summary?.latestInstalledAt ?? null,
    indexAgeDays,
    rebootRequired,
    autoUpdate: auto.autoUpdate,
    autoUpdateDetail: clip(auto.detail, 512),
  };
  if (summary) {
    facts.hotfixes = { count: summary.count, latestInstalledAt: summary.latestInstalledAt };
    if (summary.latestId) facts.hotfixes.latestId = summary.latestId;
  }
  if (reasons.length) facts.reasons = reasons.slice(0, 16).map((r) => clip(r, 1024));
  return { facts, evidence };
}

const check: PlatformCheck<PatchLevelFacts> = { id: 'patch_level', collect };
export default check;
