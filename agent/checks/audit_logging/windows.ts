// Audit logging on Windows: the EventLog service and the Security log (enabled, size, what happens when
// full) from one PowerShell process, and the advanced audit policy from `auditpol /get /category:* /r`
// (needs administrator). When auditpol cannot be read, every known subcategory is reported with unknown
// success/failure, so required categories come out unknown instead of silently unchecked.
import type { AuditLoggingFacts } from '../../../protocol/checks/audit-logging.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { bool, clip, num, parsePsJson, probe, probeEvidence, psCommand, psProbes, rec, serviceRunning, serviceStartType, str, whyProbeFailed, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { AUDIT_SUBCATEGORIES, parseAuditpolCsv } from './parse-auditpol.js';

export const AUDITPOL_ARGV: readonly string[] = ['auditpol', '/get', '/category:*', '/r'];
export const EVENTLOG_LABEL = 'Get-Service EventLog, Get-WinEvent -ListLog Security';
export const EVENTLOG_ARGV = psCommand(
  psProbes({
    svc: 'Get-Service -Name EventLog | Select-Object Name,Status,StartType',
    log: 'Get-WinEvent -ListLog Security | Select-Object LogName,IsEnabled,MaximumSizeInBytes,LogMode,RecordCount,LogFilePath',
  }),
);

// EventLogMode: 0 Circular (overwrite oldest), 1 AutoBackup (archive the full log), 2 Retain (keep; new
// events are dropped when full).
function logMode(v: unknown): string | null {
  const n = num(v);
  const s = (str(v) ?? '').toLowerCase();
  if (n === 0 || s === 'circular') return 'circular: overwrites the oldest events when full';
  if (n === 1 || s === 'autobackup') return 'archives the log when full';
  if (n === 2 || s === 'retain') return 'retain: stops recording when full';
  return null;
}

export function eventLogSource(svcValue: unknown, logValue: unknown, problems: string[]): AuditLoggingFacts['sources'][number] {
  const svc = rec(svcValue);
  const log = rec(logValue);
  const running = svc ? serviceRunning(svc.Status) : null;
  const enabled = log ? bool(log.IsEnabled) : null;
  const active = running === false || enabled === false ? false : running === true ? true : null;
  const path = str(log?.LogFilePath);
  const persistent = log ? (path ? /\.evtx$/i.test(path.trim()) : null) : null;
  const size = num(log?.MaximumSizeInBytes);
  const detail = [
    svc ? `EventLog service ${running === null ? 'state unknown' : running ? 'running' : 'not running'}${serviceStartType(svc.StartType) ? ` (${serviceStartType(svc.StartType)})` : ''}` : '',
    log ? `Security log ${enabled === false ? 'disabled' : 'enabled'}${size !== null ? `, max ${Math.round(size / 1048576)} MB` : ''}${logMode(log.LogMode) ? `, ${logMode(log.LogMode)}` : ''}` : '',
    ...problems,
  ].filter(Boolean);
  return { name: 'eventlog', active, persistent, detail: clip(detail.join('; '), 1024) };
}

async function collect(deps: CollectDeps): Promise<Collected<AuditLoggingFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(EVENTLOG_ARGV[0]!, EVENTLOG_ARGV.slice(1));
  evidence.push(winEvidence(ps, EVENTLOG_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;

  const ap = await deps.run(AUDITPOL_ARGV[0]!, AUDITPOL_ARGV.slice(1));
  evidence.push(winEvidence(ap));
  const rows = !ap.failure && ap.exitCode === 0 ? parseAuditpolCsv(ap.stdout) : null;

  if (out === null && rows === null) {
    return { facts: null, reason: clip(`audit logging could not be read: ${winWhyFailed(ps, `powershell.exe: ${EVENTLOG_LABEL}`)}; ${winWhyFailed(ap)}`, 1024), evidence };
  }

  const problems: string[] = [];
  if (rows === null) problems.push(`audit policy unknown: ${winWhyFailed(ap)}`);
  const svc = probe(out, 'svc');
  const log = probe(out, 'log');
  if (out === null) problems.push(winWhyFailed(ps, `powershell.exe: ${EVENTLOG_LABEL}`));
  else {
    if (!svc.ok) {
      evidence.push(probeEvidence('Get-Service EventLog', svc.failure));
      problems.push(whyProbeFailed('EventLog service', svc.failure));
    }
    if (!log.ok) {
      evidence.push(probeEvidence('Get-WinEvent -ListLog Security', log.failure));
      problems.push(whyProbeFailed('Security log', log.failure));
    }
  }
  const sources = [eventLogSource(svc.ok ? svc.value : null, log.ok ? log.value : null, problems)];
  const policy = (rows ?? Object.values(AUDIT_SUBCATEGORIES).map((category) => ({ category, success: null, failure: null }))).slice(0, 128).map((r) => ({ category: r.category, success: r.success, failure: r.failure }));
  return { facts: { sources, policy }, evidence };
}

const check: PlatformCheck<AuditLoggingFacts> = { id: 'audit_logging', collect };
export default check;
