import { evaluateResult } from '../../../../protocol/checks/index.js';
import { describe, expect, it } from 'vitest';
import check, { AV_ARGV, defenderProduct, edrProducts, scProduct } from '../../../../agent/checks/antivirus_edr/windows.js';
import { decodeProductState, parseMpStatusJson, parseMpStatusText, parseSecurityCenterJson, parseSecurityCenterTable } from '../../../../agent/checks/antivirus_edr/parse-win-av.js';
import type { AntivirusEdrFacts } from '../../../../protocol/checks/antivirus-edr.js';
import { assertNeverPasses, NOW, ok, probeError, schemaErrors, timedOut, verdictOf, winDeps, winFixture, type Reply } from '../fakes-win32.js';

const SC_DESKTOP = winFixture('securitycenter2-antivirusproduct/json-defender-only.txt');
const MP_2022 = winFixture('get-mpcomputerstatus/json-server2022-cnquery.txt');
// The cnquery capture's signatures were updated 2026-08-24 21:21 UTC; replay it half a day later.
const CAPTURE_NOW = Date.parse('2026-08-25T09:00:00Z');
const INVALID_NS = probeError('Invalid namespace ', 'HRESULT 0x8004100e,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand', 'ObjectNotFound');

async function collect(reply: Reply, now = NOW) {
  const { deps } = winDeps([[AV_ARGV, reply]], {}, now);
  const c = await check.collect(deps);
  return { c, facts: c.facts as AntivirusEdrFacts, verdict: verdictOf('antivirus_edr', c, new Date(now).toISOString()) };
}
const out = (sc: string | unknown, mp: string | unknown, svc: unknown = []) =>
  ok(`{"sc":${typeof sc === 'string' ? sc : JSON.stringify(sc)},"mp":${typeof mp === 'string' ? mp : JSON.stringify(mp)},"svc":${JSON.stringify(svc)}}`);

describe('Windows anti-malware parsers', () => {
  it('productState bits: middle byte 0x10 on, low byte 0x10 definitions out of date', () => {
    expect(decodeProductState(397568)).toEqual({ enabled: true, definitionsOutOfDate: false });
    expect(decodeProductState(393472)).toEqual({ enabled: false, definitionsOutOfDate: false });
    expect(decodeProductState(397584)).toEqual({ enabled: true, definitionsOutOfDate: true });
    expect(decodeProductState(266240)).toEqual({ enabled: true, definitionsOutOfDate: false });
  });

  it('SecurityCenter2 JSON (cnquery capture) and the displayName table', () => {
    expect(parseSecurityCenterJson(SC_DESKTOP)).toEqual([{ name: 'Windows Defender', state: 397568, enabled: true, definitionsOutOfDate: false }]);
    expect(parseSecurityCenterTable(winFixture('securitycenter2-antivirusproduct/select-displayname-defender.txt'))).toEqual([
      { name: 'Windows Defender', state: null, enabled: null, definitionsOutOfDate: null },
    ]);
    expect(scProduct(parseSecurityCenterJson(SC_DESKTOP)![0]!)).toEqual({
      name: 'Windows Defender',
      kind: 'antivirus',
      active: true,
      realtime: null,
      signatureAgeDays: null,
      signaturesOutOfDate: false,
      detail: 'productState 0x061100: on, definitions up to date',
    });
    // productState 0x061110: byte 1 = 0x11 → definitions out of date: fails even without an age.
    const stale = scProduct({ name: 'Contoso AV', state: 0x061110, enabled: true, definitionsOutOfDate: true });
    expect(stale.signaturesOutOfDate).toBe(true);
    expect(evaluateResult({ id: 'antivirus_edr', status: 'unknown', facts: { products: [stale] } }, undefined, { collectedAt: '2026-11-23T00:00:00Z', role: 'workstation' })).toEqual({
      status: 'fail',
      reason: 'Contoso AV reports its definitions out of date',
    });
  });

  it('Get-MpComputerStatus: JSON (cnquery, Server 2022) and Format-List captures', () => {
    expect(parseMpStatusJson(MP_2022)).toEqual({
      serviceEnabled: true,
      antivirusEnabled: true,
      realtime: true,
      runningMode: 'Normal',
      signatureAgeDays: 0,
      signatureUpdatedMs: 1787604096000,
      tamperProtected: false,
      version: '4.18.26070.9',
    });
    expect(parseMpStatusText(winFixture('get-mpcomputerstatus/format-list-partial-defender-on-tamper-protected.txt'))).toEqual({
      serviceEnabled: true,
      antivirusEnabled: true,
      realtime: null,
      runningMode: 'Normal',
      signatureAgeDays: 0,
      signatureUpdatedMs: null,
      tamperProtected: true,
      version: '4.18.2202.4',
    });
    const s2025 = parseMpStatusText(winFixture('get-mpcomputerstatus/select-fl-server2025-realtime-off.txt'))!;
    expect(s2025).toMatchObject({ serviceEnabled: true, realtime: false, tamperProtected: false });
    expect(defenderProduct(s2025, NOW)).toEqual({ name: 'Microsoft Defender Antivirus', kind: 'antivirus', active: true, realtime: false, signatureAgeDays: null, detail: 'tamper protection off' });
  });

  it('blank, truncated and garbage', () => {
    expect(parseSecurityCenterJson('')).toEqual([]);
    expect(parseSecurityCenterJson('"x"')).toBeNull();
    expect(parseSecurityCenterJson('{"foo":1}')).toBeNull();
    expect(parseSecurityCenterTable('')).toBeNull();
    expect(parseMpStatusJson(MP_2022.slice(0, 100))).toBeNull();
    expect(parseMpStatusText('')).toBeNull();
    expect(parseMpStatusText('Foo : bar')).toBeNull();
  });

  it('property: never throws; random text never passes', () => {
    const toFacts = (t: string) => {
      const m = parseMpStatusText(t) ?? parseMpStatusJson(t);
      const sc = parseSecurityCenterJson(t) ?? parseSecurityCenterTable(t) ?? [];
      return { products: [...(m ? [defenderProduct(m, NOW)] : []), ...sc.map(scProduct)].slice(0, 32) };
    };
    // No line says the Defender service runs: a pass would need one.
    assertNeverPasses('antivirus_edr', toFacts, ['AntivirusEnabled                 : True', 'RealTimeProtectionEnabled        : True', 'AntivirusSignatureAge            : 0', 'AMRunningMode                    : Normal', '']);
  });
});

describe('antivirus_edr collect on Windows (replayed)', () => {
  it('desktop: Defender from Get-MpComputerStatus (its SecurityCenter2 twin is folded in), signatures half a day old: pass', async () => {
    const { c, facts, verdict } = await collect(out(SC_DESKTOP, MP_2022), CAPTURE_NOW);
    expect(facts).toEqual({
      products: [{ name: 'Microsoft Defender Antivirus', kind: 'antivirus', active: true, realtime: true, signatureAgeDays: 0.5, version: '4.18.26070.9', detail: 'running mode Normal; tamper protection off' }],
    });
    expect(verdict).toEqual({ status: 'pass' });
    expect(c.evidence).toEqual([{ source: 'powershell.exe: SecurityCenter2 AntiVirusProduct, Get-MpComputerStatus, EDR services', exitCode: 0, durationMs: 1 }]);
    expect(schemaErrors('antivirus_edr', facts)).toEqual([]);
  });

  it('the same capture three months later: signatures 90 days old fail', async () => {
    const { verdict } = await collect(out(SC_DESKTOP, MP_2022));
    expect(verdict).toEqual({ status: 'fail', reason: 'Microsoft Defender Antivirus signatures are 90 days old (allowed 7)' });
  });

  it('Windows Server: no SecurityCenter2, Defender real-time off fails unless an EDR runs', async () => {
    const mp = { AMServiceEnabled: true, AntivirusEnabled: true, RealTimeProtectionEnabled: false, AntivirusSignatureAge: 1, AntivirusSignatureLastUpdated: null, IsTamperProtected: false, AMRunningMode: 'Normal', AMProductVersion: '4.18.24090.11' };
    const bare = await collect(out(INVALID_NS, mp));
    expect(bare.facts.notes).toEqual(['SecurityCenter2 is not available (Windows Server has none): third-party antivirus is not inventoried, only Defender and known EDR services']);
    expect(bare.verdict).toEqual({ status: 'fail', reason: 'Microsoft Defender Antivirus real-time protection is off' });
    const withEdr = await collect(out(INVALID_NS, mp, [{ Name: 'CSFalconService', DisplayName: 'CrowdStrike Falcon Sensor Service', Status: 4, StartType: 2 }]));
    expect(withEdr.facts.products[1]).toEqual({ name: 'CrowdStrike Falcon', kind: 'edr', active: true, realtime: null, signatureAgeDays: null, detail: 'service CSFalconService running, start automatic' });
    expect(withEdr.verdict).toEqual({ status: 'pass', reason: 'Microsoft Defender Antivirus real-time protection is off' });
  });

  it('third-party antivirus primary, Defender passive: the third-party product carries it', async () => {
    const sc = [
      { displayName: 'Sophos Anti-Virus', productState: 331776 },
      { displayName: 'Windows Defender', productState: 393472 },
    ];
    const mp = { AMServiceEnabled: true, AntivirusEnabled: true, RealTimeProtectionEnabled: false, AntivirusSignatureAge: 0, IsTamperProtected: true, AMRunningMode: 'Passive Mode', AMProductVersion: '4.18.24090.11' };
    const { facts, verdict } = await collect(out(sc, mp));
    expect(facts.products.map((p) => [p.name, p.active])).toEqual([
      ['Microsoft Defender Antivirus', false],
      ['Sophos Anti-Virus', true],
    ]);
    expect(verdict.status).toBe('pass');
  });

  it('an unonboarded Sense service (stopped, manual) is not an EDR; a stopped onboarded one is', async () => {
    expect(edrProducts([{ Name: 'Sense', Status: 1, StartType: 3 }])).toEqual([]);
    expect(edrProducts([{ Name: 'Sense', Status: 'Stopped', StartType: 'Automatic' }])[0]).toMatchObject({ name: 'Microsoft Defender for Endpoint', active: false });
  });

  it('Defender removed and nothing in SecurityCenter2: no product, fail', async () => {
    const { facts, verdict } = await collect(out([], probeError('The service cannot be started, either because it is disabled or because it has no enabled devices associated with it. ', 'HRESULT 0x80070422,Get-MpComputerStatus', 'NotSpecified')));
    expect(facts.products).toEqual([]);
    expect(verdict.status).toBe('fail');
  });

  it('Server without Defender and without SecurityCenter2: unknown, not fail', async () => {
    const { facts, verdict } = await collect(out(INVALID_NS, probeError("The term 'Get-MpComputerStatus' is not recognized", 'CommandNotFoundException', 'ObjectNotFound')));
    expect(facts.products[0]).toMatchObject({ name: 'Other antivirus (not inventoried)', active: null });
    expect(verdict.status).toBe('unknown');
  });

  it('every probe failing, a timeout, or non-JSON: facts null', async () => {
    const denied = probeError('Access denied ', 'HRESULT 0x80041003', 'PermissionDenied');
    const all = await collect(ok(JSON.stringify({ sc: denied, mp: denied, svc: denied })));
    expect(all.c.facts).toBeNull();
    expect(all.c.reason).toMatch(/access denied, needs administrator/);
    const t = await collect(timedOut);
    expect(t.c.facts).toBeNull();
    expect(t.verdict.status).toBe('unknown');
    expect((await collect(ok('Windows Defender'))).c.facts).toBeNull();
  });
});
