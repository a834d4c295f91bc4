// A Windows support bundle built from the recorded captures (and, where no capture exists, from what our
// scripts print, shaped per the documented values), replayed through the real Windows checks exactly as
// `vigil-agent check --replay DIR --platform win32` does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundle, replayDeps, writeBundle, type RecordedCommand } from '../../../agent/bundle.js';
import { runChecks } from '../../../agent/cycle.js';
import { checksFor } from '../../../agent/checks/registry.js';
import { WIN32_CHECKS } from '../../../agent/checks/registry-win32.js';
import { CHECK_IDS, type CheckResult } from '../../../protocol/checks/index.js';
import { DEFAULT_POLICY } from '../../../protocol/policy.js';
import { BITLOCKER_ARGV, ENCRYPTABLE_ARGV } from '../../../agent/checks/disk_encryption/windows.js';
import { INFO_ARGV, WMIC_QFE_ARGV, WU_ARGV } from '../../../agent/checks/patch_level/windows.js';
import { PROFILES_ARGV } from '../../../agent/checks/firewall/windows.js';
import { DSREGCMD_ARGV, ENROLL_ARGV } from '../../../agent/checks/mdm_enrollment/windows.js';
import { AV_ARGV } from '../../../agent/checks/antivirus_edr/windows.js';
import { SCREEN_ARGV } from '../../../agent/checks/screen_lock/windows.js';
import { OS_ARGV, SYSTEMINFO_ARGV } from '../../../agent/checks/os_eol/windows.js';
import { SERVICE_ARGV, W32TM_ARGV } from '../../../agent/checks/time_sync/windows.js';
import { AUDITPOL_ARGV, EVENTLOG_ARGV } from '../../../agent/checks/audit_logging/windows.js';
import { ADMINS_ARGV } from '../../../agent/checks/local_admins/windows.js';
import { USB_ARGV } from '../../../agent/checks/usb_storage/windows.js';
import { REMOTE_ARGV } from '../../../agent/checks/remote_access/windows.js';
import { SECURE_BOOT_ARGV } from '../../../agent/checks/secure_boot/windows.js';
import { LISTEN_ARGV } from '../../../agent/checks/listening_services/windows.js';
import { NEIGHBOR_ARGV } from '../../../agent/checks/neighbour_inventory/windows.js';
import { winFixture } from './fakes-win32.js';

const CREATED = '2026-11-23T12:00:00.000Z';
const SSHD = 'C:\\ProgramData\\ssh\\sshd_config';

const cmd = (argv: readonly string[], stdout: string, exitCode: number | null = 0, stderr = ''): RecordedCommand => ({ argv: [...argv], stdout, stderr, exitCode, durationMs: 5 });
const json = (o: unknown) => JSON.stringify(o);
const notRecognized = (name: string) => `${name} : The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program.\r\n    + CategoryInfo          : ObjectNotFound: (${name}:String) [], CommandNotFoundException\r\n    + FullyQualifiedErrorId : CommandNotFoundException\r\n`;
const hotfixFailed = { error: 'Generic failure ', id: 'GetWMIManagementException,Microsoft.PowerShell.Commands.GetHotFixCommand', category: 'InvalidOperation' };

const COMMANDS: RecordedCommand[] = [
  // disk_encryption: no BitLocker module, the WMI class answers (cnquery capture: C: encrypted, E: removable).
  cmd(BITLOCKER_ARGV, '', 1, notRecognized('Get-BitLockerVolume')),
  cmd(ENCRYPTABLE_ARGV, winFixture('win32-encryptablevolume/json-cnquery-volumes.txt')),
  // patch_level: Get-HotFix failing, wmic qfe capture (last install 2020), nothing pending at the last scan.
  cmd(
    INFO_ARGV,
    json({
      cv: { ProductName: 'Windows Server 2012 R2 Standard', EditionID: 'ServerStandard', InstallationType: 'Server', CurrentBuild: '9600', CurrentBuildNumber: '9600', UBR: 21620, CurrentVersion: '6.3', DisplayVersion: null, ReleaseId: null, CurrentMajorVersionNumber: null, CurrentMinorVersionNumber: null },
      hotfix: hotfixFailed,
      reboot: { wu: false, cbs: false },
      au: { NoAutoUpdate: 0, AUOptions: 4 },
    }),
  ),
  cmd(WMIC_QFE_ARGV, winFixture('wmic-qfe/get-caption-description-hotfixid-installedon-first59-rows.txt')),
  cmd(WU_ARGV, json({ wu: { lastSearch: '2026-11-22T23:00:00Z', updates: [] } })),
  // firewall: all three profiles on, inbound NotConfigured (Windows default block).
  cmd(PROFILES_ARGV, json({ active: [{ Name: 'Domain', Enabled: 1, DefaultInboundAction: 0 }, { Name: 'Private', Enabled: 1, DefaultInboundAction: 0 }, { Name: 'Public', Enabled: 1, DefaultInboundAction: 0 }], rsop: [] })),
  // mdm_enrollment: Intune enrolment, hybrid join (Microsoft's sample output).
  cmd(ENROLL_ARGV, json({ enrollments: [{ id: '8B5A9A5C-3F38-4C74-A1B7-9D0C4F2E6A11', ProviderID: 'MS DM Server', EnrollmentState: 1, EnrollmentType: 6, UPN: null, DiscoveryServiceFullURL: 'https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc' }], ccm: null })),
  cmd(DSREGCMD_ARGV, winFixture('dsregcmd-status/fragment-msdocs-hybrid-joined-device-state.txt')),
  // antivirus_edr: the cnquery Defender captures, three months after they were taken.
  cmd(AV_ARGV, `{"sc":${winFixture('securitycenter2-antivirusproduct/json-defender-only.txt')},"mp":${winFixture('get-mpcomputerstatus/json-server2022-cnquery.txt')},"svc":[]}`),
  // screen_lock: machine inactivity limit 15 minutes.
  cmd(SCREEN_ARGV, json({ inactivity: { InactivityTimeoutSecs: 900 }, machineSaver: null, install: { InstallationType: 'Client' }, users: [] })),
  // os_eol: PowerShell refused, systeminfo capture (Windows 10 20H2 Education).
  cmd(OS_ARGV, '', 1, 'Access is denied.\r\n'),
  cmd(SYSTEMINFO_ARGV, winFixture('systeminfo/win10-education-de-number-format-9-hotfixes.txt')),
  // time_sync: W32Time running, the German capture synchronised to de.pool.ntp.org.
  cmd(SERVICE_ARGV, json({ svc: { Name: 'W32Time', Status: 4, StartType: 2 } })),
  cmd(W32TM_ARGV, winFixture('w32tm-query-status-verbose/de-wrapped-cp850-escaped-checkmk.txt')),
  // audit_logging: EventLog running, the cnquery Security log and auditpol captures.
  cmd(EVENTLOG_ARGV, `{"svc":{"Name":"EventLog","Status":4,"StartType":2},"log":${winFixture('get-winevent-listlog/json-security-classic-2022-cnquery.txt')}}`),
  cmd(AUDITPOL_ARGV, winFixture('auditpol-r/ws2022-dc-cnquery.txt')),
  // local_admins: two members (gowindows capture).
  cmd(ADMINS_ARGV, `{"group":"BUILTIN\\\\Administrators","members":${winFixture('get-localgroupmember/json-compress-win2022-core-two-users-gowindows.txt')}}`),
  // usb_storage: Windows defaults.
  cmd(USB_ARGV, json({ usbstor: { Start: 3 }, all: null, disks: null })),
  // remote_access: RDP with NLA, OpenSSH server running with the shipped sshd_config.
  cmd(REMOTE_ARGV, json({ ts: { fDenyTSConnections: 0 }, rdpTcp: { UserAuthentication: 1, SecurityLayer: 2, PortNumber: 3389 }, tsPolicy: null, svc: [{ Name: 'sshd', Status: 4, StartType: 2 }], programData: 'C:\\ProgramData' })),
  // secure_boot: on.
  cmd(SECURE_BOOT_ARGV, json({ sb: true, setup: [0], fw: 'UEFI', reg: { UEFISecureBootEnabled: 1 } })),
  // listening_services: SMB with SMBv1 on, DICOM on every address (constructed from the documented format).
  cmd(LISTEN_ARGV, winFixture('get-nettcpconnection/constructed-probes-dicom-smb1.txt')),
  // neighbour_inventory: two devices and one IPv6 neighbour.
  cmd(NEIGHBOR_ARGV, winFixture('get-netneighbor/constructed-probes-ipv4-ipv6.txt')),
];

let dir: string;
let results: CheckResult[];
const r = (id: string) => results.find((x) => x.id === id)!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-win32-bundle-'));
  await writeBundle(dir, {
    platform: 'win32',
    createdAt: CREATED,
    agentVersion: 'test',
    commands: COMMANDS,
    files: [{ path: SSHD, content: winFixture('sshd-config/win32-openssh-default.txt'), mtimeMs: Date.parse('2026-01-10T08:00:00Z') }],
  });
  results = await runChecks(checksFor('win32'), replayDeps(await readBundle(dir)), DEFAULT_POLICY, 'workstation');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('win32 support bundle replay', () => {
  it('the registry has all 15 checks, in catalogue order', () => {
    expect(WIN32_CHECKS.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(results.map((x) => x.id)).toEqual([...CHECK_IDS]);
  });

  it('every verdict', () => {
    expect(Object.fromEntries(results.map((x) => [x.id, x.status]))).toEqual({
      disk_encryption: 'pass',
      patch_level: 'fail',
      firewall: 'pass',
      mdm_enrollment: 'pass',
      antivirus_edr: 'fail',
      screen_lock: 'pass',
      os_eol: 'fail',
      time_sync: 'pass',
      audit_logging: 'fail',
      local_admins: 'pass',
      usb_storage: 'fail',
      remote_access: 'fail',
      secure_boot: 'pass',
      listening_services: 'fail',
      neighbour_inventory: 'not_applicable',
    });
  });

  it('key facts and reasons', () => {
    expect(r('disk_encryption').facts).toMatchObject({ volumes: [{ mount: 'C:', role: 'root', encrypted: true, protection: 'on', cipher: 'XTS-AES 128' }] });
    expect(r('patch_level').facts).toMatchObject({ os: { name: 'Windows Server 2012 R2', build: '9600.21620' }, pendingSecurityUpdates: 0, lastUpgradeAt: '2020-08-12', autoUpdate: true, hotfixes: { count: 59, latestId: 'KB3013172' } });
    expect(r('patch_level').reason).toBe('last update installed 2294 days ago (allowed 30)');
    expect(r('mdm_enrollment').facts).toMatchObject({ agents: [{ provider: 'windows-mdm', vendor: 'intune', enrolled: true, joinType: 'hybrid' }] });
    expect(r('antivirus_edr').reason).toBe('Microsoft Defender Antivirus signatures are 90 days old (allowed 7)');
    expect(r('os_eol').facts).toEqual({ family: 'windows', name: 'Windows 10', version: '10.0.19042', build: '19042', edition: 'Education' });
    expect(r('os_eol').reason).toMatch(/^Windows 10 20H2 Enterprise\/Education: support ended 2023-05-09/);
    expect(r('time_sync').facts).toMatchObject({ synchronized: true, sources: ['de.pool.ntp.org'], offsetMs: 0.372 });
    expect(r('audit_logging').reason).toMatch(/^audit policy "Account Lockout" does not audit failure/);
    expect(r('local_admins').facts).toMatchObject({ admins: ['WIN2022SC\\Administrator', 'WIN2022SC\\vagrant'] });
    expect(r('usb_storage').reason).toBe('USB mass storage is not blocked');
    expect(r('remote_access').reason).toBe('sshd accepts password authentication');
    expect(r('secure_boot').facts).toMatchObject({ firmware: 'uefi', enabled: true });
    expect(r('listening_services').reason).toMatch(/^DICOM listens on every address \(0\.0\.0\.0:104 \(dcmqrscp\)\).*; SMBv1 is enabled and SMB listens on :::445 \(System\); SMBv1 is enabled and SMB listens on 0\.0\.0\.0:445 \(System\)$/);
    expect(r('neighbour_inventory').facts).toMatchObject({ source: 'Get-NetNeighbor', neighbours: [{ ip: '10.20.0.11' }, { ip: '10.20.0.12' }, { mac: '00:80:64:0a:0b:0c' }] });
  });

  it('evidence names what ran, short enough for the statement, and nothing was missing from the bundle', () => {
    for (const x of results) {
      for (const e of x.evidence) {
        expect(e.source.length).toBeLessThanOrEqual(512);
        expect(e.error ?? '').not.toMatch(/not recorded in the bundle/);
      }
    }
    expect(r('disk_encryption').evidence.map((e) => e.source)).toEqual([
      'powershell.exe: Get-BitLockerVolume | Select-Object ... | ConvertTo-Json',
      'powershell.exe: Get-CimInstance Win32_EncryptableVolume (+ GetConversionStatus, GetLockStatus, GetKeyProtectors) | ConvertTo-Json',
    ]);
    expect(r('remote_access').evidence.map((e) => e.source)).toContain(`read ${SSHD}`);
  });
});
