// Screen lock on Windows: the machine inactivity limit and machine-wide screen-saver policy, plus the
// effective screen-saver settings of every user whose registry hive is loaded (logged-on users; the agent
// runs as SYSTEM and cannot see HKCU, so it reads HKU\<SID>). Users who are not logged on are not
// inspected; with no machine policy and nobody logged on the result is unknown.
// headless only for Server Core / Nano Server (no desktop at all); a Server with Desktop Experience can
// be logged on to interactively and is judged like a workstation.
import type { ScreenLockFacts } from '../../../protocol/checks/screen-lock.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { asArray, clip, parsePsJson, probe, probeEvidence, psCommand, psProbes, psReg, rec, whyProbeFailed, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { inactivitySetting, isHeadless, saverSetting, userSetting } from './parse-win-screen-lock.js';

const SAVER = ['ScreenSaveActive', 'ScreenSaverIsSecure', 'ScreenSaveTimeOut', 'SCRNSAVE.EXE'];
const SAVER_PS = `@(${SAVER.map((n) => `'${n}'`).join(',')})`;
const MACHINE_SAVER = String.raw`HKLM:\SOFTWARE\Policies\Microsoft\Windows\Control Panel\Desktop`;

export const SCREEN_LABEL = 'InactivityTimeoutSecs, screen-saver policy, HKU\\<SID>\\Control Panel\\Desktop of logged-on users';
export const SCREEN_ARGV = psCommand(
  psProbes({
    inactivity: psReg(String.raw`HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System`, ['InactivityTimeoutSecs']),
    machineSaver: psReg(MACHINE_SAVER, SAVER),
    install: psReg(String.raw`HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion`, ['InstallationType']),
    users: String.raw`& { ,@(Get-ChildItem -LiteralPath 'Registry::HKEY_USERS' | Where-Object { $_.PSChildName -match '^S-1-(5-21|12-1)-[0-9-]+$' } | ForEach-Object { $sid=$_.PSChildName; $n=$null; try { $n=(New-Object System.Security.Principal.SecurityIdentifier($sid)).Translate([System.Security.Principal.NTAccount]).Value } catch {}; [ordered]@{ sid=$sid; user=$n; policy=(RegVals "Registry::HKEY_USERS\$sid\Software\Policies\Microsoft\Windows\Control Panel\Desktop" ` +
      SAVER_PS +
      String.raw`); desktop=(RegVals "Registry::HKEY_USERS\$sid\Control Panel\Desktop" ` +
      SAVER_PS +
      ') } }) }',
  }),
);

async function collect(deps: CollectDeps): Promise<Collected<ScreenLockFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(SCREEN_ARGV[0]!, SCREEN_ARGV.slice(1));
  evidence.push(winEvidence(ps, SCREEN_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;
  if (out === null) return { facts: null, reason: winWhyFailed(ps, `powershell.exe: ${SCREEN_LABEL}`), evidence };

  const install = probe(out, 'install');
  const headless = install.ok && isHeadless(rec(install.value)?.InstallationType);
  const settings: ScreenLockFacts['settings'] = [];
  const problems: string[] = [];

  const inact = probe(out, 'inactivity');
  if (inact.ok) {
    const s = inactivitySetting(inact.value);
    if (s) settings.push(s);
  } else problems.push(whyProbeFailed('InactivityTimeoutSecs', inact.failure));

  const ms = probe(out, 'machineSaver');
  if (ms.ok) {
    const s = saverSetting(ms.value, null, 'machine', MACHINE_SAVER.replace(/^HKLM:/, 'HKLM'));
    if (s) settings.push(s);
  } else problems.push(whyProbeFailed('machine screen-saver policy', ms.failure));

  const users = probe(out, 'users');
  if (users.ok) {
    for (const u of asArray(users.value)) {
      const s = userSetting(u);
      if (s && settings.length < 64) settings.push(s);
    }
  } else {
    evidence.push(probeEvidence('HKU\\<SID>\\Control Panel\\Desktop', users.failure));
    problems.push(whyProbeFailed('logged-on users', users.failure));
  }

  // A probe that failed must not let the rest look complete: record it as an undecided machine entry.
  if (problems.length) {
    settings.push({ scope: 'machine', enabled: null, idleSeconds: null, requirePassword: null, enforced: null, source: 'registry', detail: clip(problems.join('; '), 1024) });
  }
  return { facts: { headless, settings }, evidence };
}

const check: PlatformCheck<ScreenLockFacts> = { id: 'screen_lock', collect };
export default check;
