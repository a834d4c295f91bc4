import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/patch_level/linux.js';
import type { PatchLevelFacts } from '../../../../protocol/checks/patch-level.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, NOW, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

const SIM = 'apt-get -s -o Debug::NoLocking=1 dist-upgrade';
const FIND = "find /var/lib/apt/lists -maxdepth 1 -type f -name *Release -printf %T@\\n";
const DEBIAN12: Record<string, Reply> = {
  [SIM]: ok(fixture('apt-get-s-dist-upgrade/debian12-vm.txt')),
  'apt-cache policy': ok(fixture('apt-cache-policy/debian12-with-security.txt')),
  [FIND]: ok(fixture('find-apt-lists/debian12-vm.txt')),
};
const DEBIAN12_FILES = { '/etc/os-release': fixture('os-release/debian-12-bookworm.txt'), '/var/log/apt/history.log': fixture('apt-history-log/debian12-vm.txt') };
// The recorded InRelease files are stamped 2026-11-23T18:44:57Z; collect "now" one day later.
const A_DAY_AFTER_INDEX = 1795459497 * 1000 + 86_400_000;

async function collect(replies: Record<string, Reply>, files: Record<string, string>, now = A_DAY_AFTER_INDEX) {
  const calls: string[] = [];
  const c = await check.collect(fakeDeps(fakeRunner(replies, calls), fakeFiles(files), now));
  return { c, calls, facts: c.facts as PatchLevelFacts, verdict: verdictOf('patch_level', c, new Date(now).toISOString()) };
}

describe('patch_level collect (replayed), Debian/Ubuntu', () => {
  it('this build machine: 136 pending, 81 security, last upgrade 2025-06-24, index a day old', async () => {
    const { c, facts, verdict, calls } = await collect(DEBIAN12, DEBIAN12_FILES);
    expect(facts).toMatchObject({
      os: { id: 'debian', name: 'Debian GNU/Linux', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
      packageManager: 'apt',
      pendingUpdates: 136,
      pendingSecurityUpdates: 81,
      lastUpgradeAt: new Date('2025-06-24T14:36:25').toISOString(),
      indexAgeDays: 1,
      rebootRequired: false,
    });
    expect(facts.reasons).toBeUndefined();
    expect(facts.packages).toHaveLength(136);
    expect(facts.packages.slice(0, 81).every((p) => p.security)).toBe(true);
    expect(facts.packages.find((p) => p.name === 'libgcrypt20')).toEqual({ name: 'libgcrypt20', version: '1.10.1-3+deb12u1', source: 'Debian:12.15/oldstable, Debian-Security:12/oldstable-security', security: true });
    expect(calls).not.toContain('apt-get update');
    expect(c.evidence.find((e) => e.source === SIM)?.exitCode).toBe(0);
    expect(schemaErrors('patch_level', facts)).toEqual([]);
    expect(verdict.status).toBe('fail');
    expect(verdict.reason).toContain('81 security update(s) pending');
  });

  it('security count is unknown when the security repository was never indexed', async () => {
    const { facts, verdict } = await collect({ ...DEBIAN12, 'apt-cache policy': ok(fixture('apt-cache-policy/debian12-main-only-no-security-index.txt')) }, DEBIAN12_FILES);
    expect(facts.pendingUpdates).toBe(136);
    expect(facts.pendingSecurityUpdates).toBeNull();
    expect(facts.reasons?.join(' ')).toContain('no security repository');
    expect(verdict.status).not.toBe('pass');
  });

  it('a fully patched host with a fresh index and a recent upgrade passes', async () => {
    const { verdict, facts } = await collect(
      { ...DEBIAN12, [SIM]: ok('Reading package lists...\nBuilding dependency tree...\nCalculating upgrade...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n') },
      { ...DEBIAN12_FILES, '/var/log/apt/history.log': 'Start-Date: 2026-11-20  03:00:00\nCommandline: /usr/bin/unattended-upgrade\nUpgrade: libc6:amd64 (2.36-9+deb12u13, 2.36-9+deb12u14)\nEnd-Date: 2026-11-20  03:02:00\n' },
    );
    expect(facts).toMatchObject({ pendingUpdates: 0, pendingSecurityUpdates: 0, rebootRequired: false });
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('reboot-required makes it fail; the .1.gz history is read when the current log has no upgrade', async () => {
    const { facts, calls } = await collect(
      { ...DEBIAN12, 'gzip -cdq /var/log/apt/history.log.1.gz': ok('Start-Date: 2026-11-01  09:00:00\nCommandline: apt upgrade\nUpgrade: x:amd64 (1, 2)\nEnd-Date: 2026-11-01  09:05:00\n') },
      { ...DEBIAN12_FILES, '/var/log/apt/history.log': 'Start-Date: 2026-11-22  09:00:00\nCommandline: apt install vim\nInstall: vim:amd64 (2:9.0)\nEnd-Date: 2026-11-22  09:00:05\n', '/var/log/apt/history.log.1.gz': '\u001f\u008b', '/run/reboot-required': '*** System restart required ***\n' },
    );
    expect(calls).toContain('gzip -cdq /var/log/apt/history.log.1.gz');
    expect(facts.lastUpgradeAt).toBe(new Date('2026-11-01T09:05:00').toISOString());
    expect(facts.rebootRequired).toBe(true);
  });

  it('a stale index cannot prove "nothing pending"', async () => {
    const { verdict } = await collect(
      { ...DEBIAN12, [SIM]: ok('0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n') },
      { ...DEBIAN12_FILES, '/var/log/apt/history.log': 'Start-Date: 2026-12-20  03:00:00\nCommandline: apt upgrade\nUpgrade: a:amd64 (1, 2)\nEnd-Date: 2026-12-20  03:02:00\n' },
      1795459497 * 1000 + 30 * 86_400_000,
    );
    expect(verdict.status).toBe('unknown');
    expect(verdict.reason).toContain('package index is 30 days old');
  });

  it('apt-get timing out falls back to apt list --upgradable', async () => {
    const { facts, calls } = await collect({ ...DEBIAN12, [SIM]: timedOut, 'apt list --upgradable': ok(fixture('apt-list-upgradable/debian12-vm.txt')) }, DEBIAN12_FILES);
    expect(calls).toContain('apt list --upgradable');
    expect(facts).toMatchObject({ pendingUpdates: 136, pendingSecurityUpdates: 81 });
    expect(facts.reasons?.[0]).toContain('timed out');
  });

  it('truncated apt-get output is not trusted', async () => {
    const truncated = fixture('apt-get-s-dist-upgrade/debian12-vm.txt').split('\n').slice(0, 60).join('\n');
    const { facts, verdict } = await collect({ ...DEBIAN12, [SIM]: ok(truncated) }, DEBIAN12_FILES);
    expect(facts.pendingUpdates).toBeNull();
    expect(facts.pendingSecurityUpdates).toBeNull();
    expect(facts.reasons?.[0]).toContain('incomplete');
    expect(verdict.status).not.toBe('pass');
  });

  it('garbage from apt-get (exit 0) and no apt list gives nulls, never pass', async () => {
    const { facts, verdict } = await collect({ ...DEBIAN12, [SIM]: ok('\u0000\u0001garbage'), apt: exit(100, '', 'E: Invalid operation list') }, DEBIAN12_FILES);
    expect(facts).toMatchObject({ packageManager: 'apt', pendingUpdates: null, pendingSecurityUpdates: null });
    expect(verdict.status).not.toBe('pass');
  });

  it('Debian 10 via apt list cannot count security updates', async () => {
    const { facts } = await collect(
      { ...DEBIAN12, [SIM]: exit(100, '', 'E: Could not open lock file'), 'apt list --upgradable': ok(fixture('apt-list-upgradable/debian-buster-two-from-stable.txt')) },
      { ...DEBIAN12_FILES, '/etc/os-release': fixture('os-release/debian-10-buster.txt') },
    );
    expect(facts).toMatchObject({ pendingUpdates: 2, pendingSecurityUpdates: null });
    expect(facts.reasons?.join(' ')).toContain('Debian 10');
  });

  it('apt-get not installed on a Debian-family host: no package manager, unknown', async () => {
    const { facts, verdict } = await collect({}, DEBIAN12_FILES);
    expect(facts).toMatchObject({ packageManager: null, pendingUpdates: null, pendingSecurityUpdates: null, rebootRequired: null });
    expect(facts.reasons).toEqual(['no supported package manager found (looked for apt)']);
    expect(verdict.status).toBe('unknown');
  });

  it('missing os-release still reports packages, with the OS marked unknown', async () => {
    const { facts } = await collect(DEBIAN12, { '/var/log/apt/history.log': fixture('apt-history-log/debian12-vm.txt') });
    expect(facts.os).toEqual({ id: 'unknown', name: 'Linux', version: '' });
    expect(facts.packageManager).toBe('apt');
    expect(facts.reasons).toContain('os-release is missing or unreadable');
  });
});

describe('patch_level collect (replayed), RHEL family', () => {
  const RHEL_FILES = { '/etc/os-release': fixture('os-release/rhel-9.0.txt') };
  const HISTORY = 'ID | Command line | Date and time    | Action(s) | Altered\n---\n 4 | upgrade -y   | 2026-11-20 02:00 | Upgrade   |   12\n';
  const RHEL: Record<string, Reply> = {
    'dnf -C check-update': exit(100, fixture('dnf-check-update/el7-15-updates-third-party-repos.txt')),
    'dnf -C -q updateinfo list --security': ok('RHSA-2023:3722 Important/Sec. openssl-1:1.0.2k-26.el7_9.x86_64\nRHSA-2023:3722 Important/Sec. openssl-libs-1:1.0.2k-26.el7_9.x86_64\nRHSA-2023:4000 Important/Sec. sudo-1.8.23-10.el7_9.3.x86_64\n'),
    'dnf history list': ok(HISTORY),
    'needs-restarting -r': exit(1, 'Core libraries or services have been updated since boot-up:\n  * kernel\n\nReboot is required to fully utilize these updates.\n'),
  };

  it('dnf: counts, security advisories mapped onto packages, history, needs-restarting', async () => {
    const { facts, verdict } = await collect(RHEL, RHEL_FILES, NOW);
    expect(facts).toMatchObject({
      os: { id: 'rhel', version: '9.0', idLike: ['fedora'] },
      packageManager: 'dnf', pendingUpdates: 15, pendingSecurityUpdates: 3,
      lastUpgradeAt: new Date('2026-11-20T02:00').toISOString(), indexAgeDays: 0, rebootRequired: true,
    });
    expect(facts.packages.filter((p) => p.security).map((p) => p.name).sort()).toEqual(['openssl', 'openssl-libs', 'sudo']);
    expect(schemaErrors('patch_level', facts)).toEqual([]);
    expect(verdict.status).toBe('fail');
  });

  it('dnf without a metadata cache (-C) cannot count updates', async () => {
    const { facts, verdict } = await collect({ ...RHEL, 'dnf -C check-update': exit(1, '', "Error: Cache-only enabled but no cache for 'baseos'\n") }, RHEL_FILES, NOW);
    expect(facts.pendingUpdates).toBeNull();
    expect(facts.reasons?.[0]).toContain('Cache-only enabled');
    expect(verdict.status).not.toBe('pass');
  });

  it('CentOS publishes no errata: an empty security list is not zero', async () => {
    const { facts } = await collect({ ...RHEL, 'dnf -C -q updateinfo list --security': ok('') }, { '/etc/os-release': 'ID="centos"\nNAME="CentOS Stream"\nVERSION_ID="9"\n' }, NOW);
    expect(facts.pendingSecurityUpdates).toBeNull();
  });

  it('falls back to yum when dnf is missing; needs-restarting missing leaves reboot unknown', async () => {
    const { facts, calls } = await collect(
      { 'yum -C check-update': ok(''), 'yum -C -q updateinfo list security': ok('Loaded plugins: fastestmirror\nupdateinfo list done\n'), 'yum history list': ok(HISTORY) },
      { '/etc/os-release': fixture('os-release/amazon-linux-2.txt') },
      NOW,
    );
    expect(calls.slice(0, 2)).toEqual(['dnf -C check-update', 'yum -C check-update']);
    expect(facts).toMatchObject({ packageManager: 'yum', pendingUpdates: 0, pendingSecurityUpdates: 0, rebootRequired: null });
  });

  it('SUSE is recognised but reported as not queried, not as zero', async () => {
    const { facts, verdict } = await collect({ 'zypper --version': ok('zypper 1.14.11\n') }, { '/etc/os-release': fixture('os-release/sles-15-sp1.txt') }, NOW);
    expect(facts).toMatchObject({ packageManager: 'zypper', pendingUpdates: null, pendingSecurityUpdates: null });
    expect(verdict.status).toBe('unknown');
  });
});
