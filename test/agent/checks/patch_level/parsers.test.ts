import { describe, expect, it } from 'vitest';
import {
  hasSecurityIndex,
  isSecurityOrigin,
  lastAptUpgrade,
  newestEpoch,
  parseAptCachePolicy,
  parseAptGetSimulate,
  parseAptHistory,
  parseAptListUpgradable,
} from '../../../../agent/checks/patch_level/parse-apt.js';
import { lastRpmUpgrade, parseDnfCheckUpdate, parseDnfHistory, parseDnfUpdateinfoSecurity } from '../../../../agent/checks/patch_level/parse-dnf.js';
import { osFamily, parseOsRelease } from '../../../../agent/checks/patch_level/parse-os-release.js';
import { compareDebVersions, parseDpkgStatus } from '../../../../agent/checks/patch_level/parse-dpkg.js';
import {
  classifyListFile,
  defaultPriority,
  isSecurityRepo,
  originLabel,
  packagesPattern,
  parsePackagesGrep,
  parseReleaseHeader,
  pendingUpgrades,
  relevantPins,
  repoHost,
  setsDefaultRelease,
} from '../../../../agent/checks/patch_level/parse-apt-lists.js';
import { lastZypperUpgrade, parseZypperPatchesXml, parseZypperTable, parseZypperUpdatesXml } from '../../../../agent/checks/patch_level/parse-zypper.js';
import { fixture } from '../fakes.js';

describe('parseOsRelease', () => {
  it.each([
    ['os-release/alpine-3.7.txt', 'alpine', '3.7.0', undefined, null],
    ['os-release/amazon-linux-2.txt', 'amzn', '2', ['centos', 'rhel', 'fedora'], 'rhel'],
    ['os-release/arch-rolling.txt', 'arch', 'rolling', undefined, null],
    ['os-release/debian-10-buster.txt', 'debian', '10', undefined, 'debian'],
    ['os-release/debian-12-bookworm.txt', 'debian', '12', undefined, 'debian'],
    ['os-release/fedora-29-container.txt', 'fedora', '29', undefined, 'rhel'],
    ['os-release/kali-rolling.txt', 'kali', '2019.4', ['debian'], 'debian'],
    ['os-release/linuxmint-20.txt', 'linuxmint', '20', ['ubuntu'], 'debian'],
    ['os-release/opensuse-tumbleweed.txt', 'opensuse-tumbleweed', '20251007', ['opensuse', 'suse'], 'suse'],
    ['os-release/rhel-9.0.txt', 'rhel', '9.0', ['fedora'], 'rhel'],
    ['os-release/rocky-9.0.txt', 'rocky', '9.0', ['rhel', 'centos', 'fedora'], 'rhel'],
    ['os-release/sles-15-sp1.txt', 'sles', '15.1', ['suse'], 'suse'],
    ['os-release/ubuntu-18.04-lts.txt', 'ubuntu', '18.04', ['debian'], 'debian'],
    ['os-release/ubuntu-22.04-development-branch.txt', 'ubuntu', '22.04', ['debian'], 'debian'],
  ])('%s', (file, id, version, idLike, family) => {
    const os = parseOsRelease(fixture(file))!;
    expect(os).toMatchObject({ id, version });
    expect(os.idLike).toEqual(idLike);
    expect(osFamily(os)).toBe(family);
  });

  it('keeps quoted values whole and ignores commented lines', () => {
    expect(parseOsRelease(fixture('os-release/debian-12-bookworm.txt'))).toEqual({
      id: 'debian', name: 'Debian GNU/Linux', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', codename: 'bookworm',
    });
    expect(parseOsRelease(fixture('os-release/opensuse-tumbleweed.txt'))?.name).toBe('openSUSE Tumbleweed');
  });

  it('returns null for blank and garbage; survives CRLF and a BOM', () => {
    expect(parseOsRelease('')).toBeNull();
    expect(parseOsRelease('<html>404</html>')).toBeNull();
    expect(parseOsRelease('\uFEFFID=ubuntu\r\nVERSION_ID="22.04"\r\n')).toMatchObject({ id: 'ubuntu', version: '22.04', name: 'Linux' });
  });
});

describe('parseAptGetSimulate', () => {
  it('Ubuntu 18.04 upgrade: 13 packages, the two from bionic-security flagged', () => {
    const s = parseAptGetSimulate(fixture('apt-get-s-upgrade/ubuntu-18.04-13-upgrades.txt'))!;
    expect(s.complete).toBe(true);
    expect(s.summary).toEqual({ upgraded: 13, newlyInstalled: 0, remove: 0, notUpgraded: 0 });
    expect(s.packages).toHaveLength(13);
    expect(s.packages.filter((p) => p.security).map((p) => p.name)).toEqual(['libgcrypt20', 'gpgv']);
    expect(s.packages.find((p) => p.name === 'gpgv')).toEqual({
      name: 'gpgv', from: '2.2.4-1ubuntu1', to: '2.2.4-1ubuntu1.1',
      origins: ['Ubuntu:18.04/bionic-updates', 'Ubuntu:18.04/bionic-security'], security: true,
    });
    // "Inst libncurses5 [...] (...) []" carries a trailing dependency bracket.
    expect(s.packages.find((p) => p.name === 'libncurses5')?.to).toBe('6.1-1ubuntu1.18.04');
  });

  it('Debian 12 dist-upgrade on this machine: 136 pending, 81 from Debian-Security', () => {
    const s = parseAptGetSimulate(fixture('apt-get-s-dist-upgrade/debian12-vm.txt'))!;
    expect(s.complete).toBe(true);
    expect(s.packages).toHaveLength(136);
    expect(s.packages.filter((p) => p.security)).toHaveLength(81);
    expect(s.packages.find((p) => p.name === 'libgcrypt20')).toMatchObject({ from: '1.10.1-3', to: '1.10.1-3+deb12u1', security: true });
  });

  it('marks truncated output incomplete and returns null for blank, errors and garbage', () => {
    const full = fixture('apt-get-s-dist-upgrade/debian12-vm.txt');
    const truncated = parseAptGetSimulate(full.split('\n').slice(0, 40).join('\n'))!;
    expect(truncated.complete).toBe(false);
    expect(parseAptGetSimulate('E: Could not open lock file /var/lib/dpkg/lock-frontend')).toBeNull();
    expect(parseAptGetSimulate('')).toBeNull();
    expect(parseAptGetSimulate('lorem ipsum\n\u0000')).toBeNull();
    expect(parseAptGetSimulate('0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n')).toEqual({
      packages: [], summary: { upgraded: 0, newlyInstalled: 0, remove: 0, notUpgraded: 0 }, complete: true,
    });
  });

  it('tells security origins from plain updates', () => {
    expect(isSecurityOrigin('Debian-Security:12/oldstable-security')).toBe(true);
    expect(isSecurityOrigin('Debian:10/buster/updates')).toBe(true);
    expect(isSecurityOrigin('Ubuntu:18.04/bionic-updates')).toBe(false);
    expect(isSecurityOrigin('Debian:12.15/oldstable')).toBe(false);
  });
});

describe('parseAptListUpgradable', () => {
  it('Ubuntu jammy: 15 upgradable, 9 with a -security suite', () => {
    const l = parseAptListUpgradable(fixture('apt-list-upgradable/ubuntu-jammy-15-pending.txt'))!;
    expect(l).toHaveLength(15);
    expect(l.filter((p) => p.security)).toHaveLength(9);
    expect(l.find((p) => p.name === 'perl-modules-5.34')?.origins).toEqual(['jammy-updates', 'jammy-security']);
  });
  it('Debian 10: both updates come from the security archive, which this view calls "stable" (see parse-apt.ts)', () => {
    const l = parseAptListUpgradable(fixture('apt-list-upgradable/debian-buster-two-from-stable.txt'))!;
    expect(l.map((p) => [p.name, p.from, p.to, p.security])).toEqual([
      ['libsystemd0', '241-7~deb10u7', '241-7~deb10u8', false],
      ['libudev1', '241-7~deb10u7', '241-7~deb10u8', false],
    ]);
  });
  it('this machine: 136, security suites 81', () => {
    const l = parseAptListUpgradable(fixture('apt-list-upgradable/debian12-vm.txt'))!;
    expect([l.length, l.filter((p) => p.security).length]).toEqual([136, 81]);
  });
  it('"Listing..." alone is an empty list; garbage is null', () => {
    expect(parseAptListUpgradable('Listing... Done\n')).toEqual([]);
    expect(parseAptListUpgradable('')).toBeNull();
    expect(parseAptListUpgradable('E: Invalid operation lst')).toBeNull();
  });
});

describe('parseAptCachePolicy', () => {
  it('sees the security index after apt-get update, and its absence before', () => {
    const withSec = parseAptCachePolicy(fixture('apt-cache-policy/debian12-with-security.txt'))!;
    expect(withSec.some((i) => i.source.startsWith('http://deb.debian.org/debian-security bookworm-security/main'))).toBe(true);
    expect(hasSecurityIndex(withSec)).toBe(true);
    const mainOnly = parseAptCachePolicy(fixture('apt-cache-policy/debian12-main-only-no-security-index.txt'))!;
    expect(mainOnly.map((i) => i.source)).toEqual(['/var/lib/dpkg/status', 'http://deb.debian.org/debian bookworm/main amd64 Packages']);
    expect(hasSecurityIndex(mainOnly)).toBe(false);
  });
  it('returns null without the Package files header', () => {
    expect(parseAptCachePolicy('')).toBeNull();
    expect(parseAptCachePolicy('W: Unable to read /etc/apt/sources.list.d/')).toBeNull();
  });
});

describe('apt history', () => {
  it('the last completed upgrade on this machine is the 2025-06-24 "apt-get -qqy upgrade"; installs with --no-upgrade do not count', () => {
    const entries = parseAptHistory(fixture('apt-history-log/debian12-vm.txt'));
    expect(entries.length).toBeGreaterThan(10);
    expect(entries[0]).toEqual({ start: '2025-06-24T14:36:25', end: '2025-06-24T14:36:25', commandline: 'apt-get -qqy upgrade', upgraded: 2, error: false });
    expect(entries.some((e) => e.commandline?.includes('--no-upgrade') && e.upgraded > 0)).toBe(true);
    expect(lastAptUpgrade(entries)).toBe('2025-06-24T14:36:25');
  });
  it('skips runs that errored or never finished, and counts unattended-upgrades', () => {
    const log = [
      'Start-Date: 2026-01-01  10:00:00', 'Commandline: /usr/bin/unattended-upgrade', 'Upgrade: a:amd64 (1, 2)', 'End-Date: 2026-01-01  10:01:00', '',
      'Start-Date: 2026-02-01  10:00:00', 'Commandline: apt full-upgrade', 'Upgrade: b:amd64 (1, 2)', 'Error: Sub-process /usr/bin/dpkg returned an error code (1)', 'End-Date: 2026-02-01  10:01:00', '',
      'Start-Date: 2026-03-01  10:00:00', 'Commandline: apt-get dist-upgrade', 'Upgrade: c:amd64 (1, 2)', '',
    ].join('\n');
    expect(lastAptUpgrade(parseAptHistory(log))).toBe('2026-01-01T10:01:00');
  });
  it('garbage has no upgrade', () => {
    expect(lastAptUpgrade(parseAptHistory('garbage\n\n\u0000'))).toBeNull();
  });
  it('newestEpoch reads find -printf %T@ output', () => {
    expect(newestEpoch(fixture('find-apt-lists/debian12-vm.txt'))).toBe(1795459497);
    expect(newestEpoch('find: /var/lib/apt/lists: Permission denied')).toBeNull();
  });
});

describe('dnf', () => {
  it('check-update on EL7: 15 updates incl. third-party repos, metadata 6m32s old', () => {
    const c = parseDnfCheckUpdate(fixture('dnf-check-update/el7-15-updates-third-party-repos.txt'));
    expect(c.metadataAgeSeconds).toBe(392);
    expect(c.packages).toHaveLength(15);
    expect(c.packages.find((p) => p.name === 'java-1.8.0-openjdk-headless')).toEqual({ name: 'java-1.8.0-openjdk-headless', arch: 'x86_64', version: '1:1.8.0.372.b07-1.el7_9', repo: 'updates' });
    expect(c.packages.find((p) => p.name === 'osquery')?.repo).toBe('osquery-s3-rpm-repo');
  });
  it('check-update: wrapped long names, obsoletes section, "days" in the age, garbage', () => {
    const c = parseDnfCheckUpdate('Last metadata expiration check: 2 days, 1:00:00 ago on Mon.\n\nvery-long-package-name-here.x86_64\n        1.2-3.el9   appstream\nkernel.x86_64  5.14.0-1.el9  baseos\nObsoleting Packages\nfoo.noarch 1-1 baseos\n');
    expect(c.metadataAgeSeconds).toBe(2 * 86400 + 3600);
    expect(c.packages.map((p) => p.name)).toEqual(['very-long-package-name-here', 'kernel']);
    expect(parseDnfCheckUpdate('Error: Cache-only enabled but no cache for \'baseos\'').packages).toEqual([]);
  });
  // No updateinfo/history capture is in the fixture collection; the lines follow dnf(8)'s documented layout.
  it('updateinfo --security: distinct packages; unknown lines make it unparseable', () => {
    const text = 'Last metadata expiration check: 0:01:00 ago on x.\nRHSA-2023:3722 Important/Sec. openssl-1:3.0.7-6.el9_2.x86_64\nRHSA-2023:3722 Important/Sec. openssl-libs-1:3.0.7-6.el9_2.x86_64\nRHSA-2023:4102 Moderate/Sec.  openssl-1:3.0.7-6.el9_2.x86_64\n';
    expect(parseDnfUpdateinfoSecurity(text)).toEqual(['openssl-1:3.0.7-6.el9_2.x86_64', 'openssl-libs-1:3.0.7-6.el9_2.x86_64']);
    expect(parseDnfUpdateinfoSecurity('')).toEqual([]);
    expect(parseDnfUpdateinfoSecurity('Error: Failed to download metadata for repo')).toBeNull();
  });
  it('history: newest successful update transaction', () => {
    const text = [
      'ID     | Command line             | Date and time    | Action(s)      | Altered',
      '-------------------------------------------------------------------------------',
      '    12 | -y remove httpd          | 2021-12-22 01:12 | Removed        |   10',
      '    11 | -y update bash           | 2021-12-22 01:10 | Upgrade        |    1',
      '    10 | upgrade                  | 2022-01-05 09:00 | I, U           |   40 #',
      '     8 |                          | 2021-12-22 01:02 | I, U           |   81 >',
      '     7 | install -y git           | 2021-09-03 15:10 | Install        |   48',
    ].join('\n');
    const t = parseDnfHistory(text)!;
    expect(t).toHaveLength(5);
    expect(t[2]).toEqual({ id: 10, command: 'upgrade', date: '2022-01-05T09:00', actions: ['I', 'U'], failed: true });
    expect(lastRpmUpgrade(t)).toBe('2021-12-22T01:10');
    expect(parseDnfHistory('You need to be root to perform this command.')).toBeNull();
  });
});

describe('dpkg status', () => {
  it('this machine (the status file reduced to its Package/Status/Architecture/Version lines): 725 installed, dpkg native amd64', () => {
    const pkgs = parseDpkgStatus(fixture('dpkg-status/debian12-vm-fields.txt'))!;
    expect(pkgs).toHaveLength(725);
    expect(pkgs.find((p) => p.name === 'dpkg')?.arch).toBe('amd64');
    expect(pkgs.find((p) => p.name === 'libgcrypt20')).toEqual({ name: 'libgcrypt20', arch: 'amd64', version: '1.10.1-3' });
  });
  it('reads whole stanzas too; only state "installed" counts (held packages included, removed ones with config files not)', () => {
    const text = 'Package: a\nStatus: install ok installed\nPriority: optional\nArchitecture: all\nVersion: 1.0\nDescription: x\n Version: 9 (inside a description)\n\nPackage: b\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 2\n\nPackage: c\nStatus: hold ok installed\nArchitecture: amd64\nVersion: 3\n';
    expect(parseDpkgStatus(text)).toEqual([{ name: 'a', arch: 'all', version: '1.0' }, { name: 'c', arch: 'amd64', version: '3' }]);
  });
  it('null for blank and garbage', () => {
    expect(parseDpkgStatus('')).toBeNull();
    expect(parseDpkgStatus('\u0000garbage\nStatus: nothing')).toBeNull();
  });
});

describe('compareDebVersions (deb-version(7) order)', () => {
  it.each([
    ['1.0', '1.0', 0],
    ['1.0-1', '1.0-2', -1],
    ['1:1.0', '2.0', 1],
    ['1.0~rc1', '1.0', -1],
    ['1.0', '1.0+deb12u1', -1],
    ['1.10.1-3', '1.10.1-3+deb12u1', -1],
    ['2.36-9+deb12u13', '2.36-9+deb12u14', -1],
    ['1.0a', '1.0', 1],
    ['1.0', '1.0.0', -1],
    ['010', '10', 0],
    ['1.2.3-1~deb12u1', '1.2.3-1', -1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareDebVersions(a, b))).toBe(sign);
    expect(Math.sign(compareDebVersions(b, a))).toBe(-sign || 0);
  });
});

describe('apt lists', () => {
  it('classifies list file names and ties indexes to their Release file', () => {
    expect(classifyListFile('deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4')).toEqual({ kind: 'packages', repo: 'deb.debian.org_debian-security_dists_bookworm-security', arch: 'amd64', compression: 'lz4' });
    expect(classifyListFile('deb.debian.org_debian_dists_bookworm_InRelease')).toEqual({ kind: 'release', repo: 'deb.debian.org_debian_dists_bookworm', signed: true });
    expect(classifyListFile('archive.ubuntu.com_ubuntu_dists_jammy_main_binary-i386_Packages')).toMatchObject({ kind: 'packages', arch: 'i386', compression: '' });
    expect(classifyListFile('lock')).toEqual({ kind: 'other' });
    expect(classifyListFile('repo.example.org_debian_._Packages')).toEqual({ kind: 'other' });
    expect(repoHost('deb.debian.org_debian_dists_bookworm')).toBe('deb.debian.org');
  });

  it('reads InRelease headers (the first 16 KiB as recorded) and recognises the security archive', () => {
    const sec = parseReleaseHeader(fixture('apt-inrelease-head/deb.debian.org_debian-security_dists_bookworm-security_InRelease.txt'))!;
    expect(sec).toEqual({ origin: 'Debian', label: 'Debian-Security', suite: 'oldstable-security', codename: 'bookworm-security', version: '12', notAutomatic: false, butAutomaticUpgrades: false });
    expect(isSecurityRepo('deb.debian.org_debian-security_dists_bookworm-security', sec)).toBe(true);
    expect(originLabel(sec, 'x')).toBe('Debian-Security:12/oldstable-security');
    const main = parseReleaseHeader(fixture('apt-inrelease-head/deb.debian.org_debian_dists_bookworm_InRelease.txt'))!;
    expect(main).toMatchObject({ label: 'Debian', suite: 'oldstable', version: '12.15' });
    expect(isSecurityRepo('deb.debian.org_debian_dists_bookworm', main)).toBe(false);
    const upd = parseReleaseHeader(fixture('apt-inrelease-head/deb.debian.org_debian_dists_bookworm-updates_InRelease.txt'))!;
    expect(isSecurityRepo('deb.debian.org_debian_dists_bookworm-updates', upd)).toBe(false);
    expect(defaultPriority(main)).toBe(500);
    // Debian <= 10's security suite, and backports/experimental priorities.
    expect(isSecurityRepo('security.debian.org_debian-security_dists_buster_updates', null)).toBe(true);
    expect(defaultPriority({ ...main, notAutomatic: true, butAutomaticUpgrades: true })).toBe(100);
    expect(defaultPriority({ ...main, notAutomatic: true })).toBe(1);
    expect(parseReleaseHeader('')).toBeNull();
    expect(parseReleaseHeader('<html>404</html>')).toBeNull();
  });

  it('reads the recorded grep of the security index (installed packages\' stanzas, 6 lines of context)', () => {
    const installed = new Set(parseDpkgStatus(fixture('dpkg-status/debian12-vm-fields.txt'))!.map((x) => x.name));
    const entries = parsePackagesGrep(fixture('apt-lists-grep/debian12-bookworm-security-main-amd64.txt'), installed)!;
    expect(entries.length).toBeGreaterThan(78);
    expect(entries.find((e) => e.name === 'libgcrypt20')).toEqual({ name: 'libgcrypt20', version: '1.10.1-3+deb12u1', arch: 'amd64' });
    expect(entries.every((e) => e.version !== '')).toBe(true);
    const updates = parsePackagesGrep(fixture('apt-lists-grep/debian12-bookworm-updates-main-amd64.txt'), installed)!;
    expect(updates.find((e) => e.name === 'ca-certificates')).toEqual({ name: 'ca-certificates', version: '20230311+deb12u1', arch: 'all' });
  });

  it('grep output: merged groups, apt-ftparchive field order, a missing Version', () => {
    const wanted = new Set(['a', 'b']);
    // Architecture before Version (apt-ftparchive), and two matches close enough for grep to merge.
    expect(parsePackagesGrep('Package: a\nArchitecture: all\nVersion: 1\nPackage: b\nVersion: 2\n--\n', wanted)).toEqual([{ name: 'a', version: '1', arch: 'all' }, { name: 'b', version: '2', arch: '' }]);
    expect(parsePackagesGrep('Package: a\nInstalled-Size: 1\n', wanted)).toBeNull();
    // Context lines may show an unwanted package cut short: that is not a problem.
    expect(parsePackagesGrep('Package: a\nVersion: 1\nPackage: zzz\n', wanted)).toEqual([{ name: 'a', version: '1', arch: '' }]);
    expect(parsePackagesGrep('', wanted)).toEqual([]);
    expect(packagesPattern(['libstdc++6', 'a.b'])).toBe('^Package: (a\\.b|libstdc\\+\\+6)$');
  });

  it('candidate versions follow apt\'s default policy', () => {
    const repo = (priority: number, entries: Array<[string, string]>, security = false) => ({ origin: `p${priority}`, priority, security, entries: entries.map(([name, version]) => ({ name, version, arch: 'amd64' })) });
    const installed = [
      { name: 'a', arch: 'amd64', version: '1.0' }, // newer in main: upgrade
      { name: 'b', arch: 'amd64', version: '1.0' }, // newer only in backports (100) while 1.0 is in main (500): stays
      { name: 'c', arch: 'amd64', version: '1.1~bpo' }, // installed from backports, newer backports: upgrade
      { name: 'd', arch: 'all', version: '2' }, // arch all matched against the native index
      { name: 'e', arch: 'amd64', version: '5' }, // only older versions available: nothing
    ];
    const repos = [repo(500, [['a', '1.1'], ['b', '1.0'], ['d', '3'], ['e', '4']], true), repo(100, [['b', '1.2'], ['c', '1.2~bpo']]), repo(1, [['a', '9']])];
    const p = pendingUpgrades(installed, repos, 'amd64', compareDebVersions);
    expect(p.map((x) => [x.name, x.to, x.security])).toEqual([['a', '1.1', true], ['c', '1.2~bpo', false], ['d', '3', true]]);
  });

  it('pins matter only when they could apply: the recorded nodesource pins name an origin no index comes from', () => {
    const hosts = new Set(['deb.debian.org']);
    const installed = new Set(['nodejs', 'openssl']);
    expect(relevantPins(fixture('etc-apt-preferences-d/nodesource-nodejs.txt'), installed, hosts)).toEqual([]);
    expect(relevantPins(fixture('etc-apt-preferences-d/nodesource-nsolid.txt'), installed, hosts)).toEqual([]);
    expect(relevantPins('Package: nodejs\nPin: origin deb.nodesource.com\nPin-Priority: 600\n', installed, new Set(['deb.nodesource.com']))).toHaveLength(1);
    expect(relevantPins('Package: *\nPin: release a=bookworm-backports\nPin-Priority: 500\n', installed, hosts)).toHaveLength(1);
    expect(relevantPins('Package: nothing-installed\nPin: release a=x\nPin-Priority: 900\n', installed, hosts)).toEqual([]);
    expect(setsDefaultRelease('APT::Default-Release "bookworm";')).toBe(true);
    expect(setsDefaultRelease('// APT::Default-Release "bookworm";\nAcquire::GzipIndexes "true";')).toBe(false);
  });
});

describe('zypper', () => {
  // No SUSE capture exists in the fixture collection; the XML and tables follow zypper(8)'s layouts.
  it('XML updates and security patches; errors are null', () => {
    const upd = '<?xml version=\'1.0\'?>\n<stream>\n<update-status version="0.6">\n<update-list>\n<update kind="package" name="curl" edition="8.0.1-1.1" arch="x86_64" edition-old="7.79.1-1.1" ><source url="u" alias="Updates"/></update>\n<update kind="patch" name="SUSE-1" category="security" status="needed"/>\n</update-list>\n</update-status>\n</stream>\n';
    expect(parseZypperUpdatesXml(upd)).toEqual([{ name: 'curl', version: '8.0.1-1.1', source: 'Updates' }]);
    expect(parseZypperPatchesXml(upd)).toEqual(['SUSE-1']);
    expect(parseZypperUpdatesXml('<?xml version=\'1.0\'?>\n<stream>\n<message type="error">Repository \'x\' is invalid.</message>\n</stream>\n')).toBeNull();
    expect(parseZypperUpdatesXml('')).toBeNull();
    expect(parseZypperPatchesXml('garbage')).toBeNull();
  });
  it('tables, "No updates found." and history', () => {
    expect(parseZypperTable('No updates found.\n', ['Name'])).toEqual([]);
    expect(parseZypperTable('garbage', ['Name'])).toBeNull();
    expect(lastZypperUpgrade("2026-01-01 10:00:00|command|root@h|'zypper' 'dup'|\n2026-01-01 10:01:00|install|a|1|x86_64|root@h|r|c|\n2026-02-01 10:00:00|command|root@h|'zypper' 'in' 'b'|\n2026-02-01 10:00:30|install|b|1|x86_64|root@h|r|c|\n")).toBe('2026-01-01T10:01:00');
    expect(lastZypperUpgrade('')).toBeNull();
  });
});
