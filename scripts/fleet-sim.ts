// A simulated hospital fleet for benchmarks and tests: devices with their own ECDSA P-256 keys and
// attestations shaped like the agent's (facts per check as a Windows or Linux agent reports them), signed
// for real and chained. Deterministic for a seed, so runs are comparable.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signEnvelope } from '../protocol/dsse.js';
import { canonicalBytes } from '../protocol/jcs.js';
import { keyIdOf, publicKeyDigest } from '../protocol/keys.js';
import type { DeviceFacts } from '../protocol/messages.js';
import { PAYLOAD_TYPE, buildStatement, type CheckEntry, type Predicate } from '../protocol/statement.js';

export type Outcome = 'pass' | 'fail' | 'unknown';

/** mulberry32: small, fast, deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimDevice {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  digest: string;
  keyId: string;
  facts: DeviceFacts;
  platform: 'win32' | 'linux';
  role: string;
}

export function newKeyPair(): { privateKey: KeyObject; publicKey: KeyObject; publicKeyPem: string; digest: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), digest: publicKeyDigest(publicKey), keyId: keyIdOf(publicKey) };
}

export function simDevice(index: number, role = 'workstation'): SimDevice {
  return { ...newKeyPair(), ...simFacts(index), role };
}

/** The simulated machine behind device number `index`: one in ten runs Linux, the rest Windows. */
export function simFacts(index: number): { facts: DeviceFacts; platform: 'win32' | 'linux' } {
  const platform = index % 10 === 9 ? 'linux' : 'win32';
  const n = String(index).padStart(5, '0');
  const facts: DeviceFacts =
    platform === 'win32'
      ? {
          hostname: `WS-${n}.clinic.hospital.local`,
          os: { platform: 'win32', name: 'Microsoft Windows 11 Enterprise', version: '10.0.26100', build: '26100.2314' },
          arch: 'x64',
          serial: `5CG${n}XYZ`,
          model: 'HP EliteDesk 800 G6',
          manufacturer: 'HP',
        }
      : {
          hostname: `lnx-${n}.lab.hospital.local`,
          os: { platform: 'linux', name: 'Ubuntu', version: '22.04', kernel: '5.15.0-125-generic' },
          arch: 'x64',
          serial: `VMW-${n}`,
          model: 'VMware Virtual Platform',
        };
  return { facts, platform };
}

const DAY = 86_400_000;
const ev = (source: string, ms: number) => ({ source, exitCode: 0, durationMs: ms });

/** One check's entry as the agent would report it, for the wanted outcome (under the default policy). */
export function checkEntry(id: string, outcome: Outcome, platform: 'win32' | 'linux', collectedAt: string, r: () => number): CheckEntry {
  const win = platform === 'win32';
  const ms = () => Math.round(50 + r() * 900);
  const at = Date.parse(collectedAt);
  const unknown = outcome === 'unknown';
  switch (id) {
    case 'disk_encryption':
      return {
        id,
        status: outcome,
        facts: {
          volumes: win
            ? [
                {
                  mount: 'C:', role: 'root', device: '\\\\?\\Volume{4d2c9a1e-0000-0000-0000-100000000000}', chain: [],
                  encrypted: unknown ? null : outcome === 'pass', scheme: 'BitLocker', cipher: 'XtsAes256', protection: outcome === 'pass' ? 'on' : 'off',
                  conversion: outcome === 'pass' ? 'FullyEncrypted' : 'FullyDecrypted', percentEncrypted: outcome === 'pass' ? 100 : 0,
                  protectors: outcome === 'pass' ? ['Tpm', 'RecoveryPassword'] : [], ...(unknown ? { reason: 'Get-BitLockerVolume requires elevation' } : {}),
                },
              ]
            : [
                { mount: '/', role: 'root', device: '/dev/mapper/vg0-root', chain: ['/dev/mapper/vg0-root', '/dev/mapper/luks-1c2d', '/dev/sda3'], encrypted: unknown ? null : outcome === 'pass', scheme: 'LUKS2', cipher: 'aes-xts-plain64' },
                { mount: '[SWAP]', role: 'swap', device: '/dev/mapper/vg0-swap', chain: ['/dev/mapper/vg0-swap', '/dev/mapper/luks-1c2d', '/dev/sda3'], encrypted: unknown ? null : outcome === 'pass', scheme: 'LUKS2' },
              ],
        },
        evidence: win ? [ev('powershell -NoProfile -Command Get-BitLockerVolume | ConvertTo-Json -Depth 4', ms())] : [ev('read /proc/self/mountinfo', 1), ev('lsblk -J -p -o NAME,KNAME,TYPE,FSTYPE,MOUNTPOINT,PKNAME,MAJ:MIN', ms()), ev('cryptsetup status luks-1c2d', ms())],
      };
    case 'patch_level': {
      const pending = outcome === 'fail' ? 2 + Math.floor(r() * 12) : 0;
      const packages = Array.from({ length: pending }, (_, i) =>
        win
          ? { name: `2024-11 Cumulative Update for Windows 11 Version 24H2 for x64-based Systems (KB50466${String(10 + i)})`, version: `KB50466${String(10 + i)}`, source: 'Windows Update', security: true }
          : { name: `libssl3-${i}`, version: `3.0.2-0ubuntu1.${18 + i}`, source: 'Ubuntu:22.04/jammy-security', security: true },
      );
      return {
        id,
        status: outcome,
        facts: {
          os: win ? { id: 'windows', name: 'Windows 11 Enterprise', version: '10.0.26100', build: '26100.2314' } : { id: 'ubuntu', name: 'Ubuntu', version: '22.04', prettyName: 'Ubuntu 22.04.5 LTS', idLike: ['debian'] },
          packageManager: win ? 'windows-update' : 'apt',
          pendingUpdates: unknown ? null : pending + Math.floor(r() * 3),
          pendingSecurityUpdates: unknown ? null : pending,
          packages,
          lastUpgradeAt: new Date(at - (outcome === 'fail' ? 40 : 1 + Math.floor(r() * 20)) * DAY).toISOString(),
          indexAgeDays: win ? null : Math.round(r() * 20) / 10,
          rebootRequired: false,
          autoUpdate: true,
          autoUpdateDetail: win ? 'NoAutoUpdate=0, AUOptions=4 (Group Policy)' : 'unattended-upgrades enabled',
          ...(win ? { hotfixes: { count: 14, latestId: 'KB5046617', latestInstalledAt: new Date(at - 9 * DAY).toISOString() } } : {}),
          ...(unknown ? { reasons: ['Windows Update search timed out after 120 s'] } : {}),
        },
        evidence: win ? [ev('powershell Microsoft.Update.Session Search IsInstalled=0', ms()), ev('powershell Get-HotFix | ConvertTo-Json', ms())] : [ev('apt-get -s -o Debug::NoLocking=1 dist-upgrade', ms()), ev('read /var/log/apt/history.log', 2)],
      };
    }
    case 'firewall':
      return {
        id,
        status: outcome,
        facts: win
          ? {
              backends: ['Domain', 'Private', 'Public'].map((profile) => ({
                name: 'windows-firewall', profile, active: unknown ? null : outcome === 'pass' || profile !== 'Public', inboundDefault: 'deny', rules: 412, policyEnforced: true,
                ...(unknown ? { detail: 'Get-NetFirewallProfile failed: access denied' } : {}),
              })),
            }
          : { backends: [{ name: 'nftables', active: unknown ? null : outcome === 'pass', inboundDefault: outcome === 'pass' ? 'deny' : null, rules: 24 }, { name: 'ufw', active: false, inboundDefault: null }] },
        evidence: win ? [ev('powershell Get-NetFirewallProfile | ConvertTo-Json', ms())] : [ev('nft -j list ruleset', ms()), ev('ufw status verbose', ms())],
      };
    case 'mdm_enrollment':
      return {
        id,
        status: outcome,
        facts: {
          agents: win
            ? [{ provider: 'intune', name: 'Microsoft Intune', installed: true, enrolled: unknown ? null : outcome === 'pass', server: 'https://r.manage.microsoft.com', joinType: 'hybrid', ...(unknown ? { detail: 'dsregcmd /status timed out' } : {}) }]
            : [{ provider: 'landscape', name: 'Landscape', installed: true, enrolled: unknown ? null : outcome === 'pass', server: 'landscape.hospital.local' }],
        },
        evidence: win ? [ev('dsregcmd /status', ms()), ev('reg query HKLM\\SOFTWARE\\Microsoft\\Enrollments /s', ms())] : [ev('landscape-config --is-registered', ms())],
      };
    case 'antivirus_edr':
      return {
        id,
        status: outcome,
        facts: {
          products: win
            ? [
                { name: 'Microsoft Defender Antivirus', kind: 'antivirus', active: unknown ? null : true, realtime: true, signatureAgeDays: outcome === 'fail' ? 11 + Math.round(r() * 10) : Math.round(r() * 20) / 10, version: '4.18.24090.11' },
                { name: 'Microsoft Defender for Endpoint', kind: 'edr', active: unknown ? null : outcome === 'pass', realtime: null, signatureAgeDays: null },
              ]
            : [{ name: 'Microsoft Defender for Endpoint (mdatp)', kind: 'edr', active: unknown ? null : outcome === 'pass', realtime: true, signatureAgeDays: 0.5, version: '101.24092.0002' }],
        },
        evidence: win ? [ev('powershell Get-MpComputerStatus | ConvertTo-Json', ms()), ev('powershell Get-CimInstance -Namespace root/SecurityCenter2 AntiVirusProduct', ms())] : [ev('mdatp health --output json', ms())],
      };
    case 'screen_lock':
      return {
        id,
        status: win ? outcome : 'not_applicable',
        facts: win
          ? { headless: false, settings: [{ scope: 'machine', enabled: unknown ? null : true, idleSeconds: outcome === 'fail' ? 3600 : 600, requirePassword: true, enforced: true, source: 'HKLM\\Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop' }] }
          : { headless: true, settings: [] },
        evidence: win ? [ev('reg query "HKLM\\Software\\Policies\\Microsoft\\Windows\\Control Panel\\Desktop"', ms())] : [ev('loginctl list-sessions', ms())],
      };
    case 'os_eol':
      return {
        id,
        status: 'pass',
        facts: win ? { family: 'windows', name: 'Windows 11 Enterprise', version: '10.0.26100', build: '26100', edition: 'Enterprise' } : { family: 'ubuntu', name: 'Ubuntu', version: '22.04' },
        evidence: [ev(win ? 'read HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion' : 'read /etc/os-release', 3)],
      };
    case 'time_sync':
      return {
        id,
        status: outcome,
        facts: {
          service: win ? 'w32time' : 'chronyd', serviceActive: true, synchronized: unknown ? null : outcome === 'pass', sources: [win ? 'dc01.hospital.local' : 'ntp1.hospital.local'],
          offsetMs: Math.round(r() * 400) / 10, ...(unknown ? { detail: 'w32tm /query /status returned no source' } : {}),
        },
        evidence: [ev(win ? 'w32tm /query /status /verbose' : 'chronyc -n tracking', ms())],
      };
    case 'audit_logging':
      return {
        id,
        status: outcome,
        facts: win
          ? {
              sources: [{ name: 'eventlog', active: true, persistent: true }],
              policy: ['Logon', 'Account Lockout', 'User Account Management', 'Security Group Management', 'Audit Policy Change', 'Logoff', 'Special Logon'].map((category) => ({
                category, success: unknown ? null : true, failure: unknown ? null : outcome === 'pass' || category !== 'Logon',
              })),
            }
          : { sources: [{ name: 'auditd', active: unknown ? null : outcome === 'pass', persistent: true }, { name: 'journald', active: true, persistent: outcome === 'pass' }] },
        evidence: win ? [ev('auditpol /get /category:* /r', ms())] : [ev('systemctl is-active auditd', ms()), ev('journalctl --header', ms())],
      };
    case 'local_admins': {
      const admins = win ? ['HOSPITAL\\Domain Admins', 'HOSPITAL\\Workstation Admins', 'Administrator'] : ['root', 'itadmin'];
      if (outcome === 'fail') admins.push('HOSPITAL\\dr.smith', 'HOSPITAL\\vendor-support');
      return {
        id,
        status: outcome === 'unknown' ? 'pass' : outcome,
        facts: { groups: [{ name: win ? 'Administrators' : 'sudo', members: admins }], uid0Accounts: win ? [] : ['root'], admins },
        evidence: [ev(win ? 'powershell Get-LocalGroupMember -SID S-1-5-32-544 | ConvertTo-Json' : 'getent group sudo wheel admin', ms())],
      };
    }
    case 'usb_storage':
      return {
        id,
        status: outcome,
        facts: {
          blocked: unknown ? null : outcome === 'pass',
          mechanisms: win ? [{ name: 'USBSTOR Start', blocking: unknown ? null : outcome === 'pass' }, { name: 'RemovableStorageDevices Deny_All', blocking: unknown ? null : outcome === 'pass' }] : [{ name: 'modprobe usb-storage', blocking: unknown ? null : outcome === 'pass' }],
        },
        evidence: [ev(win ? 'reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\USBSTOR /v Start' : 'modprobe -n -v usb-storage', ms())],
      };
    case 'remote_access':
      return {
        id,
        status: outcome,
        facts: {
          services: win
            ? [{ name: 'rdp', enabled: unknown ? null : true, nla: outcome !== 'fail' }, { name: 'sshd', enabled: false }]
            : [{ name: 'sshd', enabled: true, permitRootLogin: unknown ? null : 'no', passwordAuthentication: unknown ? null : outcome === 'fail' }],
        },
        evidence: [ev(win ? 'reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp"' : 'sshd -T', ms())],
      };
    case 'secure_boot':
      return {
        id,
        status: outcome,
        facts: { firmware: 'uefi', enabled: unknown ? null : outcome === 'pass', setupMode: false, ...(unknown ? { detail: 'Confirm-SecureBootUEFI: access denied' } : {}) },
        evidence: [ev(win ? 'powershell Confirm-SecureBootUEFI' : 'mokutil --sb-state', ms())],
      };
    default:
      throw new Error(`no simulated facts for check ${id}`);
  }
}

export const SIM_CHECKS = [
  'disk_encryption', 'patch_level', 'firewall', 'mdm_enrollment', 'antivirus_edr', 'screen_lock', 'os_eol',
  'time_sync', 'audit_logging', 'local_admins', 'usb_storage', 'remote_access', 'secure_boot',
] as const;

/** Outcome of each check for one device on one day: mostly passing, a few failing streaks. */
export function dailyOutcomes(deviceIndex: number, day: number): Record<string, Outcome> {
  const r = rng(deviceIndex * 7919 + day * 104729);
  const out: Record<string, Outcome> = {};
  for (const [i, id] of SIM_CHECKS.entries()) {
    // A device has a weak spot on one check that fails for a stretch of days.
    const weak = (deviceIndex + i) % 17 === 0 && day % 10 >= 4;
    const x = r();
    out[id] = weak ? 'fail' : x < 0.02 ? 'unknown' : x < 0.05 ? 'fail' : 'pass';
  }
  return out;
}

export function predicateFor(d: SimDevice, seq: number, previous: string, collectedAt: string, checks: CheckEntry[]): Predicate {
  return {
    sequence: seq,
    previous,
    collectedAt,
    agent: { version: '0.1.0', binarySha256: 'a3f1c2d4e5b6a7980123456789abcdef0123456789abcdef0123456789abcdef', configSha256: '5e6f7a8b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9a0b' },
    device: { ...d.facts, role: d.role },
    checks,
  };
}

export function signedEnvelope(d: SimDevice, predicate: Predicate): string {
  const statement = buildStatement(d.digest, `device:hostname:${d.facts.hostname}`, predicate);
  return JSON.stringify(signEnvelope(PAYLOAD_TYPE, canonicalBytes(statement), d.privateKey, d.keyId));
}

export function allChecks(d: SimDevice, deviceIndex: number, day: number, collectedAt: string): CheckEntry[] {
  const outcomes = dailyOutcomes(deviceIndex, day);
  const r = rng(deviceIndex * 31 + day);
  return SIM_CHECKS.map((id) => checkEntry(id, outcomes[id]!, d.platform, collectedAt, r));
}
