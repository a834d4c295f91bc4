// The macOS application firewall (socketfilterfw / ALF). It filters inbound connections per
// application, so "inbound default deny" holds only with block-all on; otherwise signed software and
// listed apps accept connections. socketfilterfw answers without root. When it cannot run, the settings
// are read from the plists behind it: the MDM payload /Library/Managed Preferences/
// com.apple.security.firewall.plist (EnableFirewall, BlockAllIncoming, EnableStealthMode), then the local
// /Library/Preferences/com.apple.alf.plist (globalstate, stealthenabled), which macOS 15 no longer
// writes; a missing one then proves nothing and the state stays unknown.
import type { FirewallFacts } from '../../../protocol/checks/firewall.js';
import type { CommandResult } from '../../runner.js';
import { DarwinProbe, isDict, plistBool, plistInt } from '../darwin-common.js';
import { clip, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { parseSocketFilterApps, parseSocketFilterState } from './parse-socketfilterfw.js';

export const SOCKETFILTERFW = '/usr/libexec/ApplicationFirewall/socketfilterfw';
export const SOCKETFILTERFW_STATE_ARGV = [SOCKETFILTERFW, '--getglobalstate', '--getstealthmode', '--getblockall'];
export const SOCKETFILTERFW_APPS_ARGV = [SOCKETFILTERFW, '--listapps'];
export const FIREWALL_MANAGED = '/Library/Managed Preferences/com.apple.security.firewall.plist';
export const ALF_PLIST = '/Library/Preferences/com.apple.alf.plist';

type Backend = FirewallFacts['backends'][number];
const ran = (r: CommandResult) => !r.failure && r.exitCode === 0;

async function fromPlists(p: DarwinProbe, why: string): Promise<Backend> {
  const managed = await p.plist(FIREWALL_MANAGED);
  if (isDict(managed.value)) {
    const on = plistBool(managed.value.EnableFirewall);
    const blockAll = plistBool(managed.value.BlockAllIncoming);
    return {
      name: 'socketfilterfw',
      active: on,
      inboundDefault: on ? (blockAll ? 'deny' : 'allow') : null,
      stealth: plistBool(managed.value.EnableStealthMode),
      blockAll,
      policyEnforced: true,
      detail: clip(`from the MDM firewall payload (${why})`, 1024),
    };
  }
  const alf = await p.plist(ALF_PLIST);
  const state = isDict(alf.value) ? plistInt(alf.value.globalstate) : null;
  if (isDict(alf.value) && state !== null && state >= 0 && state <= 2) {
    return {
      name: 'socketfilterfw',
      active: state > 0,
      inboundDefault: state > 0 ? (state === 2 ? 'deny' : 'allow') : null,
      stealth: plistBool(alf.value.stealthenabled),
      blockAll: state === 2,
      detail: clip(`from com.apple.alf.plist globalstate ${state} (${why})`, 1024),
    };
  }
  return { name: 'socketfilterfw', active: null, inboundDefault: null, detail: clip(`${why}; no firewall preference file could be read${alf.error ? ` (${alf.error})` : ''}`, 1024) };
}

async function collect(deps: CollectDeps) {
  const p = new DarwinProbe(deps);
  const r = await p.run(SOCKETFILTERFW_STATE_ARGV);
  const s = ran(r) ? parseSocketFilterState(r.stdout) : null;
  if (!s || s.enabled === null) {
    const why = ran(r) ? 'socketfilterfw printed no global state' : whyFailed(r);
    return { facts: { backends: [await fromPlists(p, why)] } satisfies FirewallFacts, evidence: p.evidence };
  }
  const apps = await p.run(SOCKETFILTERFW_APPS_ARGV);
  const rules = ran(apps) ? parseSocketFilterApps(apps.stdout) : null;
  const managed = await p.exists(FIREWALL_MANAGED);
  const backend: Backend = {
    name: 'socketfilterfw',
    active: s.enabled,
    inboundDefault: s.enabled ? (s.blockAll ? 'deny' : 'allow') : null,
    rules,
    policyEnforced: managed,
    stealth: s.stealth,
    blockAll: s.blockAll,
    detail: `global state ${s.state ?? '?'}${s.blockAll ? ', blocking all incoming connections' : s.enabled ? ', allowing signed and listed applications' : ''}`,
  };
  return { facts: { backends: [backend] } satisfies FirewallFacts, evidence: p.evidence };
}

const check: PlatformCheck<FirewallFacts> = { id: 'firewall', collect };
export default check;
