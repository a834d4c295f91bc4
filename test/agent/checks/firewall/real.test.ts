// The firewall collector on this machine, for real: the host as it is, and rulesets loaded into fresh
// network namespaces (needs root, iproute2, nftables, iptables). The agent's own collect() runs inside the
// namespace through a runner that prefixes `ip netns exec NAME`; nothing is faked.
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import check from '../../../../agent/checks/firewall/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner, type CommandRunner } from '../../../../agent/runner.js';
import type { FirewallFacts } from '../../../../protocol/checks/firewall.js';
import { schemaErrors, sh, verdictOf } from '../fakes.js';

/** Runs every command inside the namespace; "exec of X failed: No such file" becomes not-found, as without ip. */
function inNetns(ns: string, base: CommandRunner = createRunner()): CommandRunner {
  return async (file, args, opts) => {
    const r = await base('ip', ['netns', 'exec', ns, file, ...args], opts);
    if (r.exitCode !== 0 && /exec of "[^"]+" failed: No such file or directory/.test(r.stderr)) return { ...r, exitCode: null, failure: 'not-found' };
    return r;
  };
}

const namespaces: string[] = [];
function freshNetns(): string {
  const ns = `vigil-fw-${randomBytes(4).toString('hex')}`;
  sh('ip', ['netns', 'add', ns]);
  namespaces.push(ns);
  return ns;
}
afterEach(() => {
  for (const ns of namespaces.splice(0)) sh('ip', ['netns', 'delete', ns]);
});

async function collectIn(ns: string | null) {
  const run = ns ? inNetns(ns) : createRunner();
  const c = await check.collect({ run, files: nodeFiles, now: () => Date.now() });
  const facts = c.facts as FirewallFacts;
  return { c, facts, b: (name: string) => facts.backends.find((x) => x.name === name)! };
}

describe('firewall collect on this machine (real commands)', () => {
  it('the host: facts match the schema, the nft rule count matches nft itself, and the verdict follows the facts', async () => {
    const { c, facts, b } = await collectIn(null);
    expect(schemaErrors('firewall', facts)).toEqual([]);
    expect(facts.backends.map((x) => x.name)).toEqual(['nftables', 'iptables', 'ufw', 'firewalld']);
    const items = (JSON.parse(sh('nft', ['-j', 'list', 'ruleset'])) as { nftables: Record<string, unknown>[] }).nftables;
    expect(b('nftables').rules).toBe(items.filter((i) => 'rule' in i).length);
    const denying = facts.backends.some((x) => x.active === true && x.inboundDefault === 'deny');
    expect(verdictOf('firewall', c).status === 'pass').toBe(denying);
  });

  it('nftables input chain with policy drop in a fresh namespace: deny, pass, while iptables there shows nothing', async () => {
    const ns = freshNetns();
    sh('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], [
      'table inet filter {',
      '  chain input {',
      '    type filter hook input priority filter; policy drop;',
      '    iif "lo" accept',
      '    ct state established,related accept',
      '    tcp dport 22 accept',
      '  }',
      '}',
    ].join('\n'));
    const { c, b } = await collectIn(ns);
    expect(b('nftables')).toMatchObject({ active: true, inboundDefault: 'deny', rules: 3 });
    expect(b('iptables')).toMatchObject({ active: false });
    expect(c.evidence.find((e) => e.source.endsWith('nft -j list ruleset'))?.exitCode).toBe(0);
    expect(verdictOf('firewall', c).status).toBe('pass');
  });

  it('iptables INPUT policy ACCEPT with only a loopback rule: active but allows inbound, fail', async () => {
    const ns = freshNetns();
    sh('ip', ['netns', 'exec', ns, 'iptables', '-P', 'INPUT', 'ACCEPT']);
    sh('ip', ['netns', 'exec', ns, 'iptables', '-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT']);
    const { c, b } = await collectIn(ns);
    expect(b('iptables')).toMatchObject({ active: true, inboundDefault: 'allow', rules: 1 });
    // iptables-nft put the rule into an nftables "ip filter" table, which nft sees too.
    expect(b('nftables')).toMatchObject({ active: true, inboundDefault: 'allow' });
    expect(verdictOf('firewall', c).status).toBe('fail');
  });

  it('iptables INPUT DROP for IPv4 only leaves IPv6 open; adding ip6tables DROP makes it deny', async () => {
    const ns = freshNetns();
    sh('ip', ['netns', 'exec', ns, 'iptables', '-P', 'INPUT', 'DROP']);
    const v4 = await collectIn(ns);
    const v6On = (await nodeFiles.exists('/proc/net/if_inet6')) && (await nodeFiles.readText('/proc/sys/net/ipv6/conf/all/disable_ipv6'))?.trim() !== '1';
    expect(v4.b('iptables')).toMatchObject({ active: true, inboundDefault: v6On ? 'allow' : 'deny' });
    sh('ip', ['netns', 'exec', ns, 'ip6tables', '-P', 'INPUT', 'DROP']);
    const both = await collectIn(ns);
    expect(both.b('iptables')).toMatchObject({ active: true, inboundDefault: 'deny' });
    expect(verdictOf('firewall', both.c).status).toBe('pass');
  });

  it('ufw enabled inside a namespace: its rules load there, the collector sees them and passes; disabled: fail', async () => {
    // ufw also records ENABLED= in /etc/ufw/ufw.conf, which the namespace shares with the host: restore it.
    const conf = readFileSync('/etc/ufw/ufw.conf', 'utf8');
    const ns = freshNetns();
    try {
      sh('ip', ['netns', 'exec', ns, 'ufw', '--force', 'enable']);
      const on = await collectIn(ns);
      expect(on.b('ufw')).toMatchObject({ active: true, inboundDefault: 'deny' });
      expect(on.b('iptables')).toMatchObject({ active: true, inboundDefault: 'deny' });
      expect(verdictOf('firewall', on.c).status).toBe('pass');

      sh('ip', ['netns', 'exec', ns, 'ufw', '--force', 'disable']);
      const off = await collectIn(ns);
      expect(off.b('ufw')).toMatchObject({ active: false });
      expect(off.c.evidence.map((e) => e.source)).not.toContain(`ip netns exec ${ns} ufw status verbose`);
      // ufw leaves its (now empty) chains hooked into INPUT with policy ACCEPT: filtering, but nothing denied.
      expect(off.b('iptables')).toMatchObject({ active: true, inboundDefault: 'allow' });
      expect(verdictOf('firewall', off.c).status).toBe('fail');
    } finally {
      writeFileSync('/etc/ufw/ufw.conf', conf);
    }
  });
});
