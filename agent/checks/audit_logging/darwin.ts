// Audit logging on macOS has two producers.
// - auditd (OpenBSM): the kernel audit trail in /var/audit, configured by /etc/security/audit_control.
//   Apple deprecated it in macOS 11 in favour of the Endpoint Security framework, and from macOS 14 it
//   is off by default: the launchd job stays defined but /etc/security/audit_control is no longer
//   installed (only audit_control.example), so auditd does not start unless an administrator copies
//   the example into place. It is reported active only when its job is loaded and the control file
//   exists.
// - the unified log (logd): always on, cannot be disabled, keeps a persistent store in
//   /var/db/diagnostics (authentication, sudo, login and security-framework events included); retention
//   is bounded by size and age and set by the OS.
import type { AuditLoggingFacts } from '../../../protocol/checks/audit-logging.js';
import { DarwinProbe } from '../darwin-common.js';
import { clip, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { parseAuditControl } from './parse-audit-control.js';
import { parseLaunchctlList } from './parse-launchctl.js';

export const AUDITD_LIST_ARGV = ['launchctl', 'list', 'com.apple.auditd'];
export const LOGD_LIST_ARGV = ['launchctl', 'list', 'com.apple.logd'];
export const AUDIT_CONTROL = '/etc/security/audit_control';
export const UNIFIED_LOG_STORE = '/var/db/diagnostics';

type Source = AuditLoggingFacts['sources'][number];

async function auditd(p: DarwinProbe): Promise<Source> {
  const r = await p.run(AUDITD_LIST_ARGV);
  const job = r.failure ? null : parseLaunchctlList(`${r.stdout}\n${r.stderr}`);
  const text = await p.readText(AUDIT_CONTROL);
  const ctl = text === null ? null : parseAuditControl(text);
  const deprecation = 'deprecated since macOS 11, off by default since macOS 14';
  if (job === null) return { name: 'auditd', active: null, persistent: null, detail: clip(`launchd job state unknown: ${whyFailed(r)}; ${deprecation}`, 1024) };
  if (job === 'not-loaded') return { name: 'auditd', active: false, persistent: null, detail: `launchd job com.apple.auditd is not loaded; ${deprecation}` };
  if (!(await p.exists(AUDIT_CONTROL))) {
    return { name: 'auditd', active: false, persistent: null, detail: `${AUDIT_CONTROL} is missing, so auditd does not start; ${deprecation}` };
  }
  if (!ctl) return { name: 'auditd', active: null, persistent: null, detail: clip(`${AUDIT_CONTROL} could not be read (needs root?); ${deprecation}`, 1024) };
  return {
    name: 'auditd',
    active: true,
    persistent: ctl.dirs.length > 0,
    detail: clip(`flags ${ctl.flags.join(',') || '(none)'}; trail in ${ctl.dirs.join(', ') || '(no dir)'}${ctl.expireAfter ? `; expire-after ${ctl.expireAfter}` : ''}${job.pid ? `; running as pid ${job.pid}` : '; started on demand'}; ${deprecation}`, 1024),
  };
}

async function unifiedLog(p: DarwinProbe): Promise<Source> {
  const r = await p.run(LOGD_LIST_ARGV);
  const job = r.failure ? null : parseLaunchctlList(`${r.stdout}\n${r.stderr}`);
  const store = await p.exists(UNIFIED_LOG_STORE);
  if (job === null) return { name: 'unified-log', active: null, persistent: store ? true : null, detail: clip(`logd state unknown: ${whyFailed(r)}`, 1024) };
  if (job === 'not-loaded') return { name: 'unified-log', active: false, persistent: null, detail: 'launchd job com.apple.logd is not loaded' };
  return {
    name: 'unified-log',
    active: job.pid !== null,
    persistent: store ? true : null,
    detail: store ? `logd${job.pid ? ` pid ${job.pid}` : ' not running'}; persistent store ${UNIFIED_LOG_STORE}, retention set by the OS` : `logd running but ${UNIFIED_LOG_STORE} was not found`,
  };
}

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const facts: AuditLoggingFacts = { sources: [await auditd(p), await unifiedLog(p)] };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<AuditLoggingFacts> = { id: 'audit_logging', collect };
export default check;
