import { describe, expect, it } from 'vitest';
import { parseFirewalldListAll, parseFirewalldState, zoneDeniesByDefault } from '../../../../agent/checks/firewall/parse-firewalld.js';
import { filtersInbound, inputOutcome, parseIptablesL, parseIptablesS, ruleCount } from '../../../../agent/checks/firewall/parse-iptables.js';
import { classifyTextRule, decideInbound, parseNftJson, parseNftText } from '../../../../agent/checks/firewall/parse-nft.js';
import { parseUfwStatus } from '../../../../agent/checks/firewall/parse-ufw.js';
import { fixture } from '../fakes.js';

describe('parseNftJson / parseNftText + decideInbound', () => {
  it('empty ruleset (this machine): nothing filters input', () => {
    const rs = parseNftJson(fixture('nft-list-ruleset/debian12-empty-json.txt'))!;
    expect(rs).toEqual({ tables: 0, chains: [] });
    expect(decideInbound(rs, true)).toMatchObject({ filtersInbound: false, inbound: 'allow' });
  });

  it('inet input chain with policy drop denies both families, in JSON and in text', () => {
    for (const rs of [parseNftJson(fixture('nft-list-ruleset/debian12-netns-inet-policy-drop-json.txt'))!, parseNftText(fixture('nft-list-ruleset/debian12-netns-inet-policy-drop-text.txt'))!]) {
      const input = rs.chains.find((c) => c.hook === 'input')!;
      expect(input).toMatchObject({ family: 'inet', table: 'filter', name: 'input', type: 'filter', policy: 'drop' });
      expect(input.rules).toHaveLength(3);
      expect(input.rules.every((r) => r.verdict === 'accept' && !r.unconditional)).toBe(true);
      expect(rs.chains.map((c) => c.hook)).toEqual(['input', 'forward', 'output']);
      expect(decideInbound(rs, true)).toMatchObject({ filtersInbound: true, inbound: 'deny' });
    }
  });

  it('policy accept with a final unconditional "counter reject" denies (firewalld shape); the named set is skipped', () => {
    for (const rs of [parseNftJson(fixture('nft-list-ruleset/debian12-netns-final-reject-json.txt'))!, parseNftText(fixture('nft-list-ruleset/debian12-netns-final-reject-text.txt'))!]) {
      const input = rs.chains.find((c) => c.hook === 'input')!;
      expect(input.policy).toBe('accept');
      expect(input.rules.at(-1)).toEqual({ verdict: 'reject', unconditional: true });
      expect(input.rules).toHaveLength(4);
      expect(decideInbound(rs, true).inbound).toBe('deny');
    }
  });

  it('an ip-only table leaves IPv6 open unless the host has no IPv6', () => {
    const rs = parseNftJson(fixture('nft-list-ruleset/debian12-netns-ip-only-drop-json.txt'))!;
    expect(decideInbound(rs, true)).toMatchObject({ inbound: 'allow' });
    expect(decideInbound(rs, true).detail).toContain('IPv6');
    expect(decideInbound(rs, false).inbound).toBe('deny');
  });

  it('iptables-nft tables as nft sees them: xt matches are conditions, drop policies in ip and ip6 deny', () => {
    const json = parseNftJson(fixture('nft-list-ruleset/debian12-netns-iptables-nft-drop-json.txt'))!;
    expect(json.chains.map((c) => `${c.family}/${c.name}/${c.policy}`)).toEqual(['ip/INPUT/drop', 'ip6/INPUT/drop']);
    expect(json.chains[0]!.rules).toEqual([{ verdict: 'accept', unconditional: false }, { verdict: 'accept', unconditional: false }]);
    expect(decideInbound(json, true).inbound).toBe('deny');
    // The text form starts with a "# Warning: ... managed by iptables-nft" comment line.
    expect(decideInbound(parseNftText(fixture('nft-list-ruleset/debian12-netns-iptables-nft-drop-text.txt'))!, true).inbound).toBe('deny');
  });

  it('loopback-only accept rules with policy accept allow inbound (kolide capture)', () => {
    const rs = parseNftJson(fixture('nft-list-ruleset/json-jat-ip-filter-accept.txt'))!;
    expect(rs.tables).toBe(1);
    expect(rs.chains.find((c) => c.name === 'INPUT')?.rules).toEqual([{ verdict: 'accept', unconditional: false }]);
    expect(decideInbound(rs, false)).toMatchObject({ filtersInbound: true, inbound: 'allow' });
  });

  it('text chain with a jump and policy accept allows (inspec capture)', () => {
    const rs = parseNftText(fixture('nft-list-ruleset/text-inet-filter-input-chain.txt'))!;
    expect(rs.chains[0]).toMatchObject({ family: 'inet', name: 'INPUT', hook: 'input', policy: 'accept' });
    expect(rs.chains[0]!.rules).toEqual([{ verdict: 'accept', unconditional: false }, { verdict: 'jump', unconditional: true }]);
    expect(decideInbound(rs, true).inbound).toBe('allow');
  });

  it('an unconditional accept before the policy drop lets everything in', () => {
    expect(classifyTextRule('counter packets 5 bytes 300 accept')).toEqual({ verdict: 'accept', unconditional: true });
    expect(classifyTextRule('log prefix "in: " drop comment "catch all"')).toEqual({ verdict: 'drop', unconditional: true });
    expect(classifyTextRule('tcp dport 22 accept')).toEqual({ verdict: 'accept', unconditional: false });
    const rs = parseNftText('table inet f {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\taccept\n\t}\n}\n')!;
    expect(decideInbound(rs, true).inbound).toBe('allow');
  });

  it('returns null for errors, blank, truncated and garbage', () => {
    const full = fixture('nft-list-ruleset/debian12-netns-inet-policy-drop-json.txt');
    expect(parseNftJson(fixture('nft-list-ruleset/debian12-nonroot.stderr.txt'))).toBeNull();
    expect(parseNftJson('')).toBeNull();
    expect(parseNftJson(full.slice(0, 200))).toBeNull();
    expect(parseNftJson('{"nftables": "x"}')).toBeNull();
    expect(parseNftText('')).toBeNull();
    expect(parseNftText('Error: syntax error')).toBeNull();
  });
});

describe('parseIptablesS', () => {
  it('INPUT policy DROP with conditional accepts denies (inspec captures, IPv4 and IPv6)', () => {
    for (const f of ['iptables-S/default-drop-ssh-http-comment.txt', 'iptables-S/ip6tables-default-drop.txt']) {
      const r = parseIptablesS(fixture(f))!;
      expect(r.policies.get('INPUT')).toBe('DROP');
      expect(r.rules.get('INPUT')).toHaveLength(3);
      expect(r.rules.get('INPUT')![2]).toContain('--comment');
      expect(inputOutcome(r)).toBe('deny');
      expect(ruleCount(r)).toBe(3);
    }
  });

  it('this machine: empty ACCEPT chains do not filter at all', () => {
    const r = parseIptablesS(fixture('iptables-S/debian12-empty-accept.txt'))!;
    expect(filtersInbound(r)).toBe(false);
    expect(inputOutcome(r)).toBe('allow');
  });

  it('loopback-only accept with policy ACCEPT filters but allows inbound', () => {
    const r = parseIptablesS(fixture('iptables-S/debian12-netns-accept-lo-only.txt'))!;
    expect(r.rules.get('INPUT')).toEqual(['-i lo -j ACCEPT']);
    expect(filtersInbound(r)).toBe(true);
    expect(inputOutcome(r)).toBe('allow');
  });

  it('a final unconditional -j DROP/REJECT denies; an unconditional -j ACCEPT first allows', () => {
    expect(inputOutcome(parseIptablesS('-P INPUT ACCEPT\n-A INPUT -i lo -j ACCEPT\n-A INPUT -j REJECT --reject-with icmp-host-prohibited\n')!)).toBe('deny');
    expect(inputOutcome(parseIptablesS('-P INPUT DROP\n-A INPUT -m comment --comment "open" -j ACCEPT\n')!)).toBe('allow');
    expect(inputOutcome(parseIptablesS('-P INPUT DROP\n-N ufw-before-input\n-A INPUT -j ufw-before-input\n')!)).toBe('deny');
  });

  it('this machine, fresh namespaces: INPUT DROP with loopback and established accepts denies, for IPv4 and IPv6', () => {
    const v4 = parseIptablesS(fixture('iptables-S/debian12-netns-input-drop.txt'))!;
    expect(v4.policies.get('INPUT')).toBe('DROP');
    expect(v4.rules.get('INPUT')).toEqual(['-i lo -j ACCEPT', '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT']);
    expect(inputOutcome(v4)).toBe('deny');
    const v6 = parseIptablesS(fixture('iptables-S/debian12-netns-ip6tables-input-drop.txt'))!;
    expect([v6.policies.get('INPUT'), ruleCount(v6), inputOutcome(v6)]).toEqual(['DROP', 0, 'deny']);
  });

  it('ufw enabled in a namespace: its chains (ufw-user-input among them) and INPUT DROP; disabled: user chains gone, ACCEPT', () => {
    const on = parseIptablesS(fixture('iptables-S/debian12-netns-ufw-enabled.txt'))!;
    expect(on.rules.has('ufw-user-input')).toBe(true);
    expect(on.policies.get('INPUT')).toBe('DROP');
    expect(inputOutcome(on)).toBe('deny');
    const off = parseIptablesS(fixture('iptables-S/debian12-netns-ufw-disabled.txt'))!;
    expect(off.rules.has('ufw-user-input')).toBe(false);
    expect(off.rules.has('ufw-before-input')).toBe(true);
    expect(inputOutcome(off)).toBe('allow');
  });

  it('returns null for permission errors, blank and garbage', () => {
    expect(parseIptablesS(fixture('iptables-S/debian12-nonroot.stderr.txt'))).toBeNull();
    expect(parseIptablesS('')).toBeNull();
    expect(parseIptablesS('Chain INPUT (policy ACCEPT)')).toBeNull();
  });
});

describe('parseIptablesL', () => {
  it.each(['iptables-L/empty-all-accept-trailing-spaces.txt', 'iptables-L/empty-all-accept-ubuntu-2005-forum.txt'])('%s: three empty ACCEPT chains do not filter', (f) => {
    const r = parseIptablesL(fixture(f))!;
    expect([...r.policies]).toEqual([['INPUT', 'ACCEPT'], ['FORWARD', 'ACCEPT'], ['OUTPUT', 'ACCEPT']]);
    expect(ruleCount(r)).toBe(0);
    expect(filtersInbound(r)).toBe(false);
  });

  it('verbose listing from a namespace: the loopback accept is conditional (interface lo), so policy DROP decides', () => {
    const r = parseIptablesL(fixture('iptables-L/debian12-netns-verbose-input-drop.txt'))!;
    expect(r.policies.get('INPUT')).toBe('DROP');
    expect(r.rules.get('INPUT')).toHaveLength(2);
    expect(r.rules.get('INPUT')!.every((x) => x.startsWith('-m listed'))).toBe(true);
    expect(inputOutcome(r)).toBe('deny');
    // Same set plus an "ACCEPT 0 -- * * 0.0.0.0/0 0.0.0.0/0" row: everything is let in.
    const open = parseIptablesL(fixture('iptables-L/debian12-netns-verbose-final-accept.txt'))!;
    expect(open.rules.get('INPUT')!.at(-1)).toBe('-j ACCEPT');
    expect(inputOutcome(open)).toBe('allow');
  });

  it('without -v a DROP row could be limited to one interface, so it is not taken as final; an ACCEPT-everything row is', () => {
    const text = 'Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\nDROP       all  --  anywhere             anywhere\n';
    expect(inputOutcome(parseIptablesL(text)!)).toBe('allow');
    const accept = 'Chain INPUT (policy DROP)\ntarget     prot opt source               destination\nACCEPT     all  --  anywhere             anywhere\n';
    expect(inputOutcome(parseIptablesL(accept)!)).toBe('allow');
  });

  it('returns null for blank, -S output and garbage', () => {
    expect(parseIptablesL('')).toBeNull();
    expect(parseIptablesL(fixture('iptables-S/debian12-empty-accept.txt'))).toBeNull();
    expect(parseIptablesL('iptables v1.8.9 (nf_tables): unknown option "-L"')).toBeNull();
  });
});

describe('parseUfwStatus', () => {
  it.each([
    ['ufw-status-verbose/debian12-netns-enabled.txt', { active: true, defaultIncoming: 'deny', rules: 0 }],
    ['ufw-status-verbose/debian12-netns-disabled.txt', { active: false, defaultIncoming: null, rules: 0 }],
    ['ufw-status-verbose/active-no-rules-fresh-enable.txt', { active: true, defaultIncoming: 'deny', rules: 0 }],
    ['ufw-status-verbose/active-ssh-allow-http-deny.txt', { active: true, defaultIncoming: 'deny', rules: 4 }],
    ['ufw-status-verbose/active-ssh-plus-multicast-from-subnets.txt', { active: true, defaultIncoming: 'deny', rules: 4 }],
    ['ufw-status-verbose/active-web-server-port-without-proto.txt', { active: true, defaultIncoming: 'deny', rules: 6 }],
    ['ufw-status/active-nonverbose-trailing-spaces.txt', { active: true, defaultIncoming: null, rules: 3 }],
    ['ufw-status-verbose/debian12-inactive.txt', { active: false, defaultIncoming: null, rules: 0 }],
  ])('%s', (f, expected) => {
    expect(parseUfwStatus(fixture(f))).toEqual(expected);
  });
  it('returns null for the not-root error, blank and garbage', () => {
    expect(parseUfwStatus(fixture('ufw-status-verbose/debian12-nonroot.stderr.txt'))).toBeNull();
    expect(parseUfwStatus('')).toBeNull();
    expect(parseUfwStatus('Status: maybe')).toBeNull();
  });
});

describe('firewalld', () => {
  it('reads --state', () => {
    expect(parseFirewalldState(fixture('firewall-cmd-state/running.txt'))).toBe('running');
    expect(parseFirewalldState('not running\n')).toBe('not running');
    expect(parseFirewalldState('FirewallD is not running')).toBeNull();
  });
  // No firewalld capture exists in the fixture collection; the text follows firewall-cmd(1)'s --list-all layout.
  it('reads the default zone from --list-all', () => {
    const z = parseFirewalldListAll('public (active)\n  target: default\n  icmp-block-inversion: no\n  interfaces: eth0\n  services: dhcpv6-client ssh\n  ports: 8080/tcp\n')!;
    expect(z).toEqual({ zone: 'public', target: 'default', services: ['dhcpv6-client', 'ssh'], ports: ['8080/tcp'] });
    expect(zoneDeniesByDefault(z)).toBe(true);
    expect(zoneDeniesByDefault({ ...z, target: 'ACCEPT' })).toBe(false);
    expect(parseFirewalldListAll('')).toBeNull();
    expect(parseFirewalldListAll('Authorization failed.')).toBeNull();
  });
});
