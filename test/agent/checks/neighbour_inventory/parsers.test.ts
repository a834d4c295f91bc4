// Neighbour inventory: parsers on recorded (Linux) and constructed (Windows, macOS, DHCP leases) inputs,
// collect() per platform on replayed commands, and properties under hostile input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normMac, toFacts } from '../../../../agent/checks/neighbour_inventory/neighbours.js';
import { parseIpNeighJson, parseProcNetArp } from '../../../../agent/checks/neighbour_inventory/parse-ip-neigh.js';
import { parseDnsmasqLeases, parseIscLeases } from '../../../../agent/checks/neighbour_inventory/parse-leases.js';
import { parseArpA, winNeighbours } from '../../../../agent/checks/neighbour_inventory/parse-win-neighbor.js';
import { parseArpAn } from '../../../../agent/checks/neighbour_inventory/parse-arp.js';
import linux, { IP_NEIGH_ARGV } from '../../../../agent/checks/neighbour_inventory/linux.js';
import windows, { ARP_ARGV as WIN_ARP_ARGV, NEIGHBOR_ARGV } from '../../../../agent/checks/neighbour_inventory/windows.js';
import darwin, { ARP_ARGV } from '../../../../agent/checks/neighbour_inventory/darwin.js';
import { evaluateResult } from '../../../../protocol/checks/index.js';
import type { CollectDeps } from '../../../../agent/checks/types.js';
import type { CommandResult } from '../../../../agent/runner.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, notFound, ok, schemaErrors } from '../fakes.js';
import { winDeps, winFixture } from '../fakes-win32.js';
import { macFixture } from '../fakes-darwin.js';

const ctx = { collectedAt: '2026-12-04T12:00:00Z', role: 'gateway' };
const verdict = (facts: unknown, reason?: string) => evaluateResult({ id: 'neighbour_inventory', status: 'unknown', facts, reason }, undefined, ctx);

describe('MAC addresses', () => {
  it('normalises every tool\'s spelling and drops addresses that are not a device\'s own', () => {
    expect(normMac('00-1B-63-AA-BB-CC')).toBe('00:1b:63:aa:bb:cc');
    expect(normMac('0:9:2:12:34:56')).toBe('00:09:02:12:34:56');
    expect(normMac('0009.0212.3456')).toBe('00:09:02:12:34:56');
    expect(normMac('ff:ff:ff:ff:ff:ff')).toBeNull();
    expect(normMac('01:00:5e:00:00:16')).toBeNull();
    expect(normMac('00:00:00:00:00:00')).toBeNull();
    expect(normMac('00:09:02:12:34')).toBeNull();
    expect(normMac('<script>')).toBeNull();
  });
});

describe('Linux', () => {
  it('ip -j neigh (recorded: veth pair with static entries): complete entries only, IPv4 and IPv6', () => {
    const raw = parseIpNeighJson(fixture('ip-j-neigh/netns-veth-static-entries.txt'))!;
    expect(raw).toHaveLength(5);
    const f = toFacts('ip -j neigh', raw, [], []);
    expect(f.neighbours).toEqual([
      { ip: '10.20.0.11', mac: '00:09:02:12:34:56', state: 'permanent', interface: 'gw0', seenIn: 'neighbours' },
      { ip: '10.20.0.12', mac: '00:1b:63:aa:bb:cc', state: 'stale', interface: 'gw0', seenIn: 'neighbours' },
      { ip: 'fd00:20::15', mac: '00:80:64:0a:0b:0c', state: 'permanent', interface: 'gw0', seenIn: 'neighbours' },
      { ip: '10.20.0.13', mac: '08:00:37:01:02:03', state: 'reachable', interface: 'gw0', seenIn: 'neighbours' },
    ]);
    expect(schemaErrors('neighbour_inventory', f)).toEqual([]);
  });

  it('"[]" is an empty table; blank output or other JSON is no answer', () => {
    expect(parseIpNeighJson('[]\n')).toEqual([]);
    expect(parseIpNeighJson('')).toBeNull();
    expect(parseIpNeighJson('{"dst":"x"}')).toBeNull();
    expect(parseIpNeighJson('[{"lladdr":"00:09:02:12:34:56"}]')).toBeNull();
  });

  it('/proc/net/arp fallback: complete entries, permanent flag', () => {
    const text = 'IP address       HW type     Flags       HW address            Mask     Device\n10.20.0.11       0x1         0x6         00:09:02:12:34:56     *        gw0\n10.20.0.14       0x1         0x0         00:00:00:00:00:00     *        gw0\n10.20.0.12       0x1         0x2         00:1b:63:aa:bb:cc     *        gw0\n';
    expect(parseProcNetArp(text)).toEqual([
      { ip: '10.20.0.11', mac: '00:09:02:12:34:56', state: 'permanent', interface: 'gw0' },
      { ip: '10.20.0.12', mac: '00:1b:63:aa:bb:cc', state: 'reachable', interface: 'gw0' },
    ]);
    expect(parseProcNetArp('garbage')).toBeNull();
  });

  it('dnsmasq leases: IPv4 leases with host names, IPv6 (no MAC) skipped', () => {
    expect(parseDnsmasqLeases(fixture('dnsmasq-leases/constructed-three-leases.txt'))).toEqual([
      { mac: '00:09:02:12:34:56', ip: '10.20.0.11', hostname: 'pump-icu-3' },
      { mac: '08:00:37:01:02:03', ip: '10.20.0.13', hostname: null },
      { mac: '00:1b:63:aa:bb:dd', ip: '10.20.0.21', hostname: 'monitor-bed-7' },
    ]);
    expect(parseDnsmasqLeases('not a lease file\n')).toBeNull();
  });

  it('ISC dhcpd leases: the last block per address wins, freed leases are gone', () => {
    expect(parseIscLeases(fixture('dhcpd-leases/constructed-renewed-and-freed.txt'))).toEqual([{ ip: '10.20.0.11', mac: '00:09:02:12:34:56', hostname: 'pump-icu-3' }]);
    expect(parseIscLeases('lease garbage')).toBeNull();
  });

  it('collect merges the neighbour table with the leases file: both, lease-only and table-only entries', async () => {
    const run = fakeRunner({ [IP_NEIGH_ARGV.join(' ')]: ok(fixture('ip-j-neigh/netns-veth-static-entries.txt')) });
    const c = await linux.collect(fakeDeps(run, fakeFiles({ '/var/lib/misc/dnsmasq.leases': fixture('dnsmasq-leases/constructed-three-leases.txt') })));
    expect(schemaErrors('neighbour_inventory', c.facts)).toEqual([]);
    const f = c.facts!;
    expect(f.leases).toEqual([{ path: '/var/lib/misc/dnsmasq.leases', format: 'dnsmasq', entries: 3 }]);
    expect(f.neighbours.find((n) => n.ip === '10.20.0.11')).toMatchObject({ seenIn: 'both', hostname: 'pump-icu-3', state: 'permanent' });
    expect(f.neighbours.find((n) => n.ip === '10.20.0.21')).toMatchObject({ seenIn: 'lease', state: 'lease', interface: null, hostname: 'monitor-bed-7' });
    expect(f.neighbours.find((n) => n.ip === '10.20.0.12')).toMatchObject({ seenIn: 'neighbours' });
    expect(verdict(f)).toEqual({ status: 'pass', reason: '5 device(s) seen' });
  });

  it('ip missing and /proc/net/arp unreadable: no facts, unknown', async () => {
    const c = await linux.collect(fakeDeps(fakeRunner({ ip: notFound }), fakeFiles({})));
    expect(c.facts).toBeNull();
    expect(verdict(c.facts, c.reason)).toEqual({ status: 'unknown', reason: c.reason });
    expect(c.reason).toMatch(/\/proc\/net\/arp could not be read/);
  });
});

describe('Windows (constructed from the documented formats)', () => {
  it('Get-NetNeighbor: numeric and named states, unreachable, broadcast and multicast entries dropped', async () => {
    const { deps } = winDeps([[NEIGHBOR_ARGV, ok(winFixture('get-netneighbor/constructed-probes-ipv4-ipv6.txt'))]]);
    const c = await windows.collect(deps);
    expect(schemaErrors('neighbour_inventory', c.facts)).toEqual([]);
    expect(c.facts!.neighbours.map((n) => `${n.ip} ${n.mac} ${n.state} ${n.interface}`)).toEqual([
      '10.20.0.11 00:09:02:12:34:56 reachable Devices',
      '10.20.0.12 00:1b:63:aa:bb:cc stale Devices',
      'fe80::280:64ff:fe0a:b0c%12 00:80:64:0a:0b:0c stale Devices',
    ]);
  });

  it('arp -a fallback with interfaces', async () => {
    expect(parseArpA(winFixture('arp-a/constructed-two-interfaces.txt'))!.map((n) => `${n.interface} ${n.ip}`)).toEqual(['10.20.0.1 10.20.0.11', '10.20.0.1 10.20.0.12', '10.20.0.1 10.20.0.255', '10.20.0.1 224.0.0.22', '192.168.10.5 192.168.10.1']);
    const { deps } = winDeps([
      [NEIGHBOR_ARGV, exit(1, '', 'Get-NetNeighbor : The term is not recognized')],
      [WIN_ARP_ARGV, ok(winFixture('arp-a/constructed-two-interfaces.txt'))],
    ]);
    const c = await windows.collect(deps);
    expect(c.facts).toMatchObject({ source: 'arp -a' });
    expect(c.facts!.neighbours.map((n) => n.mac)).toEqual(['00:09:02:12:34:56', '00:1b:63:aa:bb:cc', '3c:52:82:01:02:03']);
    expect(winNeighbours('text')).toBeNull();
    expect(winNeighbours([{ LinkLayerAddress: 'x' }])).toBeNull();
  });
});

describe('macOS (constructed from the documented format)', () => {
  it('arp -an: octets padded, incomplete/broadcast/multicast dropped, permanent kept', async () => {
    const c = await darwin.collect(fakeDeps(fakeRunner({ [ARP_ARGV.join(' ')]: ok(macFixture('arp-an/constructed-static-and-dynamic.txt')) }), fakeFiles({})));
    expect(c.facts!.neighbours).toEqual([
      { ip: '10.20.0.11', mac: '00:09:02:12:34:56', state: 'dynamic', interface: 'en0', seenIn: 'neighbours' },
      { ip: '10.20.0.1', mac: '00:1c:42:00:00:18', state: 'permanent', interface: 'en0', seenIn: 'neighbours' },
    ]);
    expect(parseArpAn('arp: cannot open routing socket')).toBeNull();
  });
});

describe('properties', () => {
  const garbage = fc.oneof(fc.string({ maxLength: 600 }), fc.string({ unit: 'binary', maxLength: 600 }));
  const lines = [
    ...fixture('ip-j-neigh/netns-veth-static-entries.txt').split(','),
    ...fixture('dhcpd-leases/constructed-renewed-and-freed.txt').split('\n'),
    ...fixture('dnsmasq-leases/constructed-three-leases.txt').split('\n'),
    ...winFixture('arp-a/constructed-two-interfaces.txt').split('\r\n'),
    ...macFixture('arp-an/constructed-static-and-dynamic.txt').split('\n'),
  ];
  const shuffled = fc.array(fc.oneof(fc.constantFrom(...lines), fc.string({ maxLength: 80 })), { maxLength: 40 }).map((a) => a.join('\n'));
  const parsers: Record<string, (t: string) => unknown> = {
    ipNeigh: (t) => { const r = parseIpNeighJson(t); return r && toFacts('x', r, [], []); },
    procArp: (t) => { const r = parseProcNetArp(t); return r && toFacts('x', r, [], []); },
    dnsmasq: (t) => { const r = parseDnsmasqLeases(t); return r && toFacts('x', [], r, []); },
    isc: (t) => { const r = parseIscLeases(t); return r && toFacts('x', [], r, []); },
    arpA: (t) => { const r = parseArpA(t); return r && toFacts('x', r, [], []); },
    arpAn: (t) => { const r = parseArpAn(t); return r && toFacts('x', r, [], []); },
  };
  it.each(Object.keys(parsers))('%s never throws; its facts fit the schema (bounded, device strings normalised)', (name) => {
    fc.assert(
      fc.property(fc.oneof(garbage, shuffled), (t) => {
        const f = parsers[name]!(t);
        if (f) expect(schemaErrors('neighbour_inventory', f)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('thousands of entries are bounded and marked truncated', () => {
    const raw = Array.from({ length: 5000 }, (_, i) => ({ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, mac: `02:00:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, state: 'stale', interface: 'gw0' }));
    const f = toFacts('x', raw, [], []);
    expect(f.neighbours).toHaveLength(2048);
    expect(f.truncated).toBe(true);
    expect(schemaErrors('neighbour_inventory', f)).toEqual([]);
    expect(verdict(f).reason).toMatch(/more than 2048/);
  });

  function machine(text: string): CollectDeps {
    return {
      now: () => 0,
      run: async (file, args): Promise<CommandResult> => ({ source: [file, ...args].join(' '), stdout: text, stderr: '', exitCode: 0, durationMs: 1 }),
      files: { readText: async () => text, mtimeMs: async () => 0, exists: async () => false },
    };
  }
  it.each([['linux', linux], ['windows', windows], ['darwin', darwin]] as const)('%s: a machine answering random text never passes', async (_, check) => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400 }), async (t) => {
        const c = await check.collect(machine(t));
        expect(verdict(c.facts, c.reason).status, JSON.stringify(c.facts)).not.toBe('pass');
      }),
      { numRuns: 100 },
    );
  });
});
