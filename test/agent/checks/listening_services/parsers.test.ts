// Listening services: the parsers on recorded (Linux) and constructed (Windows, macOS) outputs, each
// platform's collect() on replayed commands, the evaluation rules of the gateway pack, and properties
// under hostile input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSs } from '../../../../agent/checks/listening_services/parse-ss.js';
import { parseProcNet } from '../../../../agent/checks/listening_services/parse-proc-net.js';
import { parseNetstatAno, winListeners } from '../../../../agent/checks/listening_services/parse-win-listeners.js';
import { parseLsof, parseNetstatAnv } from '../../../../agent/checks/listening_services/parse-lsof.js';
import { splitAddress, toFacts } from '../../../../agent/checks/listening_services/listeners.js';
import linux, { SS_ARGV } from '../../../../agent/checks/listening_services/linux.js';
import windows, { LISTEN_ARGV, NETSTAT_ARGV } from '../../../../agent/checks/listening_services/windows.js';
import darwin, { LSOF_ARGV, NETSTAT_ARGV as MAC_NETSTAT_ARGV } from '../../../../agent/checks/listening_services/darwin.js';
import { listeningServices, type ListeningServicesFacts, type ListeningServicesParams, type Listener } from '../../../../protocol/checks/listening-services.js';
import { evaluateResult } from '../../../../protocol/checks/index.js';
import { DEFAULT_POLICY } from '../../../../protocol/policy.js';
import type { CollectDeps } from '../../../../agent/checks/types.js';
import type { CommandResult } from '../../../../agent/runner.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, notFound, ok, schemaErrors } from '../fakes.js';
import { winDeps, winFixture } from '../fakes-win32.js';
import { macFixture } from '../fakes-darwin.js';

const GATEWAY = DEFAULT_POLICY.roles.gateway!.listening_services!.params as ListeningServicesParams;
const WORKSTATION = DEFAULT_POLICY.roles.workstation!.listening_services!.params as ListeningServicesParams;
const ctx = { collectedAt: '2026-12-04T12:00:00Z', role: 'gateway' };
const L = (protocol: 'tcp' | 'udp', address: string, port: number, process: string | null = null): Listener => ({ protocol, address, port, process, pid: null });
const facts = (listeners: Listener[], extra: Partial<ListeningServicesFacts> = {}): ListeningServicesFacts => ({ source: 'ss', listeners, udpListed: true, ...extra });
const gw = (f: ListeningServicesFacts, params: Partial<ListeningServicesParams> = {}) => listeningServices.evaluate(f, { ...GATEWAY, ...params }, ctx);

describe('ss -tulpn (recorded in a network namespace)', () => {
  it('reads TCP listeners and bound UDP sockets with their processes and normalised addresses', () => {
    const t = parseSs(fixture('ss-tulpn/netns-telnet-any-cups-loopback-udp.txt'))!;
    expect(t.listeners.map((l) => [l.protocol, l.address, l.port, l.process])).toEqual([
      ['udp', '127.0.0.53', 53, 'python3'],
      ['udp', '*', 5353, 'python3'],
      ['tcp', '0.0.0.0', 23, 'python3'],
      ['tcp', '::1', 631, 'python3'],
    ]);
    expect(t.listeners.every((l) => typeof l.pid === 'number')).toBe(true);
    expect(t.processesKnown).toBe(true);
  });

  it('a header alone is an empty table; blank output, a usage message or garbage are not ss output', () => {
    expect(parseSs('Netid State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n')).toEqual({ listeners: [], processesKnown: true });
    expect(parseSs('')).toBeNull();
    expect(parseSs('Usage: ss [ OPTIONS ]\n')).toBeNull();
    expect(parseSs('Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\nsome garbage line\n')).toBeNull();
  });

  it('without root the process column is missing: process null', () => {
    const t = parseSs('Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\ntcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\ntcp LISTEN 0 128 [fe80::1%eth0]:8443 [::]:*\n')!;
    expect(t.listeners).toEqual([L('tcp', '0.0.0.0', 22), L('tcp', 'fe80::1', 8443)]);
    expect(t.processesKnown).toBe(false);
  });

  it('splits the address forms the tools print', () => {
    expect(splitAddress('127.0.0.53%lo:53')).toEqual({ address: '127.0.0.53', port: 53 });
    expect(splitAddress('[::]:22')).toEqual({ address: '::', port: 22 });
    expect(splitAddress('*:5353')).toEqual({ address: '*', port: 5353 });
    expect(splitAddress('0.0.0.0:99999')).toBeNull();
    expect(splitAddress(':22')).toBeNull();
  });
});

describe('/proc/net tables (recorded in the same namespace)', () => {
  it('decode the hex addresses of listening TCP and unconnected UDP sockets', () => {
    expect(parseProcNet(fixture('proc-net-listen/netns-tcp.txt'), 'tcp')).toEqual([L('tcp', '0.0.0.0', 23)]);
    expect(parseProcNet(fixture('proc-net-listen/netns-tcp6.txt'), 'tcp')).toEqual([L('tcp', '::1', 631)]);
    expect(parseProcNet(fixture('proc-net-listen/netns-udp.txt'), 'udp')).toEqual([L('udp', '127.0.0.53', 53)]);
    expect(parseProcNet(fixture('proc-net-listen/netns-udp6.txt'), 'udp')).toEqual([L('udp', '::', 5353)]);
  });

  it('garbage is not a table', () => {
    expect(parseProcNet('', 'tcp')).toBeNull();
    expect(parseProcNet('  sl  local_address rem_address   st\n   0: zz:0017 00000000:0000 0A\n', 'tcp')).toBeNull();
  });
});

describe('Linux collect (replayed)', () => {
  it('uses ss, and falls back to /proc/net without process names when ss is missing', async () => {
    const viaSs = await linux.collect(fakeDeps(fakeRunner({ [SS_ARGV.join(' ')]: ok(fixture('ss-tulpn/netns-telnet-any-cups-loopback-udp.txt')) }), fakeFiles({})));
    expect(viaSs.facts).toMatchObject({ source: 'ss', udpListed: true });
    expect(viaSs.facts!.listeners).toHaveLength(4);
    const files = Object.fromEntries(['tcp', 'tcp6', 'udp', 'udp6'].map((f) => [`/proc/net/${f}`, fixture(`proc-net-listen/netns-${f}.txt`)]));
    const viaProc = await linux.collect(fakeDeps(fakeRunner({ ss: notFound }), fakeFiles(files)));
    expect(viaProc.facts).toMatchObject({ source: '/proc/net' });
    expect(viaProc.facts!.listeners.map((l) => `${l.protocol} ${l.address}:${l.port} ${l.process}`)).toEqual(['tcp 0.0.0.0:23 null', 'tcp ::1:631 null', 'udp 127.0.0.53:53 null', 'udp :::5353 null']);
    expect(schemaErrors('listening_services', viaProc.facts)).toEqual([]);
  });

  it('ss failing and /proc/net unreadable: no facts, unknown with both reasons', async () => {
    const c = await linux.collect(fakeDeps(fakeRunner({ ss: exit(1, '', 'Cannot open netlink socket: Protocol not supported') }), fakeFiles({})));
    expect(c.facts).toBeNull();
    expect(c.reason).toMatch(/ss -tulpn exited with 1: Cannot open netlink socket.*\/proc\/net\/tcp could not be read/);
    expect(evaluateResult({ id: 'listening_services', status: 'unknown', reason: c.reason, facts: c.facts }, GATEWAY, ctx).status).toBe('unknown');
  });
});

describe('Windows (constructed from the documented formats)', () => {
  it('Get-NetTCPConnection + Get-NetUDPEndpoint with process names and SMBv1 state', async () => {
    const { deps } = winDeps([[LISTEN_ARGV, ok(winFixture('get-nettcpconnection/constructed-probes-dicom-smb1.txt'))]]);
    const c = await windows.collect(deps);
    expect(schemaErrors('listening_services', c.facts)).toEqual([]);
    expect(c.facts).toMatchObject({ source: 'Get-NetTCPConnection', smb1: true, udpListed: true });
    expect(c.facts!.listeners.find((l) => l.port === 104)).toEqual({ protocol: 'tcp', address: '0.0.0.0', port: 104, process: 'dcmqrscp', pid: 2480 });
    const v = gw(c.facts!);
    expect(v.status).toBe('fail');
    expect(v.reason).toContain('SMBv1 is enabled and SMB listens on 0.0.0.0:445 (System)');
    expect(v.reason).toContain('DICOM listens on every address (0.0.0.0:104 (dcmqrscp))');
    expect(v.reason).toContain('not on the allowlist: tcp :::445 (System), tcp 0.0.0.0:445 (System)');
    // HTTP on loopback 8080 is not network-reachable: not flagged.
    expect(v.reason).not.toContain('8080');
  });

  it('netstat -ano fallback: listeners by their empty peer, any language; established rows ignored', async () => {
    const en = parseNetstatAno(winFixture('netstat-ano/constructed-server-dicom-rdp.txt'))!;
    expect(en.listeners.filter((l) => l.protocol === 'tcp').map((l) => `${l.address}:${l.port}`)).toEqual(['0.0.0.0:135', '0.0.0.0:445', '0.0.0.0:3389', '0.0.0.0:11112', '10.20.0.1:139', '127.0.0.1:8080', ':::135', ':::445']);
    expect(en.listeners.filter((l) => l.protocol === 'udp')).toEqual([{ protocol: 'udp', address: '0.0.0.0', port: 123, process: null, pid: 1290 }, { protocol: 'udp', address: '::', port: 500, process: null, pid: 3012 }]);
    const de = parseNetstatAno(winFixture('netstat-ano/constructed-de-telnet.txt'))!;
    expect(de.listeners.map((l) => `${l.address}:${l.port}/${l.pid}`)).toEqual(['0.0.0.0:23/1712', '10.20.0.1:22/2012']);
    const { deps } = winDeps([
      [LISTEN_ARGV, exit(1, '', 'powershell.exe : The term is not recognized')],
      [NETSTAT_ARGV, ok(winFixture('netstat-ano/constructed-de-telnet.txt'))],
    ]);
    const c = await windows.collect(deps);
    expect(c.facts).toMatchObject({ source: 'netstat', smb1: null });
    expect(gw(c.facts!).reason).toMatch(/^telnet listens on 0\.0\.0\.0:23: credentials travel in the clear/);
    // sshd is allowlisted by process name, which netstat cannot give: unknown for that listener, never pass.
    expect(gw(c.facts!).reason).toContain('owning process unknown, allowlist needs it: tcp 10.20.0.1:22');
  });

  it('rejects tables of the wrong shape and both probes failing gives no facts', async () => {
    expect(winListeners([{ LocalAddress: 5 }], [], [])).toBeNull();
    expect(winListeners('text', [], [])).toBeNull();
    expect(parseNetstatAno('The requested operation requires elevation.')).toBeNull();
    const { deps } = winDeps([]);
    const c = await windows.collect(deps);
    expect(c.facts).toBeNull();
    expect(c.reason).toMatch(/netstat/);
  });
});

describe('macOS (constructed from the documented formats)', () => {
  it('lsof: TCP listeners and UDP sockets with (9-character) command names; connected UDP left out', async () => {
    const t = parseLsof(macFixture('lsof-listen/constructed-sshd-screensharing-mdns.txt'))!;
    const f = toFacts('lsof', t, true);
    expect(f.listeners.map((l) => `${l.protocol} ${l.address}:${l.port} ${l.process}`)).toEqual(['tcp *:22 launchd', 'tcp ::1:631 cupsd', 'tcp 127.0.0.1:631 cupsd', 'tcp *:5900 launchd', 'udp *:5353 mDNSRespo']);
    expect(gw(f).reason).toMatch(/VNC listens on \*:5900 \(launchd\)/);
  });

  it('netstat -anv fallback (TCP only, no processes) when lsof fails or lists nothing', async () => {
    const t = parseNetstatAnv(macFixture('netstat-anv/constructed-tcp-listen.txt'))!;
    expect(t.listeners.map((l) => `${l.address}:${l.port}`)).toEqual(['*:22', '127.0.0.1:631', '*:21']);
    const deps = fakeDeps(fakeRunner({ [LSOF_ARGV.join(' ')]: exit(1, ''), [MAC_NETSTAT_ARGV.join(' ')]: ok(macFixture('netstat-anv/constructed-tcp-listen.txt')) }), fakeFiles({}));
    const c = await darwin.collect(deps);
    expect(c.facts).toMatchObject({ source: 'netstat', udpListed: false });
    expect(listeningServices.evaluate(c.facts!, WORKSTATION, ctx).reason).toBe('FTP listens on *:21: credentials travel in the clear');
    const none = await darwin.collect(fakeDeps(fakeRunner({}), fakeFiles({})));
    expect(none.facts).toBeNull();
    expect(parseNetstatAnv('netstat: sysctl: net.inet.tcp.pcblist_n: Operation not permitted')).toBeNull();
  });
});

describe('evaluation: the gateway pack', () => {
  it('telnet on every address fails; only an allowlisted sshd passes', () => {
    expect(gw(facts([L('tcp', '0.0.0.0', 23, 'in.telnetd')])).status).toBe('fail');
    expect(gw(facts([L('tcp', '0.0.0.0', 22, 'sshd'), L('tcp', '::', 22, 'sshd')]))).toEqual({ status: 'pass' });
  });

  it('sshd is approved by port and process: another program on 22 is not', () => {
    expect(gw(facts([L('tcp', '0.0.0.0', 22, 'dropbear')]))).toEqual({ status: 'fail', reason: 'not on the allowlist: tcp 0.0.0.0:22 (dropbear)' });
  });

  it('DICOM and HL7 on a loopback or one address pass, on every address fail', () => {
    expect(gw(facts([L('tcp', '127.0.0.1', 104, 'storescp')])).status).toBe('pass');
    expect(gw(facts([L('tcp', '10.20.0.1', 11112, 'dcmqrscp'), L('tcp', '10.20.0.1', 2575, 'mirth')])).status).toBe('pass');
    expect(gw(facts([L('tcp', '0.0.0.0', 104, 'storescp')])).reason).toBe('DICOM listens on every address (0.0.0.0:104 (storescp)): bind it to the device network\'s address');
    expect(gw(facts([L('tcp', '::', 2575, 'mirth')])).status).toBe('fail');
  });

  it('FTP, VNC, plain HTTP are flagged; SMB only when SMBv1 is known on, unknown when its state is unreadable', () => {
    for (const port of [21, 5900, 5903, 80, 8080]) expect(gw(facts([L('tcp', '10.20.0.1', port)]), { enforceAllowlist: false }).status, String(port)).toBe('fail');
    expect(gw(facts([L('tcp', '0.0.0.0', 445, 'System')], { smb1: false }), { enforceAllowlist: false })).toEqual({ status: 'pass' });
    expect(gw(facts([L('tcp', '0.0.0.0', 445, 'System')], { smb1: null }), { enforceAllowlist: false }).status).toBe('unknown');
  });

  it('loopback listeners are out of both rules unless ignoreLoopback is off', () => {
    const f = facts([L('tcp', '127.0.0.1', 23), L('tcp', '::1', 5432, 'postgres')]);
    expect(gw(f)).toEqual({ status: 'pass', reason: 'nothing listens on a network address' });
    expect(gw(f, { ignoreLoopback: false }).status).toBe('fail');
  });

  it('allowlist entries can pin the address, "loopback" included', () => {
    const allowed = [{ port: 9443, address: '10.20.0.1' }, { port: 5432, address: 'loopback' }];
    expect(gw(facts([L('tcp', '10.20.0.1', 9443)]), { allowed }).status).toBe('pass');
    expect(gw(facts([L('tcp', '0.0.0.0', 9443)]), { allowed }).status).toBe('fail');
    expect(gw(facts([L('tcp', '127.0.0.1', 5432)]), { allowed, ignoreLoopback: false }).status).toBe('pass');
  });

  it('workstations (default parameters) only get the insecure-service rules', () => {
    expect(listeningServices.evaluate(facts([L('tcp', '0.0.0.0', 3000, 'node')]), WORKSTATION, ctx)).toEqual({ status: 'pass' });
    expect(listeningServices.evaluate(facts([L('tcp', '0.0.0.0', 23)]), WORKSTATION, ctx).status).toBe('fail');
  });

  it('a truncated table is never a clean pass', () => {
    expect(gw(facts([L('tcp', '0.0.0.0', 22, 'sshd')], { truncated: true })).status).toBe('unknown');
  });
});

describe('properties', () => {
  const garbage = fc.oneof(fc.string({ maxLength: 600 }), fc.string({ unit: 'binary', maxLength: 600 }));
  const lines = [
    ...fixture('ss-tulpn/netns-telnet-any-cups-loopback-udp.txt').split('\n'),
    ...fixture('proc-net-listen/netns-tcp6.txt').split('\n'),
    ...winFixture('netstat-ano/constructed-server-dicom-rdp.txt').split('\r\n'),
    ...macFixture('lsof-listen/constructed-sshd-screensharing-mdns.txt').split('\n'),
    ...macFixture('netstat-anv/constructed-tcp-listen.txt').split('\n'),
  ];
  const shuffled = fc.array(fc.oneof(fc.constantFrom(...lines), fc.string({ maxLength: 60 })), { maxLength: 30 }).map((a) => a.join('\n'));
  const parsers = {
    ss: (t: string) => parseSs(t),
    procTcp: (t: string) => parseProcNet(t, 'tcp'),
    procUdp: (t: string) => parseProcNet(t, 'udp'),
    netstatAno: (t: string) => parseNetstatAno(t),
    lsof: (t: string) => parseLsof(t),
    netstatAnv: (t: string) => parseNetstatAnv(t),
    winJson: (t: string) => {
      try {
        const o = JSON.parse(t) as Record<string, unknown>;
        return winListeners(o?.tcp, o?.udp, o?.procs);
      } catch {
        return null;
      }
    },
  };

  it.each(Object.keys(parsers))('%s never throws and whatever it returns fits the facts schema', (name) => {
    fc.assert(
      fc.property(fc.oneof(garbage, shuffled), (t) => {
        const table = parsers[name as keyof typeof parsers](t);
        if (table) expect(schemaErrors('listening_services', toFacts('x', Array.isArray(table) ? { listeners: table, processesKnown: false } : table, true))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  function machine(text: string, exitCode: number): CollectDeps {
    return {
      now: () => 0,
      run: async (file, args): Promise<CommandResult> => ({ source: [file, ...args].join(' '), stdout: text, stderr: '', exitCode, durationMs: 1 }),
      files: { readText: async () => text, mtimeMs: async () => 0, exists: async () => true },
    };
  }

  it.each([['linux', linux], ['windows', windows], ['darwin', darwin]] as const)('%s: a machine answering random text never passes under the gateway policy', async (_, check) => {
    await fc.assert(
      fc.asyncProperty(garbage, fc.constantFrom(0, 1), async (t, code) => {
        const c = await check.collect(machine(t, code));
        const v = evaluateResult({ id: 'listening_services', status: 'unknown', reason: c.reason, facts: c.facts }, GATEWAY, ctx);
        expect(v.status, JSON.stringify(c.facts)).not.toBe('pass');
        expect(v.status).not.toBe('error');
      }),
      { numRuns: 100 },
    );
  });
});
