// Time synchronisation on macOS: timed (since 10.13; ntpd before) keeps the clock in step with the
// server set in System Settings ("Set time and date automatically"). systemsetup reports the switch and
// the server but needs root. macOS exposes no "synchronised" flag or offset without querying the server
// over the network, which this check does not do; so synchronized is true only as far as that can be
// told locally: network time on and timed loaded. Anything less is reported as unknown or off, never
// as synchronised.
import type { TimeSyncFacts } from '../../../protocol/checks/time-sync.js';
import { DarwinProbe } from '../darwin-common.js';
import { parseLaunchctlList } from '../audit_logging/parse-launchctl.js';
import { clip, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { needsAdmin, parseSystemsetupOnOff, parseSystemsetupValue } from './parse-systemsetup.js';

export const NETWORK_TIME_ARGV = ['systemsetup', '-getusingnetworktime'];
export const TIME_SERVER_ARGV = ['systemsetup', '-getnetworktimeserver'];
export const TIMED_LIST_ARGV = ['launchctl', 'list', 'com.apple.timed'];

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const details: string[] = [];
  const nt = await p.run(NETWORK_TIME_ARGV);
  const ntOut = `${nt.stdout}\n${nt.stderr}`;
  const networkTime = nt.failure ? null : parseSystemsetupOnOff(ntOut, 'Network Time');
  if (networkTime === null) details.push(needsAdmin(ntOut) ? 'systemsetup needs root to read the network-time setting' : whyFailed(nt));

  const sources: string[] = [];
  if (networkTime !== false) {
    const srv = await p.run(TIME_SERVER_ARGV);
    const server = srv.failure ? null : parseSystemsetupValue(`${srv.stdout}\n${srv.stderr}`, 'Network Time Server');
    if (server) sources.push(...server.split(/[,\s]+/).filter(Boolean).slice(0, 16).map((s) => clip(s, 256)));
  }

  const t = await p.run(TIMED_LIST_ARGV);
  const job = t.failure ? null : parseLaunchctlList(`${t.stdout}\n${t.stderr}`);
  const timedActive = job === null ? null : job !== 'not-loaded';
  if (job === null) details.push(clip(`timed state unknown: ${whyFailed(t)}`, 300));

  let synchronized: boolean | null;
  if (networkTime === false) {
    synchronized = false;
    details.push('"Set time and date automatically" is off');
  } else if (networkTime && timedActive) {
    synchronized = true;
    details.push('network time on and timed loaded; the offset is not measured (that needs a network query)');
  } else synchronized = timedActive === false ? false : null;

  const facts: TimeSyncFacts = {
    service: 'timed',
    serviceActive: timedActive,
    synchronized,
    sources,
    offsetMs: null,
    ...(details.length ? { detail: clip(details.join('; '), 1024) } : {}),
  };
  return { facts, evidence: p.evidence };
}

const check: PlatformCheck<TimeSyncFacts> = { id: 'time_sync', collect };
export default check;
