import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/patch_level/linux.js';
import { PACKAGES_CONTEXT, packagesPattern } from '../../../../agent/checks/patch_level/parse-apt-lists.js';
import { parseDpkgStatus } from '../../../../agent/checks/patch_level/parse-dpkg.js';
import type { PatchLevelFacts } from '../../../../protocol/checks/patch-level.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, NOW, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

const SIM = 'apt-get -s -o Debug::NoLocking=1 dist-upgrade';
const LIST = 'apt list --upgradable';
const FIND = "find /var/lib/apt/lists /var/lib/dpkg/updates /etc/apt/preferences.d /etc/apt/apt.conf.d -maxdepth 1 -type f -printf %T@ %p\\n";
const OLD_FIND = "find /var/lib/apt/lists -maxdepth 1 -type f -name *Release -printf %T@\\n";
const LISTS = '/var/lib/apt/lists/';
// The grep the collector runs: the stanzas of the packages installed per the recorded dpkg status.
const INSTALLED = new Set(parseDpkgStatus(fixture('dpkg-status/debian12-vm-fields.txt'))!.map((x) => x.name));
const grep = (file: string) => `zstdgrep -A ${PACKAGES_CONTEXT} -E ${packagesPattern(INSTALLED)} ${LISTS}${file}`;
const MAIN = 'deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4';
const SECURITY = 'deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4';
const UPDATES = 'deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages.lz4';

// This build machine as recorded: the lists directory listing, the security and updates indexes reduced by
// grep to the installed packages, and the first 16 KiB of each InRelease (what the agent reads). The main
// archive's grep is replayed as matching nothing, so only the security and updates archives offer newer
// versions here.
const DEBIAN12: Record<string, Reply> = {
  [FIND]: ok(fixture('find-apt-files/debian12-vm.txt')),
  [grep(SECURITY)]: ok(fixture('apt-lists-grep/debian12-bookworm-security-main-amd64.txt')),
  [grep(UPDATES)]: ok(fixture('apt-lists-grep/debian12-bookworm-updates-main-amd64.txt')),
  [grep(MAIN)]: exit(1, ''),
};
const INRELEASE = Object.fromEntries(
  ['deb.debian.org_debian_dists_bookworm_InRelease', 'deb.debian.org_debian_dists_bookworm-updates_InRelease', 'deb.debian.org_debian-security_dists_bookworm-security_InRelease'].map((f) => [
    `${LISTS}${f}`,
    fixture(`apt-inrelease-head/${f}.txt`),
  ]),
);
const DEBIAN12_FILES: Record<string, string> = {
  '/usr/bin/apt-get': '',
  '/etc/os-release': fixture('os-release/debian-12-bookworm.txt'),
  '/var/log/apt/history.log': fixture('apt-history-log/debian12-vm.txt'),
  '/var/lib/dpkg/status': fixture('dpkg-status/debian12-vm-fields.txt'),
  '/etc/apt/preferences.d/nodejs': fixture('etc-apt-preferences-d/nodesource-nodejs.txt'),
  '/etc/apt/preferences.d/nsolid': fixture('etc-apt-preferences-d/nodesource-nsolid.txt'),
  ...INRELEASE,
};
// Directories the find runs over exist.
const DIRS = { '/var/lib/apt/lists': 1, '/var/lib/dpkg/updates': 1, '/etc/apt/preferences.d': 1, '/etc/apt/apt.conf.d': 1 };
// The recorded InRelease files are stamped 2026-11-23T18:44:57Z; collect "now" one day later.
const A_DAY_AFTER_INDEX = 1795459497 * 1000 + 86_400_000;

async function collect(replies: Record<string, Reply>, files: Record<string, string>, now = A_DAY_AFTER_INDEX, dirs: Record<string, number> = DIRS) {
  const calls: string[] = [];
  const c = await check.collect(fakeDeps(fakeRunner(replies, calls), fakeFiles(files, dirs), now));
  return { c, calls, facts: c.facts as PatchLevelFacts, verdict: verdictOf('patch_level', c, new Date(now).toISOString()) };
}

describe('patch_level collect (replayed), Debian/Ubuntu from dpkg status and apt indexes', () => {
  it('this build machine: the 78 pending security updates, sources as apt names them, no apt command run', async () => {
    const { c, facts, verdict, calls } = await collect(DEBIAN12, DEBIAN12_FILES);
    expect(facts).toMatchObject({
      os: { id: 'debian', name: 'Debian GNU/Linux', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
      packageManager: 'apt',
      pendingUpdates: 78,
      pendingSecurityUpdates: 78,
      lastUpgradeAt: new Date('2025-06-24T14:36:25').toISOString(),
      indexAgeDays: 1,
      rebootRequired: false,
    });
    expect(facts.reasons).toBeUndefined();
    expect(facts.packages.find((p) => p.name === 'libgcrypt20')).toEqual({ name: 'libgcrypt20', version: '1.10.1-3+deb12u1', source: 'Debian-Security:12/oldstable-security', security: true });
    // The nodesource pins name packages from a host no index comes from: they cannot change the answer.
    expect(calls.filter((x) => !x.startsWith('zstdgrep'))).toEqual([FIND]);
    expect(calls.filter((x) => x.startsWith('zstdgrep')).sort()).toEqual([grep(UPDATES), grep(SECURITY), grep(MAIN)].sort());
    expect(c.evidence.map((e) => e.source)).toContain('read /var/lib/dpkg/status');
    expect(schemaErrors('patch_level', facts)).toEqual([]);
    expect(verdict.status).toBe('fail');
    expect(verdict.reason).toContain('78 security update(s) pending');
  });

  it('every index empty and a recent unattended upgrade: nothing pending, pass', async () => {
    const { verdict, facts } = await collect(
      { ...DEBIAN12, [grep(SECURITY)]: exit(1, ''), [grep(UPDATES)]: exit(1, '') },
      { ...DEBIAN12_FILES, '/var/log/apt/history.log': 'Start-Date: 2026-11-20  03:00:00\nCommandline: /usr/bin/unattended-upgrade\nUpgrade: libc6:amd64 (2.36-9+deb12u13, 2.36-9+deb12u14)\nEnd-Date: 2026-11-20  03:02:00\n' },
    );
    expect(facts).toMatchObject({ pendingUpdates: 0, pendingSecurityUpdates: 0, rebootRequired: false });
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('without a downloaded security index the security count is unknown', async () => {
    const listing = fixture('find-apt-files/debian12-vm.txt').split('\n').filter((l) => !l.includes('debian-security')).join('\n');
    const { facts, verdict } = await collect({ ...DEBIAN12, [FIND]: ok(listing) }, DEBIAN12_FILES);
    expect(facts.pendingSecurityUpdates).toBeNull();
    expect(facts.reasons?.join(' ')).toContain('no security repository');
    expect(verdict.status).not.toBe('pass');
  });

  it('a pin on an installed package sends the question to apt itself (recorded apt list: 136 pending, 81 security)', async () => {
    const { facts, calls } = await collect(
      { ...DEBIAN12, [LIST]: ok(fixture('apt-list-upgradable/debian12-vm.txt')) },
      { ...DEBIAN12_FILES, '/etc/apt/preferences': 'Package: openssl\nPin: release a=bookworm-backports\nPin-Priority: 990\n' },
    );
    expect(calls).toContain(LIST);
    expect(facts).toMatchObject({ pendingUpdates: 136, pendingSecurityUpdates: 81 });
    expect(facts.packages.filter((p) => p.security)).toHaveLength(81);
  });

  it('a stanza whose Version is not among the first lines after Package defers to apt rather than miss an update', async () => {
    const { facts, calls } = await collect({ ...DEBIAN12, [LIST]: ok(fixture('apt-list-upgradable/debian12-vm.txt')), [grep(UPDATES)]: ok('Package: ca-certificates\nInstalled-Size: 387\n') }, DEBIAN12_FILES);
    expect(calls).toContain(LIST);
    expect(facts.pendingUpdates).toBe(136);
  });

  it('APT::Default-Release, an unreadable dpkg status, a flat repository or a failing grep also defer to apt', async () => {
    const fallback = { ...DEBIAN12, [LIST]: ok(fixture('apt-list-upgradable/debian12-vm.txt')) };
    const conffind = fixture('find-apt-files/debian12-vm.txt') + '1795459000.0 /etc/apt/apt.conf.d/01release\n';
    const withConf = await collect({ ...fallback, [FIND]: ok(conffind) }, { ...DEBIAN12_FILES, '/etc/apt/apt.conf.d/01release': 'APT::Default-Release "bookworm";\n' });
    expect(withConf.calls).toContain(LIST);
    const { '/var/lib/dpkg/status': _status, ...noStatus } = DEBIAN12_FILES;
    const status = await collect(fallback, noStatus);
    expect(status.calls).toContain(LIST);
    expect(status.c.evidence.find((e) => e.source === 'pending updates from dpkg status and apt indexes')?.error).toContain('/var/lib/dpkg/status');
    const flat = await collect({ ...fallback, [FIND]: ok(`${fixture('find-apt-files/debian12-vm.txt')}1795459000.0 /var/lib/apt/lists/repo.example.org_debian_._Packages\n`) }, DEBIAN12_FILES);
    expect(flat.calls).toContain(LIST);
    const grepFails = await collect({ ...fallback, [grep(MAIN)]: { exitCode: null, failure: 'not-found' } }, DEBIAN12_FILES);
    expect(grepFails.calls).toContain(LIST);
    expect(grepFails.facts.pendingUpdates).toBe(136);
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
      { ...DEBIAN12, [grep(SECURITY)]: exit(1, ''), [grep(UPDATES)]: exit(1, '') },
      { ...DEBIAN12_FILES, '/var/log/apt/history.log': 'Start-Date: 2026-12-20  03:00:00\nCommandline: apt upgrade\nUpgrade: a:amd64 (1, 2)\nEnd-Date: 2026-12-20  03:02:00\n' },
      1795459497 * 1000 + 30 * 86_400_000,
    );
    expect(verdict.status).toBe('unknown');
    expect(verdict.reason).toContain('index is 30 days old');
  });

  it('apt-get not installed on a Debian-family host: no package manager, unknown', async () => {
    const { '/usr/bin/apt-get': _apt, ...noApt } = DEBIAN12_FILES;
    const { facts, verdict } = await collect({}, noApt);
    expect(facts).toMatchObject({ packageManager: null, pendingUpdates: null, pendingSecurityUpdates: null, rebootRequired: null });
    expect(facts.reasons).toEqual(['no supported package manager found (looked for apt)']);
    expect(verdict.status).toBe('unknown');
  });

  it('missing os-release still reports packages, with the OS marked unknown', async () => {
    const { '/etc/os-release': _os, ...noOs } = DEBIAN12_FILES;
    const { facts } = await collect(DEBIAN12, noOs);
    expect(facts.os).toEqual({ id: 'unknown', name: 'Linux', version: '' });
    expect(facts.packageManager).toBe('apt');
    expect(facts.reasons).toContain('os-release is missing or unreadable');
  });
});

describe('patch_level collect (replayed), when apt itself is asked', () => {
  // The shortcut is off: the lists directory cannot be listed.
  const BASE: Record<string, Reply> = { [FIND]: exit(1, '', 'find: /var/lib/apt/lists: Permission denied\n'), [OLD_FIND]: ok(fixture('find-apt-lists/debian12-vm.txt')) };

  it('apt list (recorded on this machine) with the security index seen by apt-cache policy', async () => {
    const { facts, calls } = await collect({ ...BASE, [LIST]: ok(fixture('apt-list-upgradable/debian12-vm.txt')), 'apt-cache policy': ok(fixture('apt-cache-policy/debian12-with-security.txt')) }, DEBIAN12_FILES);
    expect(calls).toEqual(expect.arrayContaining([LIST, 'apt-cache policy', OLD_FIND]));
    expect(facts).toMatchObject({ pendingUpdates: 136, pendingSecurityUpdates: 81, indexAgeDays: 1 });
  });

  it('apt-cache policy without a security index makes the security count unknown', async () => {
    const { facts } = await collect(
      { ...BASE, [LIST]: ok(fixture('apt-list-upgradable/debian12-vm.txt')), 'apt-cache policy': ok(fixture('apt-cache-policy/debian12-main-only-no-security-index.txt')) },
      DEBIAN12_FILES,
    );
    expect(facts.pendingUpdates).toBe(136);
    expect(facts.pendingSecurityUpdates).toBeNull();
    expect(facts.reasons?.join(' ')).toContain('no security repository');
  });

  it('apt list timing out falls back to the apt-get simulation (recorded: 136 pending, 81 from Debian-Security)', async () => {
    const { facts, calls } = await collect(
      { ...BASE, [LIST]: timedOut, [SIM]: ok(fixture('apt-get-s-dist-upgrade/debian12-vm.txt')), 'apt-cache policy': ok(fixture('apt-cache-policy/debian12-with-security.txt')) },
      DEBIAN12_FILES,
    );
    expect(calls).toContain(SIM);
    expect(facts).toMatchObject({ pendingUpdates: 136, pendingSecurityUpdates: 81 });
    expect(facts.packages.slice(0, 81).every((p) => p.security)).toBe(true);
    expect(facts.packages.find((p) => p.name === 'libgcrypt20')?.source).toBe('Debian:12.15/oldstable, Debian-Security:12/oldstable-security');
    expect(facts.reasons?.[0]).toContain('timed out');
  });

  it('truncated apt-get output is not trusted', async () => {
    const truncated = fixture('apt-get-s-dist-upgrade/debian12-vm.txt').split('\n').slice(0, 60).join('\n');
    const { facts, verdict } = await collect({ ...BASE, [LIST]: timedOut, [SIM]: ok(truncated) }, DEBIAN12_FILES);
    expect(facts.pendingUpdates).toBeNull();
    expect(facts.pendingSecurityUpdates).toBeNull();
    expect(facts.reasons?.join(' ')).toContain('incomplete');
    expect(verdict.status).not.toBe('pass');
  });

  it('garbage from both apt commands gives nulls, never pass', async () => {
    const { facts, verdict } = await collect({ ...BASE, [LIST]: ok('\u0000\u0001garbage'), [SIM]: ok('\u0000\u0001garbage') }, DEBIAN12_FILES);
    expect(facts).toMatchObject({ packageManager: 'apt', pendingUpdates: null, pendingSecurityUpdates: null });
    expect(verdict.status).not.toBe('pass');
  });

  it('Debian 10 via apt list cannot count security updates', async () => {
    const { facts } = await collect(
      { ...BASE, [LIST]: ok(fixture('apt-list-upgradable/debian-buster-two-from-stable.txt')) },
      { ...DEBIAN12_FILES, '/etc/os-release': fixture('os-release/debian-10-buster.txt') },
    );
    expect(facts).toMatchObject({ pendingUpdates: 2, pendingSecurityUpdates: null });
    expect(facts.reasons?.join(' ')).toContain('Debian 10');
  });

  it('Ubuntu jammy through apt list: 15 pending, 9 from -security (security index seen in the listing)', async () => {
    const listing = '1795459497.0 /var/lib/apt/lists/security.ubuntu.com_ubuntu_dists_jammy-security_InRelease\n1795459497.0 /var/lib/apt/lists/security.ubuntu.com_ubuntu_dists_jammy-security_main_binary-amd64_Packages\n';
    const { facts } = await collect(
      { [FIND]: ok(listing), [LIST]: ok(fixture('apt-list-upgradable/ubuntu-jammy-15-pending.txt')) },
      { ...DEBIAN12_FILES, '/etc/os-release': fixture('os-release/ubuntu-22.04-development-branch.txt'), '/etc/apt/preferences': 'Package: *\nPin: release o=LP-PPA-x\nPin-Priority: 600\n' },
    );
    expect(facts).toMatchObject({ pendingUpdates: 15, pendingSecurityUpdates: 9 });
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
});

// No SUSE machine is available to record zypper; the outputs follow zypper(8)'s XML (-x) and table layouts.
describe('patch_level collect (replayed), SUSE', () => {
  const SLES_FILES = { '/etc/os-release': fixture('os-release/sles-15-sp1.txt') };
  const UPDATES_XML = `<?xml version='1.0'?>
<stream>
<update-status version="0.6">
<update-list>
<update kind="package" name="libopenssl1_1" edition="1.1.1d-2.54.1" arch="x86_64" edition-old="1.1.1d-2.51.1" ><summary>Secure Sockets</summary><source url="https://updates.suse.com/SUSE/Updates/SLE-Module-Basesystem/15-SP1/x86_64/update" alias="Basesystem_Module_15_SP1_x86_64:SLE-Module-Basesystem15-SP1-Updates"/></update>
<update kind="package" name="vim" edition="9.0.1572-1.1" arch="x86_64" edition-old="8.0.1568-5.17.1" ><summary>Vi IMproved</summary><source url="https://updates.suse.com/x" alias="SLE-Module-Basesystem15-SP1-Updates"/></update>
</update-list>
</update-status>
</stream>
`;
  const PATCHES_XML = `<?xml version='1.0'?>
<stream>
<update-status version="0.6">
<update-list>
<update kind="patch" name="SUSE-SLE-Module-Basesystem-15-SP1-2023-2624" edition="1" arch="noarch" status="needed" category="security" severity="important" pkgmanager="false" restart="false" interactive="false"><summary>Security update for openssl-1_1</summary></update>
</update-list>
</update-status>
</stream>
`;
  const HISTORY = "# 2026-11-20 02:00:00 vim.rpm installed ok\n2026-11-20 02:00:00|command|root@sles|'zypper' 'patch'|\n2026-11-20 02:00:05|install|libzypp|17.31.8-150400.3.35.1|x86_64|root@sles|repo|abc|\n2026-11-22 09:00:00|command|root@sles|'zypper' 'in' 'htop'|\n2026-11-22 09:00:02|install|htop|3.2.1-1.1|x86_64|root@sles|repo|def|\n";
  const BASE = ['--non-interactive', '--no-refresh'];

  it('XML: two updates, one needed security patch, last update from the history, reboot not needed', async () => {
    const { facts, calls, verdict } = await collect(
      {
        [`zypper -x ${BASE.join(' ')} list-updates`]: ok(UPDATES_XML),
        [`zypper -x ${BASE.join(' ')} list-patches --category security`]: ok(PATCHES_XML),
        'zypper needs-rebooting': exit(0, 'No core libraries or services have been updated since the last system boot.\n'),
        "find /var/cache/zypp/raw -name repomd.xml -printf %T@\\n": ok('1795400000.5\n1795459497.0\n'),
      },
      { ...SLES_FILES, '/var/log/zypp/history': HISTORY },
      NOW,
    );
    expect(calls.every((x) => !x.includes('refresh') || x.includes('--no-refresh'))).toBe(true);
    expect(facts).toMatchObject({
      packageManager: 'zypper', pendingUpdates: 2, pendingSecurityUpdates: 1, rebootRequired: false,
      lastUpgradeAt: new Date('2026-11-20T02:00:05').toISOString(),
    });
    expect(facts.packages[0]).toEqual({ name: 'libopenssl1_1', version: '1.1.1d-2.54.1', source: 'Basesystem_Module_15_SP1_x86_64:SLE-Module-Basesystem15-SP1-Updates', security: false });
    expect(schemaErrors('patch_level', facts)).toEqual([]);
    expect(verdict.status).toBe('fail');
  });

  it('tables when XML is not understood; exit 102 means a reboot is needed', async () => {
    const { facts } = await collect(
      {
        [`zypper -x ${BASE.join(' ')} list-updates`]: ok('not xml'),
        [`zypper ${BASE.join(' ')} list-updates`]: ok('Loading repository data...\nReading installed packages...\nS | Repository | Name | Current Version | Available Version | Arch\n--+------------+------+-----------------+-------------------+-------\nv | Updates    | vim  | 8.0.1568-5.17.1 | 9.0.1572-1.1      | x86_64\n'),
        [`zypper -x ${BASE.join(' ')} list-patches --category security`]: ok('garbage'),
        [`zypper ${BASE.join(' ')} list-patches --category security`]: ok('Repository | Name | Category | Severity | Interactive | Status | Summary\n-----------+------+----------+----------+-------------+--------+--------\nUpdates | SUSE-2023-1 | security | important | --- | needed | fix\nUpdates | SUSE-2023-2 | security | moderate | --- | applied | fix\n'),
        'zypper needs-rebooting': exit(102, ''),
      },
      SLES_FILES,
      NOW,
    );
    expect(facts).toMatchObject({ pendingUpdates: 1, pendingSecurityUpdates: 1, rebootRequired: true, lastUpgradeAt: null });
    expect(facts.reasons?.join(' ')).toContain('/var/log/zypp/history');
  });

  it('zypper failing (locked, no repositories) gives nulls and an unknown verdict', async () => {
    const fail = exit(7, '', 'System management is locked by the application with pid 1234 (zypper).\n');
    const { facts, verdict } = await collect({ zypper: fail }, SLES_FILES, NOW);
    expect(facts).toMatchObject({ packageManager: 'zypper', pendingUpdates: null, pendingSecurityUpdates: null, rebootRequired: null });
    expect(verdict.status).toBe('unknown');
  });
});
