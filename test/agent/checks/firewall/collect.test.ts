import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/firewall/linux.js';
import type { FirewallFacts } from '../../../../protocol/checks/firewall.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

const IPV6_ON = { '/proc/net/if_inet6': '00000000000000000000000000000001 01 80 10 80       lo\n', '/proc/sys/net/ipv6/conf/all/disable_ipv6': '0\n' };
const NFT_J = 'nft -j list ruleset';

// This build machine as recorded: empty nft ruleset, iptables-nft with empty ACCEPT chains, ufw installed but
// inactive, no firewalld.
const HOST: Record<string, Reply> = {
  [NFT_J]: ok(fixture('nft-list-ruleset/debian12-empty-json.txt')),
  'iptables -S': ok(fixture('iptables-S/debian12-empty-accept.txt')),
  'ip6tables -S': ok(fixture('iptables-S/debian12-empty-accept.txt')),
  'ufw status verbose': ok(fixture('ufw-status-verbose/debian12-inactive.txt')),
};

// Installed front ends (their programs exist); firewalld only where a test says so.
const UFW_INSTALLED = { '/usr/sbin/ufw': '' };
const FIREWALLD_INSTALLED = { '/usr/bin/firewall-cmd': '' };

async function collect(replies: Record<string, Reply>, files: Record<string, string> = { ...IPV6_ON, ...UFW_INSTALLED }) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files)));
  const facts = c.facts as FirewallFacts;
  return { c, facts, b: (name: string) => facts.backends.find((x) => x.name === name) };
}

describe('firewall collect (replayed)', () => {
  it('this build machine: every layer present is inactive, so no firewall is active', async () => {
    const { c, facts } = await collect(HOST);
    expect(facts.backends).toEqual([
      { name: 'nftables', active: false, inboundDefault: null, rules: 0, detail: '0 table(s), none filters the input hook' },
      { name: 'iptables', active: false, inboundDefault: null, rules: 0, detail: 'INPUT has no rules and policy ACCEPT' },
      { name: 'ufw', active: false, inboundDefault: null, rules: 0, detail: 'Status: inactive (no ufw chains loaded)' },
      { name: 'firewalld', active: false, inboundDefault: null, detail: 'firewall-cmd is not installed' },
    ]);
    // No ufw chains in iptables is exactly what `ufw status` calls inactive: the slow Python tool is not started.
    expect(c.evidence.map((e) => e.source)).toEqual([expect.stringContaining('/proc/net/if_inet6'), NFT_J, 'iptables -S', 'ip6tables -S']);
    expect(schemaErrors('firewall', facts)).toEqual([]);
    expect(verdictOf('firewall', c)).toEqual({ status: 'fail', reason: 'no host firewall is active' });
  });

  it('nftables with an input policy drop passes although iptables looks empty (the nftables-host trap)', async () => {
    const { c, b } = await collect({ ...HOST, [NFT_J]: ok(fixture('nft-list-ruleset/debian12-netns-inet-policy-drop-json.txt')) });
    expect(b('nftables')).toMatchObject({ active: true, inboundDefault: 'deny', rules: 3 });
    expect(b('iptables')).toMatchObject({ active: false });
    expect(verdictOf('firewall', c).status).toBe('pass');
  });

  it('falls back to text when nft has no JSON support', async () => {
    const { c, b } = await collect({
      ...HOST,
      [NFT_J]: exit(1, '', 'Error: JSON support not compiled-in\n'),
      'nft list ruleset': ok(fixture('nft-list-ruleset/debian12-netns-final-reject-text.txt')),
    });
    expect(b('nftables')).toMatchObject({ active: true, inboundDefault: 'deny', rules: 4 });
    expect(c.evidence.map((e) => e.source)).toContain('nft list ruleset');
  });

  it('an IPv4-only drop table allows inbound IPv6, unless IPv6 is off', async () => {
    const replies = { ...HOST, [NFT_J]: ok(fixture('nft-list-ruleset/debian12-netns-ip-only-drop-json.txt')) };
    const v6 = await collect(replies);
    expect(v6.b('nftables')).toMatchObject({ active: true, inboundDefault: 'allow' });
    expect(verdictOf('firewall', v6.c)).toEqual({ status: 'fail', reason: 'nftables is active but allows inbound traffic by default' });
    const noV6 = await collect(replies, {});
    expect(noV6.b('nftables')?.inboundDefault).toBe('deny');
    expect(noV6.c.evidence.map((e) => e.source)).not.toContain('ip6tables -S');
  });

  it('iptables with INPUT DROP for IPv4 and IPv6 passes; IPv4 DROP with IPv6 ACCEPT does not', async () => {
    const both = await collect({
      ...HOST,
      'iptables -S': ok(fixture('iptables-S/default-drop-ssh-http-comment.txt')),
      'ip6tables -S': ok(fixture('iptables-S/ip6tables-default-drop.txt')),
    });
    expect(both.b('iptables')).toEqual({ name: 'iptables', active: true, inboundDefault: 'deny', rules: 6, detail: 'INPUT denies by default for IPv4 and IPv6' });
    expect(verdictOf('firewall', both.c).status).toBe('pass');
    const v4only = await collect({ ...HOST, 'iptables -S': ok(fixture('iptables-S/default-drop-ssh-http-comment.txt')) });
    expect(v4only.b('iptables')).toMatchObject({ inboundDefault: 'allow', detail: 'IPv6 INPUT accepts by default' });
    expect(verdictOf('firewall', v4only.c).status).toBe('fail');
  });

  it('iptables denying for IPv4 with ip6tables unreadable is undecided, not pass', async () => {
    const { c, b } = await collect({ ...HOST, 'iptables -S': ok(fixture('iptables-S/default-drop-ssh-http-comment.txt')), 'ip6tables -S': timedOut });
    expect(b('iptables')).toMatchObject({ active: true, inboundDefault: null });
    expect(b('iptables')?.detail).toContain('timed out');
    expect(verdictOf('firewall', c).status).toBe('unknown');
  });

  it('ufw enabled in a namespace on this machine: its chains in iptables, ufw asked, default deny: pass', async () => {
    const { c, b } = await collect({
      ...HOST,
      'iptables -S': ok(fixture('iptables-S/debian12-netns-ufw-enabled.txt')),
      'ufw status verbose': ok(fixture('ufw-status-verbose/debian12-netns-enabled.txt')),
    });
    expect(b('ufw')).toEqual({ name: 'ufw', active: true, inboundDefault: 'deny', rules: 0, detail: 'default deny (incoming)' });
    expect(b('iptables')).toMatchObject({ active: true });
    expect(verdictOf('firewall', c).status).toBe('pass');
  });

  it('ufw disabled again: no ufw-user chains, so inactive without asking ufw; fail', async () => {
    const { c, b } = await collect({ ...HOST, 'iptables -S': ok(fixture('iptables-S/debian12-netns-ufw-disabled.txt')) });
    expect(b('ufw')).toMatchObject({ active: false });
    expect(c.evidence.map((e) => e.source)).not.toContain('ufw status verbose');
    expect(verdictOf('firewall', c).status).toBe('fail');
  });

  it('ufw not installed is reported absent without running it', async () => {
    const { c, b } = await collect(HOST, IPV6_ON);
    expect(b('ufw')).toEqual({ name: 'ufw', active: false, inboundDefault: null, detail: 'ufw is not installed' });
    expect(c.evidence.map((e) => e.source)).not.toContain('ufw status verbose');
  });

  it('iptables without -S support falls back to the verbose listing', async () => {
    const { c, b } = await collect({
      ...HOST,
      'iptables -S': exit(2, '', "iptables v1.4.0: unknown option `-S'\n"),
      'iptables -L -n -v': ok(fixture('iptables-L/debian12-netns-verbose-input-drop.txt')),
      'ip6tables -S': ok(fixture('iptables-S/debian12-netns-ip6tables-input-drop.txt')),
    });
    expect(c.evidence.map((e) => e.source)).toContain('iptables -L -n -v');
    expect(b('iptables')).toMatchObject({ active: true, inboundDefault: 'deny' });
  });

  it('ufw active with default deny (incoming) passes; plain status without the Default line is unknown', async () => {
    // Chains unknown to iptables (as without root): ufw itself is asked.
    const verbose = await collect({ ...HOST, 'iptables -S': exit(4, '', fixture('iptables-S/debian12-nonroot.stderr.txt')), 'ufw status verbose': ok(fixture('ufw-status-verbose/active-ssh-allow-http-deny.txt')) });
    expect(verbose.b('ufw')).toEqual({ name: 'ufw', active: true, inboundDefault: 'deny', rules: 4, detail: 'default deny (incoming)' });
    expect(verdictOf('firewall', verbose.c).status).toBe('pass');
    const plain = await collect({ ...HOST, 'iptables -S': ok(fixture('iptables-S/debian12-netns-ufw-enabled.txt')), 'ufw status verbose': ok(fixture('ufw-status/active-nonverbose-trailing-spaces.txt')) });
    expect(plain.b('ufw')).toMatchObject({ active: true, inboundDefault: null });
    expect(verdictOf('firewall', plain.c).status).toBe('unknown');
  });

  it('firewalld running with a rejecting default zone passes', async () => {
    const { c, b } = await collect(
      {
        ...HOST,
        'firewall-cmd --state': ok(fixture('firewall-cmd-state/running.txt')),
        'firewall-cmd --list-all': ok('public (active)\n  target: default\n  services: dhcpv6-client ssh\n  ports: \n'),
      },
      { ...IPV6_ON, ...UFW_INSTALLED, ...FIREWALLD_INSTALLED },
    );
    expect(b('firewalld')).toEqual({ name: 'firewalld', active: true, inboundDefault: 'deny', rules: 2, detail: 'default zone public, target default' });
    expect(verdictOf('firewall', c).status).toBe('pass');
  });

  it('firewalld not running (exit 252) is inactive', async () => {
    const { b } = await collect({ ...HOST, 'firewall-cmd --state': exit(252, 'not running\n') }, { ...IPV6_ON, ...FIREWALLD_INSTALLED });
    expect(b('firewalld')).toMatchObject({ active: false, detail: 'not running' });
  });

  it('as a normal user every ruleset read is refused: active unknown with "needs root", verdict unknown', async () => {
    const { c, facts } = await collect({
      [NFT_J]: exit(1, '', fixture('nft-list-ruleset/debian12-nonroot.stderr.txt')),
      'iptables -S': exit(4, '', fixture('iptables-S/debian12-nonroot.stderr.txt')),
      'ufw status verbose': exit(1, '', fixture('ufw-status-verbose/debian12-nonroot.stderr.txt')),
    });
    for (const name of ['nftables', 'iptables', 'ufw']) {
      const b = facts.backends.find((x) => x.name === name)!;
      expect(b.active).toBeNull();
      expect(b.detail).toMatch(/: needs root \(/);
    }
    expect(verdictOf('firewall', c).status).toBe('unknown');
  });

  it('a timed-out or garbage nft answer is unknown, never pass', async () => {
    const t = await collect({ ...HOST, [NFT_J]: timedOut });
    expect(t.b('nftables')).toMatchObject({ active: null });
    expect(t.b('nftables')?.detail).toContain('timed out');
    expect(verdictOf('firewall', t.c).status).toBe('unknown');
    const garbage = ok('\u0000\u0001 not a ruleset {{{');
    const g = await collect({ ...HOST, [NFT_J]: garbage, 'nft list ruleset': garbage });
    expect(g.b('nftables')).toMatchObject({ active: null });
    expect(g.b('nftables')?.detail).toContain('could not be parsed');
    expect(verdictOf('firewall', g.c).status).not.toBe('pass');
  });

  it('with neither nft nor iptables installed the kernel filter is reported unreadable', async () => {
    const { c, b } = await collect({ nft: notFound, iptables: notFound, 'ufw status verbose': ok(fixture('ufw-status-verbose/debian12-inactive.txt')) });
    expect(b('nftables')).toMatchObject({ active: null });
    expect(b('iptables')).toMatchObject({ active: false, detail: 'iptables is not installed' });
    expect(verdictOf('firewall', c).status).toBe('unknown');
  });
});
