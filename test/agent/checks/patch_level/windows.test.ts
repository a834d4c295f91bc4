import { describe, expect, it } from 'vitest';
import check, { INFO_ARGV, WMIC_QFE_ARGV, WU_ARGV, WU_TIMEOUT_MS, autoUpdateFrom } from '../../../../agent/checks/patch_level/windows.js';
import { hotfixDate, hotfixSummary, parseHotfixJson, parseHotfixTable } from '../../../../agent/checks/patch_level/parse-win-hotfix.js';
import { parseWuResult } from '../../../../agent/checks/patch_level/parse-win-update.js';
import { parsePsJson } from '../../../../agent/checks/windows-common.js';
import type { PatchLevelFacts } from '../../../../protocol/checks/patch-level.js';
import { assertNeverPasses, NOW, notFound, ok, probeError, schemaErrors, timedOut, verdictOf, winDeps, winFixture, type Reply } from '../fakes-win32.js';

// What our scripts print, built from the documented registry values and Update Agent properties.
const CV_WIN11 = { ProductName: 'Windows 10 Pro', DisplayVersion: '23H2', ReleaseId: '2009', CurrentBuild: '22631', CurrentBuildNumber: '22631', UBR: 4460, EditionID: 'Professional', InstallationType: 'Client', CurrentMajorVersionNumber: 10, CurrentMinorVersionNumber: 0, CurrentVersion: '6.3' };
const HOTFIX_RECENT = [
  { HotFixID: 'KB5043080', Description: 'Update', InstalledOn: '2026-09-11' },
  { HotFixID: 'KB5046633', Description: 'Security Update', InstalledOn: '2026-11-12' },
];
const info = (over: Record<string, unknown> = {}) => ok(JSON.stringify({ cv: CV_WIN11, hotfix: HOTFIX_RECENT, reboot: { wu: false, cbs: false }, au: null, ...over }));
const CU = { title: '2026-11 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5046633)', kb: ['5046633'], severity: 'Critical', categories: ['0FA1201D-4330-4FA8-8AE9-B877473B6441', 'A3C2375D-0C8A-42F9-BCE0-28333E198407'] };
const DEFS = { title: 'Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.421.1234.0)', kb: ['2267602'], severity: null, categories: ['E0789628-CE08-4437-BE74-2495B842F43B'] };
const wu = (updates: unknown[], lastSearch: string | null = '2026-11-23T06:00:00Z') => ok(JSON.stringify({ wu: { lastSearch, updates } }));

async function collect(infoReply: Reply, wuReply: Reply = wu([]), wmic: Reply = notFound) {
  const { deps, calls } = winDeps([
    [INFO_ARGV, infoReply],
    [WU_ARGV, wuReply],
    [WMIC_QFE_ARGV, wmic],
  ]);
  const c = await check.collect(deps);
  return { c, calls, facts: c.facts as PatchLevelFacts, verdict: verdictOf('patch_level', c) };
}

describe('installed updates (Get-HotFix, wmic qfe)', () => {
  it('Get-HotFix table from a Server 2016 VM last patched in 2019 (truncated columns, M/D/YYYY 12:00:00 AM)', () => {
    const list = parseHotfixTable(winFixture('get-hotfix/table-ec2-server2016-20-kbs-truncated-columns.txt'))!;
    expect(list).toHaveLength(20);
    expect(list[0]).toEqual({ id: 'KB3176936', description: 'Update', installedOn: '2016-10-18' });
    expect(list.at(-1)).toEqual({ id: 'KB4516044', description: 'Security Update', installedOn: '2019-09-11' });
    expect(hotfixSummary(list)).toEqual({ count: 20, latestId: 'KB4516044', latestInstalledAt: '2019-09-11' });
  });

  it('Get-HotFix table with two updates', () => {
    expect(hotfixSummary(parseHotfixTable(winFixture('get-hotfix/table-k8s-node-two-updates.txt'))!)).toEqual({ count: 2, latestId: 'KB4089848', latestInstalledAt: '2018-04-04' });
  });

  it('wmic qfe fixed-width table with trailing padding', () => {
    const list = parseHotfixTable(winFixture('wmic-qfe/get-caption-description-hotfixid-installedon-first59-rows.txt'))!;
    expect(list).toHaveLength(59);
    expect(list[0]).toEqual({ id: 'KB2894856', description: 'Security Update', installedOn: '2014-10-15' });
    expect(hotfixSummary(list)).toEqual({ count: 59, latestId: 'KB3013172', latestInstalledAt: '2020-08-12' });
  });

  it('dates: M/D/YYYY, D/M/YYYY when the day is over 12, D.M.YYYY, ISO, FILETIME hex; nonsense is null', () => {
    expect(hotfixDate('3/16/2017')).toBe('2017-03-16');
    expect(hotfixDate('10/18/2016 12:00:00 AM')).toBe('2016-10-18');
    expect(hotfixDate('28/10/2021')).toBe('2021-10-28');
    expect(hotfixDate('28.10.2021')).toBe('2021-10-28');
    expect(hotfixDate('2026-11-12')).toBe('2026-11-12');
    // FILETIME of 2016-07-10T00:00:00Z (100 ns ticks since 1601).
    expect(hotfixDate('01d1da3e00668000')).toBe('2016-07-10');
    expect(hotfixDate('2/30/2020')).toBeNull();
    expect(hotfixDate('')).toBeNull();
    expect(hotfixDate(null)).toBeNull();
  });

  it('JSON from our script; empty list; wrong shape', () => {
    expect(parseHotfixJson(JSON.stringify(HOTFIX_RECENT))).toEqual([
      { id: 'KB5043080', description: 'Update', installedOn: '2026-09-11' },
      { id: 'KB5046633', description: 'Security Update', installedOn: '2026-11-12' },
    ]);
    expect(parseHotfixJson([])).toEqual([]);
    expect(parseHotfixJson('{"HotFixID":"nope"}')).toBeNull();
    expect(parseHotfixTable('')).toBeNull();
    // Cut in the first row: the update is there, its date is not.
    expect(parseHotfixTable(winFixture('get-hotfix/table-k8s-node-two-updates.txt').slice(0, 200))).toEqual([{ id: 'KB4087256', description: 'Update', installedOn: null }]);
  });
});

describe('Windows Update search result', () => {
  it('security by category ID or MSRC severity; definition updates are not security', () => {
    expect(parseWuResult({ lastSearch: '2026-11-23T06:00:00Z', updates: [CU, DEFS] })).toEqual({
      lastSearchMs: Date.parse('2026-11-23T06:00:00Z'),
      updates: [
        { title: CU.title, kb: ['KB5046633'], security: true },
        { title: DEFS.title, kb: ['KB2267602'], security: false },
      ],
    });
    expect(parseWuResult({ lastSearch: '/Date(1795000000000)/', updates: { title: 'x', kb: [], severity: 'Important', categories: [] } })?.updates[0]?.security).toBe(true);
  });

  it('wrong shapes give null', () => {
    expect(parseWuResult(null)).toBeNull();
    expect(parseWuResult({ lastSearch: null })).toBeNull();
    expect(parseWuResult({ updates: 'x' })).toBeNull();
    expect(parseWuResult({ updates: [1] })).toBeNull();
  });

  it('automatic-update policy', () => {
    expect(autoUpdateFrom(null)).toEqual({ autoUpdate: null, detail: 'no Windows Update policy (WindowsUpdate\\AU) is set; the local setting applies' });
    expect(autoUpdateFrom({ NoAutoUpdate: 1, AUOptions: 4 }).autoUpdate).toBe(false);
    expect(autoUpdateFrom({ NoAutoUpdate: 0, AUOptions: 4 }).autoUpdate).toBe(true);
    expect(autoUpdateFrom({ NoAutoUpdate: null, AUOptions: 3 })).toEqual({ autoUpdate: false, detail: 'policy AUOptions=3: updates are not installed automatically' });
    expect(autoUpdateFrom({ AUOptions: 5 }).autoUpdate).toBeNull();
  });

  it('property: parsers never throw and random input never passes', () => {
    const toFacts = (t: string): PatchLevelFacts => {
      const list = parseHotfixTable(t) ?? parseHotfixJson(t) ?? [];
      const w = parseWuResult(parsePsJson(t));
      return {
        os: { id: 'windows', name: 'Windows', version: 'x' },
        packageManager: 'windows-update',
        pendingUpdates: w ? w.updates.length : null,
        pendingSecurityUpdates: w && w.lastSearchMs !== null ? w.updates.filter((u) => u.security).length : null,
        packages: [],
        lastUpgradeAt: hotfixSummary(list).latestInstalledAt,
        rebootRequired: false,
      };
    };
    assertNeverPasses('patch_level', toFacts, [
      'Source        Description      HotFixID      InstalledBy          InstalledOn',
      '------        -----------      --------      -----------          -----------',
      'PC01          Security Update  KB5046633     NT AUTHORITY\\SYSTEM  11/12/2026 12:00:00 AM',
      '',
    ]);
  });
});

describe('patch_level collect on Windows (replayed)', () => {
  it('up to date Windows 11 (registry says "Windows 10 Pro"): build with UBR, no pending updates, passes', async () => {
    const { c, calls, facts, verdict } = await collect(info());
    expect(facts).toEqual({
      os: { id: 'windows', name: 'Windows 11', version: '23H2', prettyName: 'Windows 11 Pro 23H2', build: '22631.4460' },
      packageManager: 'windows-update',
      pendingUpdates: 0,
      pendingSecurityUpdates: 0,
      packages: [],
      lastUpgradeAt: '2026-11-12',
      indexAgeDays: 0.3,
      rebootRequired: false,
      autoUpdate: null,
      autoUpdateDetail: 'no Windows Update policy (WindowsUpdate\\AU) is set; the local setting applies',
      hotfixes: { count: 2, latestId: 'KB5046633', latestInstalledAt: '2026-11-12' },
    });
    expect(verdict).toEqual({ status: 'pass' });
    expect(calls.map((x) => x.opts?.timeoutMs)).toEqual([undefined, WU_TIMEOUT_MS]);
    expect(c.evidence.map((e) => e.source)).toEqual([
      'powershell.exe: CurrentVersion registry, Get-HotFix, reboot-pending keys, WindowsUpdate\\AU policy',
      'powershell.exe: Microsoft.Update.Session offline search IsInstalled=0 and IsHidden=0',
    ]);
    expect(schemaErrors('patch_level', facts)).toEqual([]);
  });

  it('a pending cumulative (security) update fails; the definition update is listed but not counted as security', async () => {
    const { facts, verdict } = await collect(info(), wu([DEFS, CU]));
    expect(facts.pendingUpdates).toBe(2);
    expect(facts.pendingSecurityUpdates).toBe(1);
    expect(facts.packages.map((p) => [p.version, p.security])).toEqual([
      ['KB5046633', true],
      ['KB2267602', false],
    ]);
    expect(verdict).toEqual({ status: 'fail', reason: '1 security update(s) pending (allowed 0)' });
  });

  it('reboot pending and an old last scan', async () => {
    const { facts, verdict } = await collect(info({ reboot: { wu: true, cbs: false } }), wu([], '2026-10-01T00:00:00Z'));
    expect(facts.rebootRequired).toBe(true);
    expect(facts.indexAgeDays).toBe(53.5);
    expect(verdict).toEqual({ status: 'fail', reason: 'a reboot is required to finish installing updates; update index is 53 days old, so "nothing pending" is unproven' });
  });

  it('Get-HotFix failing: the wmic qfe list is used; last install 2020 fails', async () => {
    const { c, calls, facts, verdict } = await collect(
      info({ hotfix: probeError('Generic failure', 'GetHotFixNoEntriesFound,Microsoft.PowerShell.Commands.GetHotFixCommand', 'OperationStopped') }),
      wu([]),
      ok(winFixture('wmic-qfe/get-caption-description-hotfixid-installedon-first59-rows.txt')),
    );
    expect(calls.map((x) => x.argv[0])).toEqual(['powershell.exe', 'wmic', 'powershell.exe']);
    expect(facts.hotfixes).toEqual({ count: 59, latestId: 'KB3013172', latestInstalledAt: '2020-08-12' });
    expect(verdict.status).toBe('fail');
    expect(verdict.reason).toMatch(/^last update installed 2294 days ago \(allowed 30\)$/);
    expect(c.evidence.map((e) => e.source)).toContain('wmic qfe get Caption,Description,HotFixID,InstalledOn');
  });

  it('the Windows Update search timing out leaves pending updates unknown, never pass', async () => {
    const { facts, verdict } = await collect(info(), timedOut);
    expect(facts.pendingSecurityUpdates).toBeNull();
    expect(facts.reasons).toEqual(['Windows Update search (Microsoft.Update.Session offline search IsInstalled=0 and IsHidden=0) timed out']);
    expect(verdict).toEqual({ status: 'unknown', reason: 'Windows Update search (Microsoft.Update.Session offline search IsInstalled=0 and IsHidden=0) timed out' });
  });

  it('a device that never completed an update scan: pending unknown', async () => {
    const { facts, verdict } = await collect(info(), wu([], null));
    expect(facts.pendingUpdates).toBeNull();
    expect(verdict.status).toBe('unknown');
    expect(verdict.reason).toMatch(/has not completed a search/);
  });

  it('Update Agent access denied is reported as such', async () => {
    const { facts, verdict } = await collect(info(), ok(JSON.stringify({ wu: probeError('Exception from HRESULT: 0x80070005 (E_ACCESSDENIED)', 'System.UnauthorizedAccessException', 'OperationStopped') })));
    expect(facts.reasons?.[0]).toBe('Windows Update search: access denied, needs administrator (Exception from HRESULT: 0x80070005 (E_ACCESSDENIED))');
    expect(verdict.status).toBe('unknown');
  });

  it('no PowerShell and no wmic: facts null', async () => {
    const { c, verdict } = await collect(notFound, notFound, notFound);
    expect(c.facts).toBeNull();
    expect(c.reason).toMatch(/^patch level could not be read: .*powershell\.exe is not available/);
    expect(verdict.status).toBe('unknown');
  });

  it('garbage from PowerShell is not trusted', async () => {
    const { c } = await collect(ok('<Objs Version="1.1.0.1">'), ok('#< CLIXML'), notFound);
    expect(c.facts).toBeNull();
  });

  it('now is the injected clock', () => {
    expect(NOW).toBe(Date.parse('2026-11-23T12:00:00Z'));
  });
});
