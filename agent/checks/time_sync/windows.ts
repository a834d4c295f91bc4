// Time synchronisation on Windows: `w32tm /query /status /verbose` (leap indicator, stratum, reference,
// source, phase offset) and the W32Time service state. On workgroup PCs W32Time is a trigger-start service
// (manual; it starts to sync and stops again), so "stopped, manual" is not counted as not running; w32tm
// then cannot report status either and the result is unknown. The stripchart offset probe is not run: it
// sends NTP packets to the source on every cycle.
import type { TimeSyncFacts } from '../../../protocol/checks/time-sync.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { clip, parsePsJson, probe, probeEvidence, psCommand, psProbes, rec, serviceRunning, serviceStartType, whyProbeFailed, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { isSynchronized, parseW32tmStatus, sourceName } from './parse-w32tm.js';

export const W32TM_ARGV: readonly string[] = ['w32tm', '/query', '/status', '/verbose'];
export const SERVICE_LABEL = 'Get-Service W32Time';
export const SERVICE_ARGV = psCommand(psProbes({ svc: 'Get-Service -Name W32Time | Select-Object Name,Status,StartType' }));

async function collect(deps: CollectDeps): Promise<Collected<TimeSyncFacts>> {
  const evidence: Evidence[] = [];
  const detail: string[] = [];

  const svcRun = await deps.run(SERVICE_ARGV[0]!, SERVICE_ARGV.slice(1));
  evidence.push(winEvidence(svcRun, SERVICE_LABEL));
  const svcOut = !svcRun.failure && svcRun.exitCode === 0 ? parsePsJson(svcRun.stdout) : null;
  const svc = probe(svcOut, 'svc');
  const s = svc.ok ? rec(svc.value) : null;
  const running = serviceRunning(s?.Status);
  const start = serviceStartType(s?.StartType);
  let serviceActive: boolean | null = null;
  if (running === true) serviceActive = true;
  else if (running === false && start === 'manual') detail.push('W32Time is stopped with manual (trigger) start: it runs only to synchronise');
  else if (running === false) serviceActive = false;
  if (!s) {
    if (svcOut !== null && !svc.ok) evidence.push(probeEvidence(SERVICE_LABEL, svc.failure));
    detail.push(svcOut === null ? winWhyFailed(svcRun, `powershell.exe: ${SERVICE_LABEL}`) : svc.ok ? 'W32Time service state unreadable' : whyProbeFailed('W32Time service', svc.failure));
  }

  const w = await deps.run(W32TM_ARGV[0]!, W32TM_ARGV.slice(1));
  evidence.push(winEvidence(w));
  // w32tm prints its errors on stdout with a non-zero exit code.
  const st = !w.failure ? parseW32tmStatus(w.stdout) : null;
  if (!st && svcOut === null) return { facts: null, reason: clip(`time synchronisation could not be read: ${detail.join('; ')}; ${winWhyFailed(w)}`, 1024), evidence };
  const synchronized = st ? isSynchronized(st) : null;
  if (!st) detail.push(winWhyFailed(w));
  else if (st.error) detail.push(`w32tm: ${st.error}`);
  else if (synchronized === null) detail.push('w32tm status could not be interpreted');
  if (st?.lastSyncError) detail.push(`last sync error ${st.lastSyncError}`);

  const facts: TimeSyncFacts = {
    service: 'w32time',
    serviceActive,
    synchronized,
    sources: st?.source ? [clip(sourceName(st.source), 256)] : [],
    offsetMs: st?.phaseOffset != null ? Math.round(Math.abs(st.phaseOffset) * 1e6) / 1e3 : null,
  };
  if (detail.length) facts.detail = clip(detail.join('; '), 1024);
  return { facts, evidence };
}

const check: PlatformCheck<TimeSyncFacts> = { id: 'time_sync', collect };
export default check;
