// What the listener parsers share: splitting "address:port" in the forms the tools print, and bounding the
// table to what the facts schema allows.
import { MAX_LISTENERS, type ListeningServicesFacts, type Listener } from '../../../protocol/checks/listening-services.js';

export interface ListenerTable {
  listeners: Listener[];
  /** Every listener came with its owning process. */
  processesKnown: boolean;
}

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

/**
 * "0.0.0.0:22", "[::1]:631", "*:5353", "127.0.0.53%lo:53", "[fe80::1%eth0]:546" (ss, lsof); the port is
 * after the last colon. An interface suffix is dropped: the address is what matters for exposure.
 */
export function splitAddress(s: string): { address: string; port: number } | null {
  const i = s.lastIndexOf(':');
  if (i <= 0) return null;
  const port = Number(s.slice(i + 1));
  if (!/^\d{1,5}$/.test(s.slice(i + 1)) || port > 65535) return null;
  let address = s.slice(0, i);
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  address = address.replace(/%.*$/, '');
  if (!address || address.length > 64) return null;
  return { address, port };
}

/** The facts from one table: duplicates (SO_REUSEPORT, one socket per worker) folded, size bounded. */
export function toFacts(source: string, table: ListenerTable, udpListed: boolean): ListeningServicesFacts {
  const seen = new Set<string>();
  const out: Listener[] = [];
  for (const l of table.listeners) {
    const key = `${l.protocol} ${l.address} ${l.port} ${l.process ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...l, address: clip(l.address, 64), process: l.process === null ? null : clip(l.process, 64) });
  }
  out.sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port || a.address.localeCompare(b.address));
  const facts: ListeningServicesFacts = { source, listeners: out.slice(0, MAX_LISTENERS), udpListed };
  if (out.length > MAX_LISTENERS) facts.truncated = true;
  return facts;
}
