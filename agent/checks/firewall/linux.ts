// Host firewall on Linux: every layer that can filter inbound traffic is probed and reported, active or
// not. The kernel has one packet filter (netfilter) with several front ends, and they disagree about what
// they see: iptables-nft shows nothing of a native nftables ruleset, nft shows iptables-nft rules as
// tables "ip filter", ufw and firewalld sit on top of either. So each is judged on its own view and the
// shared evaluate() passes when any active one denies inbound by default.
// Reading rulesets needs root (CAP_NET_ADMIN); as another user each probe reports active: null.
import type { FirewallFacts } from '../../../protocol/checks/firewall.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import type { CommandResult } from '../../runner.js';
import { clip, commandEvidence, deniedByPermission, whyFailed } from '../linux-common.js';
import type { CollectDeps, PlatformCheck } from '../types.js';
import { parseFirewalldListAll, parseFirewalldState, zoneDeniesByDefault } from './parse-firewalld.js';
import { filtersInbound, inputOutcome, parseIptablesL, parseIptablesS, ruleCount } from './parse-iptables.js';
import { decideInbound, parseNftJson, parseNftText } from './parse-nft.js';
import { parseUfwStatus } from './parse-ufw.js';

type Backend = FirewallFacts['backends'][number];

const ok = (r: CommandResult) => !r.failure && r.exitCode === 0;

/** The probe ran but gave no usable answer: failed, refused, timed out, or printed something unparseable. */
function unclear(name: string, r: CommandResult): Backend {
  return { name, active: null, inboundDefault: null, detail: ok(r) ? `${r.source}: output could not be parsed` : whyFailed(r) };
}

function absent(name: string, tool: string): Backend {
  return { name, active: false, inboundDefault: null, detail: `${tool} is not installed` };
}

async function ipv6Enabled(deps: CollectDeps): Promise<boolean> {
  // No if_inet6 means the kernel has no IPv6 (ipv6.disable=1); disable_ipv6=1 turns it off at runtime.
  if (!(await deps.files.exists('/proc/net/if_inet6'))) return false;
  return (await deps.files.readText('/proc/sys/net/ipv6/conf/all/disable_ipv6'))?.trim() !== '1';
}

async function nftables(run: (f: string, a: string[]) => Promise<CommandResult>, v6: boolean): Promise<{ backend: Backend; found: boolean }> {
  const json = await run('nft', ['-j', 'list', 'ruleset']);
  if (json.failure === 'not-found') return { backend: absent('nftables', 'nft'), found: false };
  let rs = ok(json) ? parseNftJson(json.stdout) : null;
  let from = json;
  if (!rs && !deniedByPermission(json) && !json.failure) {
    // Older nft builds lack JSON support ("JSON support not compiled-in").
    from = await run('nft', ['list', 'ruleset']);
    rs = ok(from) ? parseNftText(from.stdout) : null;
    // An empty ruleset prints nothing at all in text form.
    if (!rs && ok(from) && from.stdout.trim() === '') rs = { tables: 0, chains: [] };
  }
  if (!rs) return { backend: unclear('nftables', from), found: true };
  const d = decideInbound(rs, v6);
  const rules = rs.chains.reduce((n, c) => n + c.rules.length, 0);
  return {
    backend: { name: 'nftables', active: d.filtersInbound, inboundDefault: d.filtersInbound ? d.inbound : null, rules, detail: clip(d.detail, 1024) },
    found: true,
  };
}

async function iptables(run: (f: string, a: string[]) => Promise<CommandResult>, v6: boolean): Promise<{ backend: Backend; found: boolean; ufwLoaded?: boolean }> {
  const r4 = await run('iptables', ['-S']);
  if (r4.failure === 'not-found') return { backend: absent('iptables', 'iptables'), found: false };
  let t4 = ok(r4) ? parseIptablesS(r4.stdout) : null;
  let from = r4;
  if (!t4 && !deniedByPermission(r4) && !r4.failure) {
    // iptables builds without -S (before 1.4.1): the verbose listing shows interfaces, so rules can be judged.
    from = await run('iptables', ['-L', '-n', '-v']);
    t4 = ok(from) ? parseIptablesL(from.stdout) : null;
  }
  if (!t4) return { backend: unclear('iptables', from), found: true };
  // `ufw status` calls ufw active exactly when its chains are loaded; iptables shows them.
  const ufwLoaded = t4.rules.has('ufw-user-input');
  const r6 = v6 ? await run('ip6tables', ['-S']) : null;
  const t6 = r6 && ok(r6) ? parseIptablesS(r6.stdout) : null;
  const rules = ruleCount(t4) + (t6 ? ruleCount(t6) : 0);
  const active = filtersInbound(t4) || (t6 !== null && filtersInbound(t6));
  if (!active) return { backend: { name: 'iptables', active: false, inboundDefault: null, rules, detail: 'INPUT has no rules and policy ACCEPT' }, found: true, ufwLoaded };
  const v4deny = inputOutcome(t4) === 'deny';
  if (!v6) return { backend: { name: 'iptables', active, inboundDefault: v4deny ? 'deny' : 'allow', rules, detail: 'IPv6 is disabled' }, found: true, ufwLoaded };
  if (!t6) {
    // IPv4 allowing settles it; IPv4 denying says nothing about IPv6.
    return { backend: { name: 'iptables', active, inboundDefault: v4deny ? null : 'allow', rules, detail: clip(`ip6tables: ${r6 ? whyFailed(r6) : 'not run'}`, 1024) }, found: true, ufwLoaded };
  }
  const v6deny = inputOutcome(t6) === 'deny';
  const detail = v4deny && v6deny ? 'INPUT denies by default for IPv4 and IPv6' : `${v4deny ? 'IPv6' : 'IPv4'} INPUT accepts by default`;
  return { backend: { name: 'iptables', active, inboundDefault: v4deny && v6deny ? 'deny' : 'allow', rules, detail }, found: true, ufwLoaded };
}

async function ufw(run: (f: string, a: string[]) => Promise<CommandResult>, loaded: boolean | undefined): Promise<Backend> {
  // ufw is a Python program (slow to start); when iptables shows no ufw chains its answer is known.
  if (loaded === false) return { name: 'ufw', active: false, inboundDefault: null, rules: 0, detail: 'Status: inactive (no ufw chains loaded)' };
  const r = await run('ufw', ['status', 'verbose']);
  if (r.failure === 'not-found') return absent('ufw', 'ufw');
  const s = ok(r) ? parseUfwStatus(r.stdout) : null;
  if (!s) return unclear('ufw', r);
  if (!s.active) return { name: 'ufw', active: false, inboundDefault: null, rules: s.rules, detail: 'Status: inactive' };
  const inbound = s.defaultIncoming === null ? null : s.defaultIncoming === 'allow' ? 'allow' : 'deny';
  return { name: 'ufw', active: true, inboundDefault: inbound, rules: s.rules, detail: `default ${s.defaultIncoming ?? 'unknown'} (incoming)` };
}

async function firewalld(run: (f: string, a: string[]) => Promise<CommandResult>): Promise<Backend> {
  const st = await run('firewall-cmd', ['--state']);
  if (st.failure === 'not-found') return absent('firewalld', 'firewall-cmd');
  const state = st.failure ? null : parseFirewalldState(st.stdout);
  if (state === 'not running') return { name: 'firewalld', active: false, inboundDefault: null, detail: 'not running' };
  if (state !== 'running') return unclear('firewalld', st);
  const z = await run('firewall-cmd', ['--list-all']);
  const zone = ok(z) ? parseFirewalldListAll(z.stdout) : null;
  if (!zone) return { name: 'firewalld', active: true, inboundDefault: null, detail: clip(`default zone could not be read: ${whyFailed(z)}`, 1024) };
  return {
    name: 'firewalld',
    active: true,
    inboundDefault: zoneDeniesByDefault(zone) ? 'deny' : 'allow',
    rules: zone.services.length + zone.ports.length,
    detail: clip(`default zone ${zone.zone}, target ${zone.target}`, 1024),
  };
}

async function collect(deps: CollectDeps) {
  const evidence: Evidence[] = [];
  const run = async (file: string, args: string[]) => {
    const r = await deps.run(file, args);
    evidence.push(commandEvidence(r));
    return r;
  };
  const [v6, ufwInstalled, firewalldInstalled] = await Promise.all([
    ipv6Enabled(deps),
    anyExists(deps, ['/usr/sbin/ufw', '/sbin/ufw']),
    anyExists(deps, ['/usr/bin/firewall-cmd', '/bin/firewall-cmd', '/usr/sbin/firewall-cmd']),
  ]);
  evidence.push({ source: 'read /proc/net/if_inet6, /proc/sys/net/ipv6/conf/all/disable_ipv6', ...(v6 ? {} : { error: 'IPv6 disabled' }) });
  // The layers are independent: ask them at once.
  const [nft, ipt, fwd] = await Promise.all([
    nftables(run, v6),
    iptables(run, v6),
    firewalldInstalled ? firewalld(run) : Promise.resolve(absent('firewalld', 'firewall-cmd')),
  ]);
  if (!nft.found && !ipt.found) {
    // Rules could still be loaded in the kernel; nothing here can read them.
    nft.backend = { name: 'nftables', active: null, inboundDefault: null, detail: 'neither nft nor iptables is installed, so the kernel packet filter could not be read' };
  }
  const ufwBackend = ufwInstalled ? await ufw(run, ipt.ufwLoaded) : absent('ufw', 'ufw');
  const backends: Backend[] = [nft.backend, ipt.backend, ufwBackend, fwd];
  const facts: FirewallFacts = { backends };
  return { facts, evidence: evidence };
}

async function anyExists(deps: CollectDeps, paths: string[]): Promise<boolean> {
  return (await Promise.all(paths.map((p) => deps.files.exists(p)))).some(Boolean);
}

const check: PlatformCheck<FirewallFacts> = { id: 'firewall', collect };
export default check;
