import { describe, expect, it } from 'vitest';
import check, { INSTALL_HISTORY, SCAN_TIMEOUT_MS, SOFTWAREUPDATE_HISTORY_ARGV, SOFTWAREUPDATE_LIST_ARGV, SOFTWAREUPDATE_MANAGED, SOFTWAREUPDATE_PREFS, SW_VERS_ARGV } from '../../../../agent/checks/patch_level/darwin.js';
import { lastSoftwareUpdate, parseInstallHistory } from '../../../../agent/checks/patch_level/parse-install-history.js';
import { parseSoftwareUpdateHistory, parseSoftwareUpdateList } from '../../../../agent/checks/patch_level/parse-softwareupdate.js';
import { autoUpdateState, parseSoftwareUpdatePrefs } from '../../../../agent/checks/patch_level/parse-softwareupdate-prefs.js';
import { parseSwVers } from '../../../../agent/checks/patch_level/parse-sw-vers.js';
import { parsePlist } from '../../../../agent/checks/darwin-common.js';
import type { CommandRunner } from '../../../../agent/runner.js';
import type { PatchLevelFacts } from '../../../../protocol/checks/patch-level.js';
import { fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, assertSchemaValidOnLines, key, linesOf, macFixture, merge, plistAt } from '../fakes-darwin.js';

const PREFS = macFixture('com.apple.SoftwareUpdate/plist-xml-monterey-12.6.txt');
const HISTORY = macFixture('install-history/constructed-sonoma-update-and-xprotect.txt');

describe('parseSwVers', () => {
  it('reads the old "Mac OS X" naming, tab-separated', () => {
    expect(parseSwVers(macFixture('sw_vers/mojave-10.14.5-mac-os-x.txt'))).toEqual({ productName: 'Mac OS X', version: '10.14.5', build: '18F132', extra: null });
  });
  it('reads padding, CRLF and a Rapid Security Response suffix', () => {
    expect(parseSwVers('ProductName:    macOS\r\nProductVersion:   13.4.1\r\nProductVersionExtra:  (c)\r\nBuildVersion:   22F770820d\r\n')).toEqual({ productName: 'macOS', version: '13.4.1', build: '22F770820d', extra: '(c)' });
  });
  it('returns null without a usable version', () => {
    expect(parseSwVers('')).toBeNull();
    expect(parseSwVers('ProductName:\tmacOS\n')).toBeNull();
    expect(parseSwVers('ProductVersion:\tunbekannt')).toBeNull();
  });
  it('never throws', () => assertParserTotal(parseSwVers));
});

describe('parseSoftwareUpdateList', () => {
  it.each([
    ['softwareupdate-list/no-update-available-noscan.txt', 'none', 0, 0],
    ['softwareupdate-list/no-update-available-scan.txt', 'none', 0, 0],
    ['softwareupdate-list/update-available-noscan.txt', 'updates', 1, 1],
    ['softwareupdate-list/update-available-scan.txt', 'updates', 1, 1],
    ['softwareupdate-list/beta-update-available-noscan.txt', 'updates', 1, 0],
    ['softwareupdate-list/beta-update-available-scan.txt', 'updates', 1, 0],
    ['softwareupdate-list/multiple-updates-available-noscan.txt', 'updates', 2, 0],
  ])('%s: %s, %i pending, %i security', (f, status, n, sec) => {
    const r = parseSoftwareUpdateList(macFixture(f))!;
    expect(r.status).toBe(status);
    expect(r.updates).toHaveLength(n);
    expect(r.updates.filter((u) => u.security)).toHaveLength(sec);
  });

  it('reads label, title, version, recommended and restart of a macOS update', () => {
    expect(parseSoftwareUpdateList(macFixture('softwareupdate-list/update-available-scan.txt'))!.updates).toEqual([
      { label: 'macOS Ventura 13.3.1-22E261', title: 'macOS Ventura 13.3.1', version: '13.3.1', recommended: true, restart: true, security: true },
    ]);
    const multi = parseSoftwareUpdateList(macFixture('softwareupdate-list/multiple-updates-available-noscan.txt'))!.updates;
    expect(multi.map((u) => [u.title, u.restart, u.security])).toEqual([['Command Line Tools for Xcode', false, false], ['macOS Ventura 13.4 Beta', true, false]]);
  });

  it('reads the pre-10.15 layout and a Rapid Security Response', () => {
    const legacy = parseSoftwareUpdateList('Software Update Tool\n\nFinding available software\nSoftware Update found the following new or updated software:\n   * Security Update 2019-004-\n\tSecurity Update 2019-004 (10.13.6), 1954880K [recommended] [restart]\n')!;
    expect(legacy.updates).toEqual([{ label: 'Security Update 2019-004', title: 'Security Update 2019-004', version: '10.13.6', recommended: true, restart: true, security: true }]);
    const rsr = parseSoftwareUpdateList('* Label: macOS Ventura 13.4.1 (a)-22F770820b\n\tTitle: macOS Ventura 13.4.1 (a), Version: 13.4.1 (a), Size: 100K, Recommended: YES, Action: restart,\n')!;
    expect(rsr.updates[0]!.security).toBe(true);
  });

  it('a scan error is an error, not "nothing pending"', () => {
    const r = parseSoftwareUpdateList(macFixture('softwareupdate-list/error-scan.txt'))!;
    expect(r.status).toBe('error');
    expect(r.status === 'error' && r.error).toContain('NSURLErrorDomain');
  });

  it('returns null for blank, header-only (truncated) and localized output', () => {
    expect(parseSoftwareUpdateList('')).toBeNull();
    expect(parseSoftwareUpdateList('Software Update Tool\n\n')).toBeNull();
    expect(parseSoftwareUpdateList('Softwareaktualisierung\n\nKeine neue Software verfügbar.\n')).toBeNull();
    // The label line alone, cut before its Title line, says nothing about the update.
    expect(parseSoftwareUpdateList(macFixture('softwareupdate-list/update-available-noscan.txt').split('\n').slice(0, 4).join('\n'))).toBeNull();
  });

  it('never throws', () => assertParserTotal(parseSoftwareUpdateList));
});

describe('parseSoftwareUpdateHistory', () => {
  it('reads the table; ambiguous dates take the earlier reading', () => {
    expect(parseSoftwareUpdateHistory(macFixture('softwareupdate-history/sequoia-15.6.1-day-first-dates.txt'))).toEqual([
      { name: 'Command Line Tools for Xcode', version: '14.2', installedAt: '2023-04-07T08:01:12.000Z' },
      { name: 'Command Line Tools for Xcode', version: '14.3', installedAt: '2023-04-07T08:01:12.000Z' },
      { name: 'macOS Sequoia 15.6.1', version: '15.6.1', installedAt: '2025-08-28T02:01:08.000Z' },
    ]);
    expect(parseSoftwareUpdateHistory('Display Name   Version   Date\n------------   -------   ----\nSafari   17.4   3/25/2024, 9:15:02 PM\n')).toEqual([{ name: 'Safari', version: '17.4', installedAt: '2024-03-25T21:15:02.000Z' }]);
  });
  it('returns null without the header; skips unreadable rows', () => {
    expect(parseSoftwareUpdateHistory('')).toBeNull();
    expect(parseSoftwareUpdateHistory('Display Name  Version  Date\nmacOS  14.4  yesterday\n')).toEqual([]);
  });
  it('never throws', () => assertParserTotal(parseSoftwareUpdateHistory));
});

describe('update preferences and install history', () => {
  it('reads the last scan and the cached recommended updates (macOS and Safari count as security)', () => {
    const p = parseSoftwareUpdatePrefs(parsePlist(PREFS))!;
    expect(p.lastScanAt).toBe('2022-12-09T14:28:24.000Z');
    expect(p.recommended!.map((u) => [u.name, u.security])).toEqual([
      ['macOS Monterey 12.6.1', true],
      ['Command Line Tools beta 3 for Xcode', false],
      ['Command Line Tools for Xcode', false],
      ['Safari', true],
    ]);
    expect(autoUpdateState(p, null)).toEqual({ on: null, detail: "AutomaticallyInstallMacOSUpdates is not set; its default differs between macOS releases" });
  });

  it('a managed profile turning everything on wins; any switch off is off', () => {
    const managed = parseSoftwareUpdatePrefs(parsePlist(macFixture('managed-preferences/constructed-softwareupdate-auto-on.txt')));
    expect(autoUpdateState(parseSoftwareUpdatePrefs(parsePlist(PREFS)), managed).on).toBe(true);
    expect(autoUpdateState(parseSoftwareUpdatePrefs({ AutomaticDownload: false, AutomaticallyInstallMacOSUpdates: true }), null)).toEqual({ on: false, detail: 'off: AutomaticDownload' });
    expect(parseSoftwareUpdatePrefs(['not', 'a', 'dict'])).toBeNull();
  });

  it('the last Apple update ignores background data updates and third-party installs', () => {
    const records = parseInstallHistory(parsePlist(HISTORY))!;
    expect(records).toHaveLength(3);
    expect(lastSoftwareUpdate(records)).toEqual({ date: '2024-03-08T07:12:44.000Z', name: 'macOS Sonoma 14.4', version: '14.4', process: 'softwareupdated' });
    expect(parseInstallHistory({ a: 1 })).toBeNull();
  });
});

const SW = key(SW_VERS_ARGV);
const LIST = key(SOFTWAREUPDATE_LIST_ARGV);
const NOW = Date.parse('2024-03-20T12:00:00Z');

async function collect(replies: Record<string, Reply>, files: Record<string, string> = {}, calls: string[] = []) {
  const c = await check.collect(fakeDeps(fakeRunner(replies, calls), fakeFiles(files), NOW));
  return { c, facts: c.facts as PatchLevelFacts | null };
}

describe('patch_level collect (darwin, replayed)', () => {
  const base = merge(plistAt(SOFTWAREUPDATE_PREFS, PREFS), plistAt(INSTALL_HISTORY, HISTORY), { replies: { [SW]: ok('ProductName:\tmacOS\nProductVersion:\t14.4\nBuildVersion:\t23E214\n') } });

  it('one macOS update pending: one security update, fails; the scan gets a long timeout', async () => {
    const seen: number[] = [];
    const run: CommandRunner = async (file, args, opts) => {
      if ([file, ...args].join(' ') === LIST) seen.push(opts?.timeoutMs ?? 0);
      return fakeRunner({ ...base.replies, [LIST]: ok(macFixture('softwareupdate-list/update-available-scan.txt')) })(file, args, opts);
    };
    const c = await check.collect(fakeDeps(run, fakeFiles(base.files), NOW));
    const facts = c.facts as PatchLevelFacts;
    expect(seen).toEqual([SCAN_TIMEOUT_MS]);
    expect(check.timeoutMs).toBeGreaterThan(SCAN_TIMEOUT_MS);
    expect(facts).toMatchObject({
      os: { id: 'macos', name: 'macOS', version: '14.4', build: '23E214', prettyName: 'macOS 14.4' },
      packageManager: 'softwareupdate',
      pendingUpdates: 1,
      pendingSecurityUpdates: 1,
      packages: [{ name: 'macOS Ventura 13.3.1', version: '13.3.1', source: 'macOS Ventura 13.3.1-22E261', security: true }],
      lastUpgradeAt: '2024-03-08T07:12:44.000Z',
      indexAgeDays: 0,
      rebootRequired: null,
      autoUpdate: null,
    });
    expect(schemaErrors('patch_level', facts)).toEqual([]);
    expect(verdictOf('patch_level', c, new Date(NOW).toISOString())).toMatchObject({ status: 'fail', reason: expect.stringContaining('1 security update(s) pending') });
  });

  it('nothing pending and a recent update passes', async () => {
    const { c, facts } = await collect({ ...base.replies, [LIST]: ok(macFixture('softwareupdate-list/no-update-available-scan.txt')) }, base.files);
    expect(facts).toMatchObject({ pendingUpdates: 0, pendingSecurityUpdates: 0, packages: [] });
    expect(verdictOf('patch_level', c, new Date(NOW).toISOString())).toEqual({ status: 'pass' });
  });

  it('a scan error falls back to the last background scan, whose age makes the answer stale', async () => {
    const { c, facts } = await collect({ ...base.replies, [LIST]: ok(macFixture('softwareupdate-list/error-scan.txt')) }, base.files);
    expect(facts).toMatchObject({ pendingUpdates: 4, pendingSecurityUpdates: 2 });
    expect(facts!.indexAgeDays).toBe(466.9); // 2022-12-09T14:28:24Z to 2024-03-20T12:00Z
    expect(facts!.reasons![0]).toContain('NSURLErrorDomain');
    expect(verdictOf('patch_level', c, new Date(NOW).toISOString()).status).toBe('fail');
  });

  it('scan timed out and no cached scan: pending unknown, never pass', async () => {
    const { c, facts } = await collect({ ...base.replies, [LIST]: timedOut }, { [INSTALL_HISTORY]: HISTORY, ...plistAt(INSTALL_HISTORY, HISTORY).files }, []);
    expect(facts).toMatchObject({ pendingUpdates: null, pendingSecurityUpdates: null });
    expect(facts!.reasons![0]).toContain('timed out');
    expect(verdictOf('patch_level', c, new Date(NOW).toISOString()).status).toBe('unknown');
  });

  it('without InstallHistory.plist the --history table gives the last update', async () => {
    const { facts } = await collect({ [SW]: base.replies[SW]!, [LIST]: ok(macFixture('softwareupdate-list/no-update-available-noscan.txt')), [key(SOFTWAREUPDATE_HISTORY_ARGV)]: ok(macFixture('softwareupdate-history/sequoia-15.6.1-day-first-dates.txt')) });
    expect(facts!.lastUpgradeAt).toBe('2025-08-28T02:01:08.000Z');
  });

  it('a managed auto-update profile is reported as on', async () => {
    const m = merge(base, plistAt(SOFTWAREUPDATE_MANAGED, macFixture('managed-preferences/constructed-softwareupdate-auto-on.txt')));
    const { facts } = await collect({ ...m.replies, [LIST]: ok(macFixture('softwareupdate-list/no-update-available-scan.txt')) }, m.files);
    expect(facts).toMatchObject({ autoUpdate: true, autoUpdateDetail: expect.stringContaining('managed') });
  });

  it('sw_vers missing or denied: no facts', async () => {
    for (const r of [notFound, { exitCode: null, failure: 'permission' } as Reply, timedOut]) {
      const { c, facts } = await collect({ [SW]: r });
      expect(facts).toBeNull();
      expect(verdictOf('patch_level', c).status).toBe('unknown');
    }
  });

  it('random output never passes; plausible lines keep facts schema-valid', async () => {
    await assertNeverPassesOnRandom(check);
    await assertSchemaValidOnLines(check, [...linesOf('sw_vers/mojave-10.14.5-mac-os-x.txt', 'softwareupdate-list/multiple-updates-available-noscan.txt', 'softwareupdate-list/no-update-available-scan.txt'), ...PREFS.split('\n').slice(0, 40)]);
  });
});
