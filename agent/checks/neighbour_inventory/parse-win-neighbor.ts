// Windows neighbour tables. Get-NetNeighbor as JSON: {IPAddress, LinkLayerAddress "00-09-02-12-34-56",
// State, InterfaceAlias}; State is the MSFT_NetNeighbor enum, a number in Windows PowerShell 5.1 and a
// name in PowerShell 7 (0 Unreachable, 1 Incomplete, 2 Probe, 3 Delay, 4 Stale, 5 Reachable, 6 Permanent).
// `arp -a` is the fallback (Windows 7 and stripped images): headers and types are translated, so rows
// are recognised by their shape (address, MAC, word) and interfaces by "<word>: <address> --- 0x<n>".
import { asArray, num, rec, str } from '../windows-common.js';
import type { RawNeighbour } from './neighbours.js';

const STATES = ['unreachable', 'incomplete', 'probe', 'delay', 'stale', 'reachable', 'permanent'];

/** null when the value is not a list of neighbour objects. */
export function winNeighbours(value: unknown): RawNeighbour[] | null {
  if (value !== null && value !== undefined && typeof value !== 'object') return null;
  const out: RawNeighbour[] = [];
  for (const item of asArray(value)) {
    const r = rec(item);
    const ip = str(r?.IPAddress);
    if (!r || !ip) return null;
    const n = num(r.State);
    const state = n !== null ? (STATES[n] ?? 'unknown') : (str(r.State) ?? 'unknown');
    if (state.toLowerCase() === 'unreachable' || state.toLowerCase() === 'incomplete') continue;
    out.push({ ip, mac: str(r.LinkLayerAddress), state, interface: str(r.InterfaceAlias) });
  }
  return out;
}

export function parseArpA(text: string): RawNeighbour[] | null {
  const out: RawNeighbour[] = [];
  let iface: string | null = null;
  let seen = false;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    const head = /^[^\s:]+:\s+(\S+)\s+---\s+0x[0-9a-fA-F]+$/.exec(line);
    if (head) {
      iface = head[1]!;
      seen = true;
      continue;
    }
    const row = /^(\d{1,3}(?:\.\d{1,3}){3})\s+([0-9a-fA-F]{2}(?:-[0-9a-fA-F]{2}){5})\s+(\S+)$/.exec(line);
    if (row) out.push({ ip: row[1]!, mac: row[2]!, state: row[3]!.slice(0, 32), interface: iface });
  }
  // No interface section at all: blank output or a message ("No ARP Entries Found.", translated).
  if (!seen && out.length === 0) return null;
  return out;
}
