// Remote access on Windows: Remote Desktop (enabled? Network Level Authentication required? local value or
// Group Policy), the OpenSSH server (service state; PasswordAuthentication from
// %ProgramData%\ssh\sshd_config) and the Telnet server (TlntSvr, long removed but present on old images).
// One PowerShell process; the sshd_config file is read through the file reader. Windows has no root
// account, so PermitRootLogin is not reported for sshd (administrators use administrators_authorized_keys).
import type { RemoteAccessFacts } from '../../../protocol/checks/remote-access.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import { asArray, clip, parsePsJson, probe, psCommand, psProbes, psReg, rec, serviceRunning, serviceStartType, str, whyProbeFailed, winEvidence, winWhyFailed } from '../windows-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { parseSshdConfig, rdpState } from './parse-win-remote.js';

type Service = RemoteAccessFacts['services'][number];

const TS = String.raw`HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server`;
export const REMOTE_LABEL = 'Terminal Server registry and policy, Get-Service sshd,TlntSvr';
export const REMOTE_ARGV = psCommand(
  psProbes({
    ts: psReg(TS, ['fDenyTSConnections']),
    rdpTcp: psReg(`${TS}\\WinStations\\RDP-Tcp`, ['UserAuthentication', 'SecurityLayer', 'PortNumber']),
    tsPolicy: psReg(String.raw`HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services`, ['fDenyTSConnections', 'UserAuthentication']),
    svc: "@(Get-Service -Name 'sshd','TlntSvr' -ErrorAction SilentlyContinue | Select-Object Name,Status,StartType)",
    programData: '$env:ProgramData',
  }),
);

/** A service counts as enabled when it runs or starts automatically. */
function serviceEnabled(r: Record<string, unknown>): { enabled: boolean | null; text: string } {
  const running = serviceRunning(r.Status);
  const start = serviceStartType(r.StartType);
  const enabled = running === true || start === 'automatic' ? true : running === false && start !== null ? false : null;
  return { enabled, text: `${running === null ? 'state unknown' : running ? 'running' : 'stopped'}${start ? `, start ${start}` : ''}` };
}

async function collect(deps: CollectDeps): Promise<Collected<RemoteAccessFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(REMOTE_ARGV[0]!, REMOTE_ARGV.slice(1));
  evidence.push(winEvidence(ps, REMOTE_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;
  if (out === null) return { facts: null, reason: winWhyFailed(ps, `powershell.exe: ${REMOTE_LABEL}`), evidence };
  const services: Service[] = [];

  // Remote Desktop.
  const ts = probe(out, 'ts');
  const tcp = probe(out, 'rdpTcp');
  const pol = probe(out, 'tsPolicy');
  const rdp = rdpState(ts.ok ? ts.value : null, tcp.ok ? tcp.value : null, pol.ok ? pol.value : null);
  const rdpProblems = [ts, tcp, pol].flatMap((p, i) => (p.ok ? [] : [whyProbeFailed(['Terminal Server', 'RDP-Tcp', 'Terminal Services policy'][i]!, p.failure)]));
  services.push({
    name: 'rdp',
    enabled: rdp.enabled,
    nla: rdp.nla,
    detail: clip(
      [
        rdp.enabledFrom ? `fDenyTSConnections ${rdp.enabled ? '0' : '1'} (${rdp.enabledFrom === 'policy' ? 'Group Policy' : 'local'})` : 'fDenyTSConnections not readable',
        rdp.nlaFrom ? `UserAuthentication ${rdp.nla ? '1' : '0'} (${rdp.nlaFrom === 'policy' ? 'Group Policy' : 'local'})` : 'UserAuthentication not set',
        ...rdpProblems,
      ].join('; '),
      1024,
    ),
  });

  // OpenSSH server and Telnet server.
  const svc = probe(out, 'svc');
  if (!svc.ok) {
    services.push({ name: 'sshd', enabled: null, passwordAuthentication: null, detail: whyProbeFailed('Get-Service sshd', svc.failure) });
  } else {
    for (const item of asArray(svc.value)) {
      const r = rec(item);
      const name = (str(r?.Name) ?? '').toLowerCase();
      if (!r) continue;
      const st = serviceEnabled(r);
      if (name === 'tlntsvr') services.push({ name: 'telnet', enabled: st.enabled, detail: `TlntSvr ${st.text}` });
      if (name !== 'sshd') continue;
      const s: Service = { name: 'sshd', enabled: st.enabled, passwordAuthentication: null, detail: `sshd ${st.text}` };
      if (st.enabled !== false) {
        const pd = probe(out, 'programData');
        const base = pd.ok ? str(pd.value)?.trim() || 'C:\\ProgramData' : 'C:\\ProgramData';
        const path = `${base.replace(/[\\/]+$/, '')}\\ssh\\sshd_config`;
        const text = await deps.files.readText(path);
        evidence.push(text === null ? { source: clip(`read ${path}`, 512), error: 'missing or unreadable' } : { source: clip(`read ${path}`, 512) });
        if (text !== null) s.passwordAuthentication = parseSshdConfig(text).passwordAuthentication;
        s.detail = clip(`${s.detail}; ${text === null ? `${path} missing or unreadable` : `PasswordAuthentication from ${path}`}`, 1024);
      }
      services.push(s);
    }
  }
  return { facts: { services }, evidence };
}

const check: PlatformCheck<RemoteAccessFacts> = { id: 'remote_access', collect };
export default check;
