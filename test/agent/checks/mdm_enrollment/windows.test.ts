import { describe, expect, it } from 'vitest';
import check, { DSREGCMD_ARGV, ENROLL_ARGV } from '../../../../agent/checks/mdm_enrollment/windows.js';
import { joinTypeOf, parseDsregcmd } from '../../../../agent/checks/mdm_enrollment/parse-dsregcmd.js';
import { parseEnrollments, providerOf, serverOf } from '../../../../agent/checks/mdm_enrollment/parse-win-enrollments.js';
import type { MdmEnrollmentFacts } from '../../../../protocol/checks/mdm-enrollment.js';
import { assertNeverPasses, exit, notFound, ok, probeError, schemaErrors, timedOut, verdictOf, winDeps, winFixture, type Reply } from '../fakes-win32.js';

// Enrollments as our script prints them (values named as in the documented registry layout).
const INTUNE = { id: '8B5A9A5C-3F38-4C74-A1B7-9D0C4F2E6A11', ProviderID: 'MS DM Server', EnrollmentState: 1, EnrollmentType: 6, UPN: 'nurse.station@hospital.example', DiscoveryServiceFullURL: 'https://enrollment.manage.microsoft.com/enrollmentserver/discovery.svc' };
const STALE = { ...INTUNE, id: 'C3D1E2F4-0000-4000-8000-000000000001', EnrollmentState: 4 };

async function collect(ps: Reply, dsr: Reply = notFound) {
  const { deps } = winDeps([
    [ENROLL_ARGV, ps],
    [DSREGCMD_ARGV, dsr],
  ]);
  const c = await check.collect(deps);
  const facts = c.facts as MdmEnrollmentFacts;
  return { c, facts, verdict: verdictOf('mdm_enrollment', c), a: (p: string) => facts.agents.find((x) => (x.vendor ?? x.provider) === p) };
}

describe('dsregcmd /status', () => {
  it('workgroup laptop (kolide capture, padded lines)', () => {
    const s = parseDsregcmd(winFixture('dsregcmd-status/not-joined-workgroup.txt'))!;
    expect(s).toEqual({ azureAdJoined: false, domainJoined: false, enterpriseJoined: false, workplaceJoined: false, domainName: null, tenantName: null, mdmUrl: null });
    expect(joinTypeOf(s)).toBe('workgroup');
  });

  it('hybrid joined (Microsoft sample)', () => {
    const s = parseDsregcmd(winFixture('dsregcmd-status/fragment-msdocs-hybrid-joined-device-state.txt'))!;
    expect(s).toMatchObject({ azureAdJoined: true, domainJoined: true, domainName: 'HYBRIDADFS' });
    expect(joinTypeOf(s)).toBe('hybrid');
    expect(joinTypeOf({ ...s, domainJoined: false })).toBe('entra');
    expect(joinTypeOf({ ...s, azureAdJoined: false })).toBe('domain');
  });

  it('tenant details: MdmUrl present (auto-enrolment configured), no join state in the fragment', () => {
    const s = parseDsregcmd(winFixture('dsregcmd-status/fragment-msdocs-tenant-details-mdm-urls.txt'))!;
    expect(s.mdmUrl).toBe('https://enrollment.manage-beta.microsoft.com/EnrollmentServer/Discovery.svc');
    expect(s.tenantName).toBe('HybridADFS');
    expect(joinTypeOf(s)).toBeNull();
  });

  it('diagnostics block only, blank and garbage: null', () => {
    expect(parseDsregcmd(winFixture('dsregcmd-status/fragment-msdocs-prejoin-diagnostics-discovery-fail.txt'))).toBeNull();
    expect(parseDsregcmd('')).toBeNull();
    expect(parseDsregcmd('AzureAdJoined : MAYBE')).toBeNull();
  });

  it('enrollment list parsing and provider names', () => {
    expect(parseEnrollments([INTUNE, { id: 'x' }])).toEqual([
      { id: INTUNE.id, providerId: 'MS DM Server', state: 1, type: 6, upn: 'nurse.station@hospital.example', discoveryUrl: INTUNE.DiscoveryServiceFullURL },
    ]);
    expect(parseEnrollments(null)).toEqual([]);
    expect(parseEnrollments('x')).toBeNull();
    expect(providerOf('AirWatchMDM')).toEqual({ provider: 'workspace_one', name: 'VMware Workspace ONE' });
    expect(providerOf('Some MDM, Inc.')).toEqual({ provider: 'some_mdm_inc', name: 'Some MDM, Inc.' });
    expect(serverOf('not a url')).toBeNull();
  });

  it('property: never throws; join facts alone never pass', () => {
    assertNeverPasses(
      'mdm_enrollment',
      (t) => {
        const s = parseDsregcmd(t);
        return { agents: [{ provider: 'windows-mdm', name: 'Windows MDM client', installed: true, enrolled: false, ...(s && joinTypeOf(s) ? { joinType: joinTypeOf(s)! } : {}) }] };
      },
      ['             AzureAdJoined : YES', '              DomainJoined : YES', '                    MdmUrl : https://enrollment.manage.microsoft.com/x', ''],
    );
  });
});

describe('mdm_enrollment collect on Windows (replayed)', () => {
  it('Intune-enrolled, hybrid joined: passes', async () => {
    const { c, facts, verdict } = await collect(ok(JSON.stringify({ enrollments: [INTUNE], ccm: null })), ok(winFixture('dsregcmd-status/fragment-msdocs-hybrid-joined-device-state.txt')));
    expect(facts.agents).toEqual([
      {
        provider: 'windows-mdm',
        vendor: 'intune',
        name: 'Microsoft Intune',
        installed: true,
        enrolled: true,
        server: 'enrollment.manage.microsoft.com',
        joinType: 'hybrid',
        detail: 'ProviderID MS DM Server, EnrollmentState 1, UPN nurse.station@hospital.example',
      },
    ]);
    expect(verdict).toEqual({ status: 'pass' });
    expect(c.evidence.map((e) => e.source)).toEqual(['powershell.exe: HKLM\\SOFTWARE\\Microsoft\\Enrollments, Get-Service CcmExec', 'dsregcmd /status']);
    expect(schemaErrors('mdm_enrollment', facts)).toEqual([]);
  });

  it('only a stale enrolment (state 4) is not enrolled', async () => {
    const { a, verdict } = await collect(ok(JSON.stringify({ enrollments: [STALE], ccm: null })), ok(winFixture('dsregcmd-status/not-joined-workgroup.txt')));
    expect(a('intune')).toMatchObject({ enrolled: false, joinType: 'workgroup' });
    expect(verdict).toEqual({ status: 'fail', reason: 'Microsoft Intune is installed but not enrolled' });
  });

  it('tenant MdmUrl without an enrolment is a hint, not enrolment: fails', async () => {
    const dsText = `${winFixture('dsregcmd-status/fragment-msdocs-hybrid-joined-device-state.txt')}\n${winFixture('dsregcmd-status/fragment-msdocs-tenant-details-mdm-urls.txt')}`;
    const { a, verdict } = await collect(ok(JSON.stringify({ enrollments: [], ccm: null })), ok(dsText));
    expect(a('windows-mdm')).toEqual({
      provider: 'windows-mdm',
      name: 'Windows MDM client',
      installed: true,
      enrolled: false,
      joinType: 'hybrid',
      detail:
        'no MDM enrolment in HKLM\\SOFTWARE\\Microsoft\\Enrollments; the tenant has MDM auto-enrolment configured (https://enrollment.manage-beta.microsoft.com/EnrollmentServer/Discovery.svc) but that alone does not enrol the device',
    });
    expect(verdict).toEqual({ status: 'fail', reason: 'Windows MDM client is installed but not enrolled' });
  });

  it('a ConfigMgr client assigned to a site counts as managed', async () => {
    const { a, verdict } = await collect(ok(JSON.stringify({ enrollments: [], ccm: { status: 4, site: 'HOS' } })), ok(winFixture('dsregcmd-status/not-joined-workgroup.txt')));
    expect(a('configmgr')).toEqual({ provider: 'configmgr', name: 'Microsoft Configuration Manager client', installed: true, enrolled: true, joinType: 'workgroup', detail: 'assigned to site HOS; CcmExec running' });
    expect(verdict.status).toBe('pass');
  });

  it('Enrollments unreadable: unconfirmed, so unknown', async () => {
    const { a, verdict } = await collect(ok(JSON.stringify({ enrollments: probeError('Requested registry access is not allowed.', 'System.Security.SecurityException,Microsoft.PowerShell.Commands.GetChildItemCommand', 'PermissionDenied'), ccm: null })), ok(winFixture('dsregcmd-status/not-joined-workgroup.txt')));
    expect(a('windows-mdm')?.enrolled).toBeNull();
    expect(verdict.status).toBe('unknown');
  });

  it('PowerShell missing but dsregcmd works: unknown, with the join type kept', async () => {
    const { a, verdict } = await collect(notFound, ok(winFixture('dsregcmd-status/not-joined-workgroup.txt')));
    expect(a('windows-mdm')).toMatchObject({ enrolled: null, joinType: 'workgroup' });
    expect(verdict.status).toBe('unknown');
  });

  it('nothing runs: facts null', async () => {
    const { c, verdict } = await collect(timedOut, exit(1, '', 'dsregcmd : Access is denied.'));
    expect(c.facts).toBeNull();
    expect(c.reason).toMatch(/timed out; dsregcmd \/status: access denied, needs administrator/);
    expect(verdict.status).toBe('unknown');
  });
});
