// A support bundle recorded from a Mac, replayed through the real darwin checks: every command is looked
// up by the exact argv the collectors use, every file by path, the clock is the capture time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBundle, replayDeps, writeBundle, type RecordedCommand, type RecordedFile } from '../../../agent/bundle.js';
import { runChecks } from '../../../agent/cycle.js';
import { checksFor } from '../../../agent/checks/registry.js';
import { DARWIN_CHECKS } from '../../../agent/checks/registry-darwin.js';
import { asUserArgv, CONSOLE_USER_ARGV, idArgv, plutilArgv } from '../../../agent/checks/darwin-common.js';
import { XPROTECT_PLISTS, SYSTEMEXTENSIONS_ARGV } from '../../../agent/checks/antivirus_edr/darwin.js';
import { AUDIT_CONTROL, AUDITD_LIST_ARGV, LOGD_LIST_ARGV, UNIFIED_LOG_STORE } from '../../../agent/checks/audit_logging/darwin.js';
import { DISKUTIL_APFS_ARGV, FDESETUP_ARGV } from '../../../agent/checks/disk_encryption/darwin.js';
import { SOCKETFILTERFW_APPS_ARGV, SOCKETFILTERFW_STATE_ARGV } from '../../../agent/checks/firewall/darwin.js';
import { ADMIN_MEMBERS_ARGV, ADMIN_NESTED_ARGV, USER_UIDS_ARGV } from '../../../agent/checks/local_admins/darwin.js';
import { PROFILES_STATUS_ARGV } from '../../../agent/checks/mdm_enrollment/darwin.js';
import { INSTALL_HISTORY, SOFTWAREUPDATE_LIST_ARGV, SOFTWAREUPDATE_PREFS, SW_VERS_ARGV } from '../../../agent/checks/patch_level/darwin.js';
import { SCREENSHARING_LIST_ARGV, SSHD_LIST_ARGV } from '../../../agent/checks/remote_access/darwin.js';
import { IDLE_TIME_ARGV, SCREENLOCK_STATUS_ARGV } from '../../../agent/checks/screen_lock/darwin.js';
import { BPUTIL_ARGV, CPU_BRAND_ARGV, CSRUTIL_ARGV } from '../../../agent/checks/secure_boot/darwin.js';
import { NETWORK_TIME_ARGV, TIMED_LIST_ARGV, TIME_SERVER_ARGV } from '../../../agent/checks/time_sync/darwin.js';
import { LSOF_ARGV } from '../../../agent/checks/listening_services/darwin.js';
import { ARP_ARGV } from '../../../agent/checks/neighbour_inventory/darwin.js';
import { MANAGED_PREFS_DIR, SYSTEMUISERVER_MANAGED } from '../../../agent/checks/usb_storage/darwin.js';
import { CHECK_IDS } from '../../../protocol/checks/index.js';
import { DEFAULT_POLICY } from '../../../protocol/policy.js';
import { macFixture } from './fakes-darwin.js';

const CREATED = '2024-03-20T12:00:00.000Z';
const out = (argv: readonly string[], stdout: string, exitCode = 0, stderr = ''): RecordedCommand => ({ argv: [...argv], exitCode, stdout, stderr });
const plist = (path: string, rel: string, mtimeMs = Date.parse('2024-03-01T00:00:00Z')): { command: RecordedCommand; file: RecordedFile } => {
  const text = macFixture(rel);
  return { command: out(plutilArgv(path), text), file: { path, content: text, mtimeMs } };
};
const NOT_LOADED = macFixture('launchctl-list/constructed-not-loaded.stderr.txt');

const plists = [
  plist(SOFTWAREUPDATE_PREFS, 'com.apple.SoftwareUpdate/plist-xml-monterey-12.6.txt'),
  plist(INSTALL_HISTORY, 'install-history/constructed-sonoma-update-and-xprotect.txt'),
  plist(XPROTECT_PLISTS[1]!, 'xprotect-info-plist/constructed-version-2192.txt', Date.parse('2024-03-18T00:00:00Z')),
  plist(SYSTEMUISERVER_MANAGED, 'managed-preferences/constructed-systemuiserver-external-deny.txt'),
];

const commands: RecordedCommand[] = [
  out(FDESETUP_ARGV, macFixture('fdesetup-status/on.txt')),
  out(DISKUTIL_APFS_ARGV, macFixture('diskutil-apfs-list/plist-output.txt')),
  out(SW_VERS_ARGV, macFixture('sw_vers/mojave-10.14.5-mac-os-x.txt')),
  out(SOFTWAREUPDATE_LIST_ARGV, macFixture('softwareupdate-list/no-update-available-scan.txt')),
  out(SOCKETFILTERFW_STATE_ARGV, macFixture('socketfilterfw/multi-flag-enabled-state2-stealth-on-logging.txt')),
  out(SOCKETFILTERFW_APPS_ARGV, macFixture('socketfilterfw/listapps.txt')),
  out(PROFILES_STATUS_ARGV, macFixture('profiles-status-enrollment/dep-yes-user-approved-with-server.txt')),
  out(SYSTEMEXTENSIONS_ARGV, macFixture('systemextensionsctl-list/fragment-crowdstrike-no-state-column.txt')),
  out(CONSOLE_USER_ARGV, 'williamj\n'),
  out(idArgv('williamj'), '501\n'),
  out(asUserArgv('501', 'williamj', IDLE_TIME_ARGV), macFixture('defaults-idletime/600.txt')),
  out(asUserArgv('501', 'williamj', SCREENLOCK_STATUS_ARGV), '', 0, macFixture('sysadminctl-screenlock/constructed-delay-300.txt')),
  out(NETWORK_TIME_ARGV, macFixture('systemsetup/constructed-network-time-on.txt')),
  out(TIME_SERVER_ARGV, macFixture('systemsetup/constructed-network-time-server.txt')),
  out(TIMED_LIST_ARGV, macFixture('launchctl-list/constructed-timed-running.txt')),
  out(AUDITD_LIST_ARGV, macFixture('launchctl-list/constructed-auditd-loaded-on-demand.txt')),
  out(LOGD_LIST_ARGV, macFixture('launchctl-list/constructed-logd-running.txt')),
  out(ADMIN_MEMBERS_ARGV, macFixture('dscl-read-admin/groupmembership-root-williamj.txt')),
  out(USER_UIDS_ARGV, macFixture('dscl-list-users-uniqueid/constructed-three-accounts.txt')),
  out(ADMIN_NESTED_ARGV, '', 181, 'No such key: NestedGroups\n'),
  out(SSHD_LIST_ARGV, '', 113, NOT_LOADED),
  out(SCREENSHARING_LIST_ARGV, '', 113, NOT_LOADED),
  out(CSRUTIL_ARGV, macFixture('csrutil-status/enabled.txt')),
  out(CPU_BRAND_ARGV, macFixture('sysctl-cpu-brand/constructed-apple-m1-pro.txt')),
  out(BPUTIL_ARGV, macFixture('bputil/constructed-full-security.txt')),
  out(LSOF_ARGV, macFixture('lsof-listen/constructed-sshd-screensharing-mdns.txt')),
  out(ARP_ARGV, macFixture('arp-an/constructed-static-and-dynamic.txt')),
  ...plists.map((p) => p.command),
];

const files: RecordedFile[] = [
  ...plists.map((p) => p.file),
  { path: AUDIT_CONTROL, content: macFixture('audit-control/constructed-macos-default.txt'), mtimeMs: 1 },
  { path: UNIFIED_LOG_STORE, content: null, mtimeMs: 1 },
  { path: MANAGED_PREFS_DIR, content: null, mtimeMs: 1 },
];

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('darwin support bundle replay', () => {
  it('registers all 15 checks for darwin', () => {
    expect(DARWIN_CHECKS.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(checksFor('darwin').map((c) => c.id)).toEqual([...CHECK_IDS]);
  });

  it('runs every check against the recorded Mac and gives the expected verdicts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-darwin-bundle-'));
    dirs.push(dir);
    await writeBundle(dir, { platform: 'darwin', createdAt: CREATED, agentVersion: 'test', commands, files });
    const results = await runChecks(checksFor('darwin'), replayDeps(await readBundle(dir)), DEFAULT_POLICY, 'workstation');
    const by = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(Object.fromEntries(results.map((r) => [r.id, r.status]))).toEqual({
      disk_encryption: 'pass',
      patch_level: 'pass',
      firewall: 'pass',
      mdm_enrollment: 'pass',
      antivirus_edr: 'pass',
      screen_lock: 'pass',
      os_eol: 'unknown',
      time_sync: 'pass',
      audit_logging: 'pass',
      local_admins: 'pass',
      usb_storage: 'pass',
      remote_access: 'pass',
      secure_boot: 'pass',
      // Screen Sharing's port 5900 is open on every address (a VNC listener).
      listening_services: 'fail',
      neighbour_inventory: 'not_applicable',
    });
    expect(by.listening_services!.reason).toMatch(/^VNC listens on \*:5900 \(launchd\)/);
    expect(by.neighbour_inventory!.facts).toMatchObject({ source: 'arp -an', neighbours: [{ mac: '00:09:02:12:34:56' }, { mac: '00:1c:42:00:00:18' }] });
    expect(by.disk_encryption!.facts).toMatchObject({ volumes: [{ mount: '/System/Volumes/Data', device: 'disk3s5', encrypted: true }, { device: 'disk3s7' }] });
    expect(by.patch_level!.facts).toMatchObject({ os: { version: '10.14.5', build: '18F132' }, pendingSecurityUpdates: 0, lastUpgradeAt: '2024-03-08T07:12:44.000Z' });
    expect(by.firewall!.facts).toMatchObject({ backends: [{ name: 'socketfilterfw', active: true, blockAll: true, stealth: true, rules: 6 }] });
    expect(by.mdm_enrollment!.facts).toMatchObject({ agents: [{ provider: 'apple-mdm', enrolled: true, dep: true, userApproved: true }] });
    expect(by.antivirus_edr!.facts).toMatchObject({ products: [{ name: 'XProtect', version: '2192', signatureAgeDays: 2.5 }, { name: 'CrowdStrike Falcon', active: true }] });
    expect(by.screen_lock!.facts).toMatchObject({ headless: false, settings: [{ user: 'williamj', idleSeconds: 900, requirePassword: true }] });
    expect(by.os_eol!.facts).toEqual({ family: 'macos', name: 'macOS', version: '10.14.5', build: '18F132' });
    expect(by.os_eol!.reason).toContain('not in the lifecycle catalogue');
    expect(by.time_sync!.facts).toMatchObject({ service: 'timed', serviceActive: true, synchronized: true, sources: ['time.apple.com'] });
    expect(by.audit_logging!.facts).toMatchObject({ sources: [{ name: 'auditd', active: true }, { name: 'unified-log', active: true, persistent: true }] });
    expect(by.local_admins!.facts).toMatchObject({ admins: ['williamj'], uid0Accounts: ['root'] });
    expect(by.usb_storage!.facts).toMatchObject({ blocked: true });
    expect(by.remote_access!.facts).toMatchObject({ services: [{ name: 'sshd', enabled: false }, { name: 'screen-sharing', enabled: false }, { name: 'remote-management', enabled: false }] });
    expect(by.secure_boot!.facts).toEqual({ firmware: 'apple-silicon', enabled: true, policy: 'full', detail: 'Full Security; SIP enabled' });
    for (const r of results) expect(r.evidence.length, r.id).toBeGreaterThan(0);
  });

  it('an empty bundle (nothing recorded) never passes anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-darwin-empty-'));
    dirs.push(dir);
    await writeBundle(dir, { platform: 'darwin', createdAt: CREATED, agentVersion: 'test', commands: [], files: [] });
    const results = await runChecks(checksFor('darwin'), replayDeps(await readBundle(dir)), DEFAULT_POLICY, 'workstation');
    // USB storage is the one fact an empty Mac proves: no managed preferences means nothing blocks it.
    expect(Object.fromEntries(results.map((r) => [r.id, r.status]))).toMatchObject({ usb_storage: 'fail', remote_access: 'unknown', disk_encryption: 'unknown' });
    expect(results.filter((r) => r.status === 'pass').map((r) => r.id)).toEqual([]);
  });
});
