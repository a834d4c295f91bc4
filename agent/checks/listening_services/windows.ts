// Listening services on Windows: Get-NetTCPConnection -State Listen and Get-NetUDPEndpoint with the owning
// process names, and Get-SmbServerConfiguration's EnableSMB1Protocol (SMBv1 on 445/139 is flagged), in one
// PowerShell process. Where the NetTCPIP module is missing (old or stripped images), `netstat -ano`
// gives the same sockets with process ids only.
import type { ListeningServicesFacts } from '../../../protocol/checks/listening-services.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { bool, parsePsJson, probe, probeEvidence, psCommand, psProbes, rec, winEvidence, winWhyFailed } from '../windows-common.js';
import { toFacts } from './listeners.js';
import { parseNetstatAno, winListeners } from './parse-win-listeners.js';

export const LISTEN_LABEL = 'Get-NetTCPConnection -State Listen, Get-NetUDPEndpoint, Get-Process, Get-SmbServerConfiguration | ConvertTo-Json';
export const LISTEN_ARGV = psCommand(
  psProbes(
    {
      tcp: '@(Get-NetTCPConnection -State Listen -ErrorAction SilentlyContinue | Select-Object LocalAddress,LocalPort,OwningProcess)',
      udp: '@(Get-NetUDPEndpoint -ErrorAction SilentlyContinue | Select-Object LocalAddress,LocalPort,OwningProcess)',
      procs: '@(Get-Process | Select-Object Id,ProcessName)',
      smb: 'Get-SmbServerConfiguration | Select-Object EnableSMB1Protocol',
    },
    3,
  ),
);
export const NETSTAT_ARGV = ['netstat.exe', '-ano'] as const;

async function collect(deps: CollectDeps): Promise<Collected<ListeningServicesFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(LISTEN_ARGV[0]!, LISTEN_ARGV.slice(1));
  evidence.push(winEvidence(ps, LISTEN_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;
  let smb1: boolean | null = null;
  if (out !== null) {
    const smb = probe(out, 'smb');
    if (smb.ok) smb1 = bool(rec(smb.value)?.EnableSMB1Protocol);
    else evidence.push(probeEvidence('Get-SmbServerConfiguration', smb.failure));
    const tcp = probe(out, 'tcp');
    const udp = probe(out, 'udp');
    const procs = probe(out, 'procs');
    if (tcp.ok && udp.ok) {
      const table = winListeners(tcp.value, udp.value, procs.ok ? procs.value : null);
      if (table) return { facts: { ...toFacts('Get-NetTCPConnection', table, true), smb1 }, evidence };
    } else if (!tcp.ok) evidence.push(probeEvidence('Get-NetTCPConnection', tcp.failure));
  }
  const ns = await deps.run(NETSTAT_ARGV[0], NETSTAT_ARGV.slice(1));
  evidence.push(winEvidence(ns));
  const table = !ns.failure && ns.exitCode === 0 ? parseNetstatAno(ns.stdout) : null;
  if (!table) return { facts: null, reason: `${out === null ? winWhyFailed(ps, `powershell.exe: ${LISTEN_LABEL}`) : 'Get-NetTCPConnection gave no usable table'}; ${winWhyFailed(ns)}`, evidence };
  return { facts: { ...toFacts('netstat', table, true), smb1 }, evidence };
}

const check: PlatformCheck<ListeningServicesFacts> = { id: 'listening_services', collect };
export default check;
