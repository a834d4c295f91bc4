// Listening services on Linux: `ss -tulpn` (iproute2) lists TCP listeners and bound UDP sockets with
// their owning processes (all of them as root; only the agent's own otherwise). Where ss is missing or
// fails, the kernel's tables under /proc/net are read instead: same sockets, no process names.
import type { ListeningServicesFacts } from '../../../protocol/checks/listening-services.js';
import { Probe, succeeded, whyFailed } from '../linux-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { toFacts } from './listeners.js';
import { parseProcNet } from './parse-proc-net.js';
import { parseSs } from './parse-ss.js';

export const SS_ARGV = ['ss', '-tulpn'] as const;
const PROC_TABLES = [
  ['/proc/net/tcp', 'tcp'],
  ['/proc/net/tcp6', 'tcp'],
  ['/proc/net/udp', 'udp'],
  ['/proc/net/udp6', 'udp'],
] as const;

async function fromProc(p: Probe, ssWhy: string): Promise<Collected<ListeningServicesFacts>> {
  const texts = await Promise.all(PROC_TABLES.map(([path]) => p.readAll(path, 8 * 1024 * 1024)));
  const listeners = [];
  for (const [i, [path, protocol]] of PROC_TABLES.entries()) {
    const text = texts[i];
    // No tcp6/udp6 file: IPv6 is disabled, nothing can listen on it.
    if ((text === null || text === undefined) && path.endsWith('6')) continue;
    const parsed = text === null || text === undefined ? null : parseProcNet(text, protocol);
    if (parsed === null) return { facts: null, reason: `${ssWhy}; ${path} could not be ${text === null ? 'read' : 'parsed'}`, evidence: p.evidence };
    listeners.push(...parsed);
  }
  return { facts: toFacts('/proc/net', { listeners, processesKnown: false }, true), evidence: p.evidence };
}

async function collect(deps: CollectDeps): Promise<Collected<ListeningServicesFacts>> {
  const p = new Probe(deps);
  const r = await p.run(SS_ARGV[0], SS_ARGV.slice(1));
  const table = succeeded(r) ? parseSs(r.stdout) : null;
  if (table) return { facts: toFacts('ss', table, true), evidence: p.evidence };
  return fromProc(p, succeeded(r) ? 'ss output could not be parsed' : whyFailed(r));
}

const check: PlatformCheck<ListeningServicesFacts> = { id: 'listening_services', collect };
export default check;
