// DHCP leases files, for gateways that serve DHCP to the devices behind them.
//  - dnsmasq (/var/lib/misc/dnsmasq.leases): "<expiry epoch> <mac> <ip> <hostname|*> <client-id|*>" per
//    line; IPv6 leases follow a "duid …" line and carry no MAC: skipped.
//  - ISC dhcpd (/var/lib/dhcp/dhcpd.leases): `lease <ip> { … hardware ethernet <mac>; client-hostname
//    "<name>"; binding state <state>; }`; the file is append-only, so the last block for an address wins,
//    and only "binding state active" (or no binding state, old servers) counts.
import type { Lease } from './neighbours.js';

export function parseDnsmasqLeases(text: string): Lease[] | null {
  const out: Lease[] = [];
  let bad = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('duid ')) continue;
    const c = line.split(/\s+/);
    if (c.length < 4 || !/^\d+$/.test(c[0]!)) {
      bad++;
      continue;
    }
    if (!/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/.test(c[1]!)) continue; // IPv6 lease (IAID) or non-Ethernet
    out.push({ mac: c[1]!, ip: c[2]!, hostname: c[3] === '*' ? null : c[3]! });
  }
  return bad > 0 && out.length === 0 ? null : out;
}

export function parseIscLeases(text: string): Lease[] | null {
  const byIp = new Map<string, Lease>();
  const re = /lease\s+([0-9a-fA-F.:]{2,64})\s*\{([^}]*)\}/g;
  let m: RegExpExecArray | null;
  let blocks = 0;
  while ((m = re.exec(text)) !== null) {
    blocks++;
    const body = m[2]!;
    const mac = /hardware\s+ethernet\s+([0-9a-fA-F:]{11,17})\s*;/.exec(body)?.[1];
    const state = /(?:^|[\s;])binding\s+state\s+(\w+)\s*;/.exec(body)?.[1];
    const host = /client-hostname\s+"([^"]{0,253})"\s*;/.exec(body)?.[1] ?? null;
    byIp.delete(m[1]!);
    if (!mac || (state !== undefined && state !== 'active')) continue;
    byIp.set(m[1]!, { ip: m[1]!, mac, hostname: host });
  }
  if (blocks === 0 && /\blease\b/.test(text)) return null;
  return [...byIp.values()];
}
