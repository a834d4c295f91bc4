// macOS listeners. `lsof -nP -iTCP -sTCP:LISTEN -iUDP` (the state filter applies to TCP only):
//   COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME
//   sshd    101 root 3u  IPv6 0x…    0t0      TCP  *:22 (LISTEN)
//   mDNSRespo 250 _mdnsresponder 8u IPv4 0x… 0t0 UDP *:5353
// COMMAND is cut to 9 characters by default. UDP sockets with a peer ("->") are outgoing, not services.
// The fallback `netstat -anv -p tcp` prints addresses as "*.22", "127.0.0.1.631", "::1.631" (port after
// the last dot) and no process names in the columns shared by every macOS release.
import type { Listener } from '../../../protocol/checks/listening-services.js';
import { textLines } from '../darwin-common.js';
import { splitAddress, type ListenerTable } from './listeners.js';

/** null when the text is not lsof output (no header). Blank output: lsof found nothing (it exits 1 then). */
export function parseLsof(text: string): ListenerTable | null {
  const lines = textLines(text).filter((l) => l.trim() !== '');
  if (!lines.length) return { listeners: [], processesKnown: true };
  if (!/^COMMAND\s+PID\s+/.test(lines[0]!)) return null;
  const listeners: Listener[] = [];
  for (const line of lines.slice(1)) {
    const m = /^(.+?)\s+(\d{1,10})\s+.*?\s(TCP|UDP)\s+(\S+)(?:\s+\((\w+)\))?\s*$/.exec(line);
    if (!m) continue;
    const protocol = m[3] === 'TCP' ? 'tcp' : 'udp';
    if (protocol === 'tcp' && m[5] !== 'LISTEN') continue;
    if (m[4]!.includes('->')) continue;
    const at = splitAddress(m[4]!);
    if (!at) continue;
    listeners.push({ protocol, address: at.address, port: at.port, process: m[1]!.trim().slice(0, 64), pid: Number(m[2]) });
  }
  return { listeners, processesKnown: true };
}

/** `netstat -anv -p tcp`; null when there is no "Proto" header (an error, garbage). */
export function parseNetstatAnv(text: string): ListenerTable | null {
  const lines = textLines(text);
  if (!lines.some((l) => /^\s*Proto\s+Recv-Q/.test(l))) return null;
  const listeners: Listener[] = [];
  for (const line of lines) {
    const cols = line.trim().split(/\s+/);
    if (!/^tcp(4|6|46)?$/.test(cols[0] ?? '') || cols[5] !== 'LISTEN') continue;
    const local = cols[3]!;
    const i = local.lastIndexOf('.');
    const port = Number(local.slice(i + 1));
    if (i <= 0 || !/^\d{1,5}$/.test(local.slice(i + 1)) || port > 65535) continue;
    const address = local.slice(0, i).replace(/%.*$/, '');
    listeners.push({ protocol: 'tcp', address: address.slice(0, 64), port, process: null, pid: null });
  }
  return { listeners, processesKnown: false };
}
