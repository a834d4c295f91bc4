// macOS `arp -an`: "? (10.20.0.11) at 0:9:2:12:34:56 on en0 ifscope [ethernet]", with "permanent" before
// the bracket for static entries and "(incomplete)" in place of the MAC while resolving. macOS prints each
// octet without its leading zero; normMac pads them.
import type { RawNeighbour } from './neighbours.js';

/**
 * null when some non-blank line is not in arp's shape (an error message, garbage), and for blank output:
 * a gateway always has at least its own router in the table, so nothing at all is no answer.
 */
export function parseArpAn(text: string): RawNeighbour[] | null {
  if (text.trim() === '') return null;
  const out: RawNeighbour[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^\S+ \(([0-9a-fA-F.:]{2,64})\) at (\S+) on (\S{1,64})(.*)$/.exec(line);
    if (!m) return null;
    if (m[2] === '(incomplete)') continue;
    out.push({ ip: m[1]!, mac: m[2]!, state: /\bpermanent\b/.test(m[4]!) ? 'permanent' : 'dynamic', interface: m[3]! });
  }
  return out;
}
