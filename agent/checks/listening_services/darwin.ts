// Listening services on macOS: `lsof -nP -iTCP -sTCP:LISTEN -iUDP` (as root it sees every process's
// sockets), falling back to `netstat -anv -p tcp` (TCP only, no process names) where lsof fails.
import type { ListeningServicesFacts } from '../../../protocol/checks/listening-services.js';
import { Probe, succeeded, whyFailed } from '../linux-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { toFacts } from './listeners.js';
import { parseLsof, parseNetstatAnv } from './parse-lsof.js';

export const LSOF_ARGV = ['lsof', '-nP', '-iTCP', '-sTCP:LISTEN', '-iUDP'] as const;
export const NETSTAT_ARGV = ['netstat', '-anv', '-p', 'tcp'] as const;

async function collect(deps: CollectDeps): Promise<Collected<ListeningServicesFacts>> {
  const p = new Probe(deps);
  const l = await p.run(LSOF_ARGV[0], LSOF_ARGV.slice(1));
  // lsof exits 1 when no file matched the selection: an empty table, not a failure.
  const lsofOk = !l.failure && (l.exitCode === 0 || (l.exitCode === 1 && l.stdout.trim() === '' && l.stderr.trim() === ''));
  const table = lsofOk ? parseLsof(l.stdout) : null;
  // An empty lsof answer is confirmed by netstat, whose header shows it worked.
  if (table && table.listeners.length) return { facts: toFacts('lsof', table, true), evidence: p.evidence };
  const n = await p.run(NETSTAT_ARGV[0], NETSTAT_ARGV.slice(1));
  const t2 = !n.failure && n.exitCode === 0 ? parseNetstatAnv(n.stdout) : null;
  if (!t2) return { facts: null, reason: `${!lsofOk ? whyFailed(l) : table ? 'lsof listed nothing' : 'lsof output could not be parsed'}; ${succeeded(n) ? 'netstat output could not be parsed' : whyFailed(n)}`, evidence: p.evidence };
  return { facts: toFacts('netstat', t2, false), evidence: p.evidence };
}

const check: PlatformCheck<ListeningServicesFacts> = { id: 'listening_services', collect };
export default check;
