import { describe, expect, it } from 'vitest';
import check, { AUDITPOL_ARGV, EVENTLOG_ARGV, eventLogSource } from '../../../../agent/checks/audit_logging/windows.js';
import { inclusionSetting, parseAuditpolCsv } from '../../../../agent/checks/audit_logging/parse-auditpol.js';
import type { AuditLoggingFacts } from '../../../../protocol/checks/audit-logging.js';
import { assertNeverPasses, exit, notFound, ok, probeError, schemaErrors, timedOut, verdictOf, winDeps, winFixture, type Reply } from '../fakes-win32.js';

const CSV = winFixture('auditpol-r/ws2022-dc-cnquery.txt');
const LOG = winFixture('get-winevent-listlog/json-security-classic-2022-cnquery.txt');
// Get-Service | Select-Object as Windows PowerShell 5.1 prints it (Status 4 = Running, StartType 2 = Automatic).
const SVC = { Name: 'EventLog', Status: 4, StartType: 2 };
const ps = (svc: unknown, log: string | unknown) => ok(`{"svc":${JSON.stringify(svc)},"log":${typeof log === 'string' ? log : JSON.stringify(log)}}`);
const allAudited = CSV.replace(/,(Success|No Auditing|Failure)(,\r?\n|,$)/gm, ',Success and Failure$2');

async function collect(psReply: Reply, auditpol: Reply) {
  const { deps } = winDeps([
    [EVENTLOG_ARGV, psReply],
    [AUDITPOL_ARGV, auditpol],
  ]);
  const c = await check.collect(deps);
  return { c, facts: c.facts as AuditLoggingFacts, verdict: verdictOf('audit_logging', c) };
}

describe('auditpol /r', () => {
  it('Server 2022 domain controller (cnquery capture): 60 subcategories keyed by GUID', () => {
    const rows = parseAuditpolCsv(CSV)!;
    expect(rows).toHaveLength(60);
    const by = (n: string) => rows.find((r) => r.category === n);
    expect(by('Logon')).toEqual({ guid: '0CCE9215-69AE-11D9-BED3-505054503030', category: 'Logon', success: true, failure: true });
    expect(by('Account Lockout')).toMatchObject({ success: true, failure: false });
    expect(by('User Account Management')).toMatchObject({ success: true, failure: false });
    expect(by('Security Group Management')).toMatchObject({ success: true, failure: false });
    expect(by('Audit Policy Change')).toMatchObject({ success: true, failure: false });
    expect(by('Kernel Object')).toMatchObject({ success: false, failure: false });
  });

  it('a German capture: translated header, names and settings, English names from the GUID', () => {
    const de = 'Computername,Richtlinienziel,Unterkategorie,GUID der Unterkategorie,Einschlusseinstellung,Ausschlusseinstellung\r\nPC01,System,Anmelden,{0CCE9215-69AE-11D9-BED3-505054503030},Erfolg und Fehler,\r\nPC01,System,Kontosperrung,{0CCE9217-69AE-11D9-BED3-505054503030},Fehler,\r\nPC01,System,Prozesserstellung,{0CCE922B-69AE-11D9-BED3-505054503030},Keine Überwachung,\r\n';
    expect(parseAuditpolCsv(de)).toEqual([
      { guid: '0CCE9215-69AE-11D9-BED3-505054503030', category: 'Logon', success: true, failure: true },
      { guid: '0CCE9217-69AE-11D9-BED3-505054503030', category: 'Account Lockout', success: false, failure: true },
      { guid: '0CCE922B-69AE-11D9-BED3-505054503030', category: 'Process Creation', success: false, failure: false },
    ]);
  });

  it('inclusion settings in several languages; unknown words stay null', () => {
    expect(inclusionSetting('Succès et échec')).toEqual({ success: true, failure: true });
    expect(inclusionSetting('SuccÃ¨s et Ã©chec')).toEqual({ success: true, failure: true });
    expect(inclusionSetting('Correcto y error')).toEqual({ success: true, failure: true });
    expect(inclusionSetting('Êxito e Falha')).toEqual({ success: true, failure: true });
    expect(inclusionSetting('Operazioni non riuscite')).toEqual({ success: false, failure: true });
    expect(inclusionSetting('Sin auditoría')).toEqual({ success: false, failure: false });
    expect(inclusionSetting('???')).toEqual({ success: null, failure: null });
  });

  it('errors, blank, truncated and garbage', () => {
    expect(parseAuditpolCsv('The command must be run with administrator privileges\r\n')).toBeNull();
    expect(parseAuditpolCsv('')).toBeNull();
    expect(parseAuditpolCsv(CSV.slice(0, 300))).toHaveLength(2);
    expect(parseAuditpolCsv('a,b,c\n{nope}')).toBeNull();
  });

  it('property: never throws; random input never passes (no log source is running)', () => {
    assertNeverPasses('audit_logging', (t) => ({ sources: [eventLogSource(null, null, [])], policy: (parseAuditpolCsv(t) ?? []).map(({ category, success, failure }) => ({ category, success, failure })) }), [
      'WS2022,System,Logon,{0CCE9215-69AE-11D9-BED3-505054503030},Success and Failure,',
      'Machine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting',
      '',
    ]);
  });
});

describe('audit_logging collect on Windows (replayed)', () => {
  it('EventLog running, Security log on disk; the DC policy does not audit failures of four required categories: fail', async () => {
    const { c, facts, verdict } = await collect(ps(SVC, LOG), ok(CSV));
    expect(facts.sources).toEqual([{ name: 'eventlog', active: true, persistent: true, detail: 'EventLog service running (automatic); Security log enabled, max 20 MB, circular: overwrites the oldest events when full' }]);
    expect(facts.policy).toHaveLength(60);
    expect(verdict).toEqual({
      status: 'fail',
      reason:
        'audit policy "Account Lockout" does not audit failure; audit policy "User Account Management" does not audit failure; audit policy "Security Group Management" does not audit failure; audit policy "Audit Policy Change" does not audit failure',
    });
    expect(c.evidence.map((e) => e.source)).toEqual(['powershell.exe: Get-Service EventLog, Get-WinEvent -ListLog Security', 'auditpol /get /category:* /r']);
    expect(schemaErrors('audit_logging', facts)).toEqual([]);
  });

  it('every subcategory audited for success and failure: pass', async () => {
    const { verdict } = await collect(ps(SVC, LOG), ok(allAudited));
    expect(verdict).toEqual({ status: 'pass' });
  });

  it('auditpol refused (not elevated): required categories unknown, never pass', async () => {
    const { facts, verdict } = await collect(ps(SVC, LOG), exit(1, 'The command must be run with administrator privileges\r\n'));
    expect(facts.policy?.find((p) => p.category === 'Logon')).toEqual({ category: 'Logon', success: null, failure: null });
    expect(facts.sources[0]?.detail).toMatch(/audit policy unknown: auditpol \/get \/category:\* \/r: access denied, needs administrator/);
    expect(verdict.status).toBe('unknown');
  });

  it('EventLog stopped: fail', async () => {
    const { verdict } = await collect(ps({ ...SVC, Status: 1 }, LOG), ok(allAudited));
    expect(verdict).toEqual({ status: 'fail', reason: 'no audit log source is running and persistent' });
  });

  it('Security log unreadable: persistence unknown, the running service still counts', async () => {
    const { facts, verdict } = await collect(ps(SVC, probeError('Attempted to perform an unauthorized operation.', 'System.UnauthorizedAccessException,Microsoft.PowerShell.Commands.GetWinEventCommand', 'NotSpecified')), ok(allAudited));
    expect(facts.sources[0]).toMatchObject({ active: true, persistent: null });
    expect(verdict.status).toBe('pass');
  });

  it('neither source answers: facts null', async () => {
    const { c, verdict } = await collect(timedOut, notFound);
    expect(c.facts).toBeNull();
    expect(verdict.status).toBe('unknown');
  });
});
