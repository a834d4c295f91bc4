// /proc/net/{tcp,tcp6,udp,udp6}: the kernel's socket tables, readable by any user (the fallback when ss
// is missing). local_address is hex: IPv4 as one little-endian 32-bit word, IPv6 as four such words.
// State 0A is TCP_LISTEN; an unconnected UDP socket is 07 (TCP_CLOSE). Owning processes would need every
// process's fd table (root), so they are not reported.
import type { Listener } from '../../../protocol/checks/listening-services.js';

function ipv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(Number.parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!).toString(16));
  const text = groups.join(':');
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  if (text.startsWith('0:0:0:0:0:ffff:')) return `::ffff:${bytes.slice(12).join('.')}`;
  return text.replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** null when the text is not a socket table (no header, or no line in the table's shape). */
export function parseProcNet(text: string, protocol: 'tcp' | 'udp'): Listener[] | null {
  const lines = text.split('\n');
  if (!/^\s*sl\s+local_address/.test(lines[0] ?? '')) return null;
  const out: Listener[] = [];
  for (const line of lines.slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4) continue;
    const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(cols[1]!);
    if (!m) return null;
    const state = cols[3]!.toUpperCase();
    if (protocol === 'tcp' ? state !== '0A' : state !== '07') continue;
    const address = m[1]!.length === 8 ? ipv4(m[1]!) : ipv6(m[1]!);
    out.push({ protocol, address, port: Number.parseInt(m[2]!, 16), process: null, pid: null });
  }
  return out;
}
