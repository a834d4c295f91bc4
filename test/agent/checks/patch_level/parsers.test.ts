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
import { fixture } from '../fakes.js';

describe('parseOsRelease', () => {
  it.each([
    ['alpine-3.7.txt', 'alpine', '3.7.0', undefined, null],
    ['amazon-linux-2.txt', 'amzn', '2', ['centos', 'rhel', 'fedora'], 'rhel'],
    ['arch-rolling.txt', 'arch', 'rolling', undefined, null],
    ['debian-10-buster.txt', 'debian', '10', undefined, 'debian'],
    ['debian-12-bookworm.txt', 'debian', '12', undefined, 'debian'],
    ['fedora-29-container.txt', 'fedora', '29', undefined, 'rhel'],
    ['kali-rolling.txt', 'kali', '2019.4', ['debian'], 'debian'],
    ['linuxmint-20.txt', 'linuxmint', '20', ['ubuntu'], 'debian'],
    ['opensuse-tumbleweed.txt', 'opensuse-tumbleweed', '20251007', ['opensuse', 'suse'], 'suse'],
    ['rhel-9.0.txt', 'rhel', '9.0', ['fedora'], 'rhel'],
    ['rocky-9.0.txt', 'rocky', '9.0', ['rhel', 'centos', 'fedora'], 'rhel'],
    ['sles-15-sp1.txt', 'sles', '15.1', ['suse'], 'suse'],
    ['ubuntu-18.04-lts.txt', 'ubuntu', '18.04', ['debian'], 'debian'],
    ['ubuntu-22.04-development-branch.txt', 'ubuntu', '22.04', ['debian'], 'debian'],
  ])('%s', (file, id, version, idLike, family) => {
    const os = parseOsRelease(fixture(`os-release/${file}`))!;
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
