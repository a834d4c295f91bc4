// `ss -tulpn` (iproute2): a header line, then one socket per line. Columns: Netid State Recv-Q Send-Q
// Local-Address:Port Peer-Address:Port [Process]. The header is kept (no -H) because it is what tells
// "no sockets" apart from a tool that printed nothing. Addresses look like 0.0.0.0:22, [::]:22, [::1]:631,
// *:5353 (a dual-stack socket), 127.0.0.53%lo:53 (bound to an interface). The process column,
// users:(("sshd",pid=800,fd=3),…), appears only for sockets the caller may inspect (root sees all).
import type { Listener } from '../../../protocol/checks/listening-services.js';
import { splitAddress, type ListenerTable } from './listeners.js';

const PROCESS = /users:\(\("((?:[^"\\]|\\.){0,200})",pid=(\d{1,10})/;

/** null when the text is not ss output (no header: blank, a usage message, garbage). */
export function parseSs(text: string): ListenerTable | null {
  const listeners: Listener[] = [];
  const all = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (!/^Netid\s+State\s+Recv-Q\s+Send-Q\s+Local Address:Port/.test(all[0] ?? '')) return null;
  let recognised = 0;
  let lines = 0;
  for (const line of all.slice(1)) {
    lines++;
    const cols = line.split(/\s+/);
    const netid = cols[0]?.toLowerCase();
    if ((netid !== 'tcp' && netid !== 'udp') || cols.length < 6) continue;
    recognised++;
    const state = cols[1]!.toUpperCase();
    if (netid === 'tcp' && state !== 'LISTEN') continue;
    if (netid === 'udp' && state !== 'UNCONN') continue;
    const at = splitAddress(cols[4]!);
    if (!at) continue;
    const m = PROCESS.exec(line);
    const pid = m ? Number(m[2]) : null;
    listeners.push({ protocol: netid, address: at.address, port: at.port, process: m ? m[1]!.replace(/\\(.)/g, '$1') : null, pid: pid !== null && Number.isSafeInteger(pid) ? pid : null });
  }
  if (lines > 0 && recognised === 0) return null;
  return { listeners, processesKnown: listeners.every((l) => l.process !== null) };
}
