// Windows listeners: Get-NetTCPConnection -State Listen and Get-NetUDPEndpoint as JSON
// ({LocalAddress, LocalPort, OwningProcess}), process names from Get-Process ({Id, ProcessName}); and the
// `netstat -ano` fallback. netstat's State column is translated ("LISTENING", "ABHÖREN", "À
// L'ÉCOUTE"…), so a TCP row counts as listening when its foreign address is 0.0.0.0:0 or [::]:0: only a
// listening socket has no peer. UDP rows are all bound endpoints.
import type { Listener } from '../../../protocol/checks/listening-services.js';
import { asArray, num, rec, str } from '../windows-common.js';
import { splitAddress, type ListenerTable } from './listeners.js';

function processNames(procs: unknown): Map<number, string> {
  const out = new Map<number, string>();
  for (const p of asArray(procs)) {
    const r = rec(p);
    const id = num(r?.Id);
    const name = str(r?.ProcessName);
    if (id !== null && name) out.set(id, name);
  }
  return out;
}

/** null when a table is not a list of endpoints (wrong shape: the probe printed something else). */
export function winListeners(tcp: unknown, udp: unknown, procs: unknown): ListenerTable | null {
  const names = processNames(procs);
  const listeners: Listener[] = [];
  for (const [protocol, rows] of [['tcp', tcp], ['udp', udp]] as const) {
    if (rows !== null && rows !== undefined && typeof rows !== 'object') return null;
    for (const row of asArray(rows)) {
      const r = rec(row);
      const address = str(r?.LocalAddress);
      const port = num(r?.LocalPort);
      if (!r || !address || port === null || !Number.isInteger(port) || port < 0 || port > 65535) return null;
      const pid = num(r.OwningProcess);
      const okPid = pid !== null && Number.isSafeInteger(pid) && pid >= 0 ? pid : null;
      listeners.push({ protocol, address: address.slice(0, 64), port, process: okPid === null ? null : (names.get(okPid) ?? null), pid: okPid });
    }
  }
  return { listeners, processesKnown: listeners.every((l) => l.process !== null) };
}

/** `netstat -ano`; null when no row has the Proto/address shape (blank, an error message, garbage). */
export function parseNetstatAno(text: string): ListenerTable | null {
  const listeners: Listener[] = [];
  let rows = 0;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const cols = raw.trim().split(/\s+/);
    const proto = cols[0]?.toUpperCase();
    if ((proto !== 'TCP' && proto !== 'UDP') || cols.length < 4) continue;
    const local = splitAddress(cols[1]!);
    if (!local) continue;
    rows++;
    const pidText = cols[cols.length - 1]!;
    const pid = /^\d{1,10}$/.test(pidText) ? Number(pidText) : null;
    if (proto === 'TCP') {
      if (cols[2] !== '0.0.0.0:0' && cols[2] !== '[::]:0') continue;
      listeners.push({ protocol: 'tcp', ...local, process: null, pid });
    } else listeners.push({ protocol: 'udp', ...local, process: null, pid });
  }
  // A Windows host always has sockets (RPC on 135 at least): no row at all means no usable answer.
  if (rows === 0) return null;
  return { listeners, processesKnown: false };
}
