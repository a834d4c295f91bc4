// Patch level on macOS. Pending updates come from `softwareupdate --list`, which scans Apple's catalog
// over the network and can take minutes (hence its long timeout and this check's own). When the scan
// fails (offline, catalog unreachable) the result of the last background scan, kept in
// com.apple.SoftwareUpdate.plist, is used instead and its age is reported, so a stale "nothing pending"
// cannot pass. The last installed update comes from InstallHistory.plist (absolute dates), falling back
// to `softwareupdate --history` (dates in the user's regional format). macOS does not say whether an
// already-installed update is waiting for a restart, so rebootRequired stays null.
import type { PatchLevelFacts } from '../../../protocol/checks/patch-level.js';
import type { CommandResult } from '../../runner.js';
import { DarwinProbe } from '../darwin-common.js';
import { clip, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { lastSoftwareUpdate, parseInstallHistory } from './parse-install-history.js';
import { parseSoftwareUpdateHistory, parseSoftwareUpdateList, type SoftwareUpdateList } from './parse-softwareupdate.js';
import { autoUpdateState, parseSoftwareUpdatePrefs, type SoftwareUpdatePrefs } from './parse-softwareupdate-prefs.js';
import { parseSwVers } from './parse-sw-vers.js';

export const SW_VERS_ARGV = ['sw_vers'];
export const SOFTWAREUPDATE_LIST_ARGV = ['softwareupdate', '--list'];
export const SOFTWAREUPDATE_HISTORY_ARGV = ['softwareupdate', '--history'];
export const SOFTWAREUPDATE_PREFS = '/Library/Preferences/com.apple.SoftwareUpdate.plist';
export const SOFTWAREUPDATE_MANAGED = '/Library/Managed Preferences/com.apple.SoftwareUpdate.plist';
export const INSTALL_HISTORY = '/Library/Receipts/InstallHistory.plist';
export const SCAN_TIMEOUT_MS = 180_000;

const DAY_MS = 86_400_000;
type Pkg = PatchLevelFacts['packages'][number];

const ran = (r: CommandResult) => !r.failure && r.exitCode === 0;

async function prefs(p: DarwinProbe, path: string): Promise<SoftwareUpdatePrefs | null> {
  const f = await p.plist(path);
  return parseSoftwareUpdatePrefs(f.value);
}

function fromScan(list: SoftwareUpdateList): { pending: number; security: number; packages: Pkg[] } {
  const packages = list.updates
    .map((u) => ({ name: u.title, ...(u.version ? { version: u.version } : {}), source: u.label, security: u.security }))
    .sort((a, b) => Number(b.security) - Number(a.security));
  return { pending: list.updates.length, security: list.updates.filter((u) => u.security).length, packages: packages.slice(0, 200) };
}

async function lastUpgrade(p: DarwinProbe): Promise<{ at: string | null; note?: string }> {
  const hist = await p.plist(INSTALL_HISTORY);
  const records = parseInstallHistory(hist.value);
  if (records) {
    const last = lastSoftwareUpdate(records);
    if (last) return { at: last.date };
  }
  const r = await p.run(SOFTWAREUPDATE_HISTORY_ARGV);
  const rows = ran(r) ? parseSoftwareUpdateHistory(r.stdout) : null;
  const newest = rows?.map((e) => e.installedAt).sort().at(-1);
  if (newest) return { at: newest };
  return { at: null, note: records ? 'InstallHistory.plist records no Apple software update' : `install history unreadable: ${hist.error ?? (ran(r) ? 'no history table' : whyFailed(r))}` };
}

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const sv = await p.run(SW_VERS_ARGV);
  const vers = ran(sv) ? parseSwVers(sv.stdout) : null;
  if (!vers) return { facts: null, reason: ran(sv) ? 'sw_vers printed no ProductVersion' : whyFailed(sv), evidence: p.evidence };

  const reasons: string[] = [];
  const local = await prefs(p, SOFTWAREUPDATE_PREFS);
  const managed = await prefs(p, SOFTWAREUPDATE_MANAGED);

  let pending: number | null = null;
  let security: number | null = null;
  let packages: Pkg[] = [];
  let indexAgeDays: number | null = null;
  const scan = await p.run(SOFTWAREUPDATE_LIST_ARGV, { timeoutMs: SCAN_TIMEOUT_MS });
  // softwareupdate exits 0 with "No new software available." and with a list; it prints scan errors
  // on stderr or stdout depending on the release.
  const list = scan.failure ? null : parseSoftwareUpdateList(`${scan.stdout}\n${scan.stderr}`);
  if (list && list.status !== 'error') {
    ({ pending, security, packages } = fromScan(list));
    indexAgeDays = 0;
    const restart = list.updates.filter((u) => u.restart).length;
    if (restart) reasons.push(`${restart} pending update(s) need a restart to install`);
  } else {
    reasons.push(clip(`softwareupdate --list: ${list?.status === 'error' ? list.error : scan.failure ? whyFailed(scan) : 'output could not be read'}`, 1024));
    const cached = managed?.recommended ? managed : local;
    if (cached?.recommended && cached.lastScanAt) {
      pending = cached.recommended.length;
      security = cached.recommended.filter((u) => u.security).length;
      packages = cached.recommended.map((u) => ({ name: u.name, ...(u.version ? { version: u.version } : {}), source: 'last background scan', security: u.security })).slice(0, 200);
      indexAgeDays = Math.max(0, Math.round(((deps.now() - Date.parse(cached.lastScanAt)) / DAY_MS) * 10) / 10);
      reasons.push(`using the last background scan of ${cached.lastScanAt}`);
    }
  }

  const last = await lastUpgrade(p);
  if (last.note) reasons.push(clip(last.note, 1024));
  const auto = autoUpdateState(local, managed);
  const facts: PatchLevelFacts = {
    os: {
      id: 'macos',
      name: 'macOS',
      version: vers.version,
      prettyName: `${vers.productName} ${vers.version}${vers.extra ? ` ${vers.extra}` : ''}`,
      ...(vers.build ? { build: vers.build } : {}),
    },
    packageManager: 'softwareupdate',
    pendingUpdates: pending,
    pendingSecurityUpdates: security,
    packages,
    lastUpgradeAt: last.at,
    indexAgeDays,
    rebootRequired: null,
    autoUpdate: auto.on,
    autoUpdateDetail: clip(auto.detail, 512),
    ...(reasons.length ? { reasons: reasons.slice(0, 16) } : {}),
  };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<PatchLevelFacts> = { id: 'patch_level', timeoutMs: SCAN_TIMEOUT_MS + 60_000, collect };
export default check;
