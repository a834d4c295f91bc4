import { describe, expect, it } from 'vitest';
import check, { OS_ARGV, SYSTEMINFO_ARGV, osFacts } from '../../../../agent/checks/os_eol/windows.js';
import { editionFromProductName, parseSysteminfo, winVersionFromRegistry } from '../../../../agent/checks/os_eol/parse-win-version.js';
import { parsePsJson } from '../../../../agent/checks/windows-common.js';
import type { OsEolFacts } from '../../../../protocol/checks/os-eol.js';
import { assertNeverPasses, notFound, ok, probeError, schemaErrors, timedOut, verdictOf, winDeps, winFixture, type Reply } from '../fakes-win32.js';

// CurrentVersion values as our script prints them (documented value names; data of a Windows 10 22H2 Pro).
const CV_W10 = { ProductName: 'Windows 10 Pro', EditionID: 'Professional', InstallationType: 'Client', CurrentBuild: '19045', CurrentBuildNumber: '19045', DisplayVersion: '22H2', ReleaseId: '2009', UBR: 5131, CurrentMajorVersionNumber: 10, CurrentMinorVersionNumber: 0, CurrentVersion: '6.3' };

async function collect(ps: Reply, sysinfo: Reply = notFound) {
  const { deps } = winDeps([
    [OS_ARGV, ps],
    [SYSTEMINFO_ARGV, sysinfo],
  ]);
  const c = await check.collect(deps);
  return { c, facts: c.facts as OsEolFacts, verdict: verdictOf('os_eol', c) };
}

describe('Windows version parsing', () => {
  it('systeminfo: Server 2008 R2 Datacenter (trailing space after the edition)', () => {
    expect(parseSysteminfo(winFixture('systeminfo/server2008r2-no-hotfixes-workgroup.txt'))).toMatchObject({ family: 'windows-server', name: 'Windows Server 2008 R2', version: '6.1.7600', build: '7600', edition: 'Datacenter' });
  });

  it('systeminfo: Server 2019 domain controller, and Windows 10 Education with German number formats', () => {
    expect(osFacts(parseSysteminfo(winFixture('systeminfo/server2019-domain-controller-hyperv-line.txt'))!)).toEqual({ family: 'windows-server', name: 'Windows Server 2019', version: '10.0.17763', build: '17763', edition: 'Standard' });
    expect(osFacts(parseSysteminfo(winFixture('systeminfo/win10-education-de-number-format-9-hotfixes.txt'))!)).toEqual({ family: 'windows', name: 'Windows 10', version: '10.0.19042', build: '19042', edition: 'Education' });
  });

  it('systeminfo with German labels is found by its values', () => {
    const de = 'Hostname:                                   PC01\r\nBetriebssystemname:                         Microsoft Windows 10 Pro\r\nBetriebssystemversion:                      10.0.19045 Nicht zutreffend Build 19045\r\n';
    expect(parseSysteminfo(de)).toMatchObject({ name: 'Windows 10', version: '10.0.19045', edition: 'Pro' });
  });

  it('registry: Windows 11 still says "Windows 10" in ProductName; LTSC from EditionID; server by ProductType', () => {
    expect(winVersionFromRegistry({ ...CV_W10, CurrentBuild: '22631', DisplayVersion: '23H2' }, 1)).toMatchObject({ name: 'Windows 11', version: '10.0.22631', edition: 'Pro' });
    expect(winVersionFromRegistry({ ...CV_W10, ProductName: 'Windows 10 Enterprise LTSC 2021', EditionID: 'EnterpriseS', CurrentBuild: '19044' }, 1)).toMatchObject({ edition: 'Enterprise LTSC 2021' });
    expect(winVersionFromRegistry({ ...CV_W10, ProductName: 'Windows 10 Enterprise', EditionID: 'EnterpriseS', CurrentBuild: '17763' }, 1)?.edition).toBe('Enterprise LTSC');
    expect(winVersionFromRegistry({ ...CV_W10, ProductName: 'Windows Server 2022 Datacenter', EditionID: 'ServerDatacenter', InstallationType: 'Server Core', CurrentBuild: '20348' }, 3)).toMatchObject({
      family: 'windows-server',
      name: 'Windows Server 2022',
      edition: 'Datacenter',
    });
    expect(winVersionFromRegistry({ ProductName: 'Windows 7 Professional', CurrentBuild: '7601', CurrentVersion: '6.1', EditionID: 'Professional' })).toMatchObject({ name: 'Windows 7', version: '6.1.7601', edition: 'Professional' });
    expect(editionFromProductName('Microsoft Windows Server 2008 R2 Datacenter ')).toBe('Datacenter');
  });

  it('blank, truncated and garbage', () => {
    expect(parseSysteminfo('')).toBeNull();
    expect(parseSysteminfo(winFixture('systeminfo/server2019-domain-controller-hyperv-line.txt').slice(0, 80))).toBeNull();
    expect(winVersionFromRegistry(null)).toBeNull();
    expect(winVersionFromRegistry({ ProductName: 'Windows 10 Pro' })).toBeNull();
  });

  it('property: never throws; random input never passes', () => {
    assertNeverPasses('os_eol', (t) => {
      const v = parseSysteminfo(t) ?? winVersionFromRegistry(parsePsJson(t));
      return v ? osFacts(v) : null;
    }, ['OS Name:                   Microsoft Windows 10 Pro', 'OS Version:                10.0.19045 N/A Build 19045', 'Host Name:                 PC01', '']);
  });
});

describe('os_eol collect on Windows (replayed)', () => {
  it('Windows 10 22H2 Pro from the registry: past end of support on the collection date', async () => {
    const { c, facts, verdict } = await collect(ok(JSON.stringify({ cv: CV_W10, os: { Caption: 'Microsoft Windows 10 Pro', Version: '10.0.19045', BuildNumber: '19045', ProductType: 1 } })));
    expect(facts).toEqual({ family: 'windows', name: 'Windows 10', version: '10.0.19045', build: '19045', edition: 'Pro' });
    expect(verdict.status).toBe('fail');
    expect(verdict.reason).toMatch(/^Windows 10 22H2 Pro\/Enterprise\/Education: support ended 2025-10-14/);
    expect(c.evidence).toHaveLength(1);
    expect(schemaErrors('os_eol', facts)).toEqual([]);
  });

  it('PowerShell unavailable: systeminfo text (Server 2019 DC)', async () => {
    const { c, facts, verdict } = await collect(notFound, ok(winFixture('systeminfo/server2019-domain-controller-hyperv-line.txt')));
    expect(facts).toEqual({ family: 'windows-server', name: 'Windows Server 2019', version: '10.0.17763', build: '17763', edition: 'Standard' });
    // Server 2019 is in support until 2029 (catalogue).
    expect(verdict.status).toBe('pass');
    expect(c.evidence.map((e) => e.source)).toEqual(['powershell.exe: CurrentVersion registry, Win32_OperatingSystem ProductType', 'systeminfo']);
  });

  it('registry probe refused, systeminfo timing out: facts null', async () => {
    const { c, verdict } = await collect(ok(JSON.stringify({ cv: probeError('Requested registry access is not allowed.', 'System.Security.SecurityException', 'PermissionDenied'), os: null })), timedOut);
    expect(c.facts).toBeNull();
    expect(c.reason).toBe('the Windows version could not be read: CurrentVersion registry: access denied, needs administrator (Requested registry access is not allowed.); systeminfo timed out');
    expect(verdict.status).toBe('unknown');
  });
});
