// End-of-life compensations on gateways ("fail (compensated)", never pass, with the compensation's own
// evidence) and the gateway part of the evidence export: MDS2 findings, compensated results and device
// events, in CSV files and the HTML report of a real archive that still verifies offline.
import { execFile } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompensationsService, parseSubnet } from '../../collector/policy/compensations.js';
import { Mds2Service } from '../../collector/mds2/service.js';
import { InventoryService } from '../../collector/inventory/service.js';
import { verifyArchive } from '../../collector/verify/verify.js';
import type { Predicate } from '../../protocol/statement.js';
import { DAY_MS, daysAgo, deliver, enrolTestDevice, firewallCheck, fullChecks, servicesWithClock, startTestCollector, tempDir } from '../helpers/collector.js';
import { extract, parseCsv } from '../helpers/export.js';

type Env = Awaited<ReturnType<typeof servicesWithClock>>;
let env: Env;
beforeEach(async () => {
  env = await servicesWithClock();
});
afterEach(async () => env.cleanup());
const ago = (days: number) => new Date(env.clock.now.getTime() - days * DAY_MS).toISOString();

const listening = (telnet: boolean): Predicate['checks'][number] => ({
  id: 'listening_services',
  status: telnet ? 'fail' : 'pass',
  facts: { source: 'ss', udpListed: true, listeners: [{ protocol: 'tcp', address: '0.0.0.0', port: telnet ? 23 : 22, process: telnet ? 'in.telnetd' : 'sshd', pid: 700 }] },
  evidence: [{ source: 'ss -tulpn', exitCode: 0 }],
});
const neighbours = (macs: string[]): Predicate['checks'][number] => ({
  id: 'neighbour_inventory',
  status: 'pass',
  facts: { source: 'ip -j neigh', leases: [], neighbours: macs.map((mac, i) => ({ ip: `10.20.0.${11 + i}`, mac, state: 'reachable', interface: 'gw0', seenIn: 'neighbours' })) },
  evidence: [{ source: 'ip -j neigh', exitCode: 0 }],
});

// Debian 10: support ended 2022-09-10.
const debian10: Predicate['checks'][number] = { id: 'os_eol', status: 'fail', facts: { family: 'debian', name: 'Debian GNU/Linux', version: '10' }, evidence: [{ source: 'read /etc/os-release' }] };

async function gatewayChecks(collectedAt: string, opts: { firewall: 'pass' | 'fail'; telnet?: boolean; macs?: string[] }): Promise<Predicate['checks']> {
  const replaced = ['os_eol', 'firewall', 'listening_services', 'neighbour_inventory'];
  const base = (await fullChecks({}, collectedAt)).filter((c) => !replaced.includes(c.id));
  return [...base, debian10, firewallCheck(opts.firewall), listening(opts.telnet ?? false), neighbours(opts.macs ?? ['00:09:02:12:34:56'])];
}

describe('end-of-life compensation', () => {
  it('shows fail (compensated) with its evidence; the evaluation stays fail; evidence lost → not evidenced', async () => {
    const gw = await enrolTestDevice(env, 'gateway');
    await deliver(env, gw, [{ collectedAt: ago(2), checks: await gatewayChecks(ago(2), { firewall: 'pass' }) }]);
    const s = new CompensationsService(env.db, () => env.clock.now);
    const c = await s.add({ deviceId: gw.id, kind: 'inbound-restricted', subnets: ['10.20.0.0/24', 'fd00:20::/64'], reason: 'modality vendor certifies only this OS', approver: 'CISO', expires: 180 * DAY_MS, actor: 'admin' });
    const [r] = await s.compensated();
    expect(r).toMatchObject({ deviceId: gw.id, status: 'fail', compensated: true, label: 'fail (compensated)', compensation: { id: c.id, subnets: ['10.20.0.0/24', 'fd00:20::/64'] } });
    expect(r!.evidence).toEqual([
      { checkId: 'firewall', status: 'pass', reason: null },
      { checkId: 'listening_services', status: 'pass', reason: null },
    ]);
    // The stored evaluation is untouched: os_eol is fail, never pass.
    expect((await env.services.history.device(gw.id, null)).checks.find((x) => x.checkId === 'os_eol')).toMatchObject({ status: 'fail' });

    await deliver(env, gw, [{ collectedAt: ago(1), checks: await gatewayChecks(ago(1), { firewall: 'fail', telnet: true }) }]);
    const [after] = await s.compensated();
    expect(after).toMatchObject({ compensated: false, label: 'fail (compensation not evidenced)' });
    expect(after!.evidence.map((e) => e.status)).toEqual(['fail', 'fail']);
    expect(after!.evidence[1]!.reason).toMatch(/telnet listens on 0\.0\.0\.0:23/);
  });

  it('a role-wide compensation covers every gateway; revoked or expired ones stop applying', async () => {
    const a = await enrolTestDevice(env, 'gateway');
    const b = await enrolTestDevice(env, 'gateway');
    const ws = await enrolTestDevice(env, 'workstation');
    for (const d of [a, b, ws]) await deliver(env, d, [{ collectedAt: ago(1), checks: await gatewayChecks(ago(1), { firewall: 'pass' }) }]);
    const s = new CompensationsService(env.db, () => env.clock.now);
    const c = await s.add({ role: 'gateway', kind: 'inbound-restricted', subnets: ['10.20.0.0/16'], reason: 'r', approver: 'CISO', expires: 7 * DAY_MS, actor: 'admin' });
    expect((await s.compensated()).map((r) => r.deviceId).sort()).toEqual([a.id, b.id].sort());
    env.advance(8 * DAY_MS);
    expect(await s.compensated()).toEqual([]);
    env.clock.now = new Date(env.clock.now.getTime() - 8 * DAY_MS);
    await s.revoke(c.id, 'admin', 'OS upgraded');
    expect(await s.compensated()).toEqual([]);
    await expect(s.revoke(c.id, 'admin', 'again')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('refuses bad input with stable codes', async () => {
    const s = new CompensationsService(env.db, () => env.clock.now);
    const base = { kind: 'inbound-restricted' as const, subnets: ['10.20.0.0/24'], reason: 'r', approver: 'a', expires: DAY_MS, actor: 'admin' };
    await expect(s.add({ ...base })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(s.add({ ...base, role: 'gateway', deviceId: 'dev_x' })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(s.add({ ...base, role: 'gateway', subnets: ['10.20.0.0/33'] })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(s.add({ ...base, role: 'gateway', expires: 400 * DAY_MS })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(s.add({ ...base, deviceId: 'dev_00000000000000000000000000000000' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect(parseSubnet(' fd00:20::/64 ')).toBe('fd00:20::/64');
    expect(() => parseSubnet('10.20.0.0')).toThrow(/CIDR/);
  });
});

describe('the gateway part of the evidence export', () => {
  it('writes MDS2 findings, compensated results and inventory events as CSV and in the report; the archive verifies', async () => {
    const gw = await enrolTestDevice(env, 'gateway');
    await deliver(env, gw, [
      { collectedAt: ago(3), checks: await gatewayChecks(ago(3), { firewall: 'pass', macs: ['00:09:02:12:34:56'] }) },
      { collectedAt: ago(2), checks: await gatewayChecks(ago(2), { firewall: 'pass', macs: ['00:09:02:12:34:56', '08:00:37:01:02:03'] }) },
    ]);
    await new CompensationsService(env.db, () => env.clock.now).add({ deviceId: gw.id, kind: 'inbound-restricted', subnets: ['10.20.0.0/24'], reason: 'vendor-locked OS', approver: 'CISO', expires: 90 * DAY_MS, actor: 'admin' });
    const mds2 = new Mds2Service(env.db, () => env.clock.now);
    await mds2.importForm('Gateway Appliance', 'gw.csv', Buffer.from('Question ID,Answer\nSTCF-1,Yes\nRMOT-1,No\n'), 'admin');
    await mds2.setDeviceModel(gw.id, 'Gateway Appliance', 'admin');
    await new InventoryService(env.db).sync();

    const dir = await tempDir();
    try {
      const file = join(dir.path, 'gw.tar.gz');
      const out = createWriteStream(file);
      await env.services.exports.export({ from: ago(10), to: env.clock.now.toISOString(), out, archiveName: 'gw.tar.gz', actor: 'test', envelopes: 'cited' });
      await new Promise<void>((res) => (out.closed ? res() : out.once('close', () => res())));
      const root = join(dir.path, 'x');
      const order = await extract(file, root);
      expect(order).toEqual(expect.arrayContaining(['csv/mds2-findings.csv', 'csv/eol-compensations.csv', 'csv/inventory-events.csv']));

      const findings = parseCsv(readFileSync(join(root, 'csv/mds2-findings.csv'), 'utf8'));
      expect(findings[0]).toEqual(['device_id', 'hostname', 'model', 'question', 'answer', 'check_id', 'expected', 'observed', 'finding', 'detail']);
      expect(findings.slice(1).map((r) => [r[3], r[4], r[5], r[8]])).toEqual([
        ['STCF-1', 'yes', 'disk_encryption', 'consistent'],
        // The simulated Windows gateway has RDP enabled although the form declares no remote service.
        ['RMOT-1', 'no', 'remote_access', 'mismatch'],
      ]);
      expect(findings[2]![9]).toBe('declares no remote service, but rdp is enabled');
      const comp = parseCsv(readFileSync(join(root, 'csv/eol-compensations.csv'), 'utf8'));
      expect(comp[1]!.slice(2, 5)).toEqual(['os_eol', 'fail', 'fail (compensated)']);
      expect(comp[1]![11]).toBe('firewall=pass listening_services=pass');
      const events = parseCsv(readFileSync(join(root, 'csv/inventory-events.csv'), 'utf8'));
      expect(events.slice(1).map((r) => [r[3], r[4], r[6]])).toEqual([['new', '08:00:37:01:02:03', 'FUJIFILM Business Innovation Corp.']]);

      const report = readFileSync(join(root, 'report/report.html'), 'utf8');
      expect(report).toContain('<h2>Gateways and medical devices</h2>');
      expect(report).toContain('<b>fail (compensated)</b>');
      expect(report).toContain('1 new and 0 vanished device event(s) during the period');
      expect(report).toContain('declares no remote service, but rdp is enabled');

      const v = await verifyArchive(file);
      expect(v.ok, JSON.stringify(v.problems)).toBe(true);
    } finally {
      await dir.cleanup();
    }
  });
});

describe('compensations from the CLI', () => {
  it('compensation add / list / revoke, and device show prints FAIL (COMPENSATED) with the evidence', async () => {
    const c = await startTestCollector();
    const cli = new URL('../../dist/collector/cli.js', import.meta.url).pathname;
    const run = (...args: string[]) => promisify(execFile)('node', [cli, ...args, '--data', c.dataDir]);
    try {
      const gw = await enrolTestDevice(c, 'gateway');
      await deliver(c, gw, [{ collectedAt: daysAgo(1), checks: await gatewayChecks(daysAgo(1), { firewall: 'pass' }) }]);
      const add = await run('compensation', 'add', '--device', gw.id, '--subnets', '10.20.0.0/24', '--reason', 'vendor-locked OS', '--approver', 'CISO', '--expires', '90d');
      const id = /^(cmp_[0-9a-f]{16}): inbound-restricted to 10\.20\.0\.0\/24/.exec(add.stdout)?.[1];
      expect(id, add.stdout).toBeDefined();
      const show = await run('device', 'show', gw.id);
      expect(show.stdout).toContain(`os_eol: FAIL (COMPENSATED) — ${id} (this device): inbound-restricted to 10.20.0.0/24, approved by CISO`);
      expect(show.stdout).toMatch(/evidence firewall: pass\n\s+evidence listening_services: pass/);
      expect((await run('compensation', 'list')).stdout).toContain('fail (compensated)'.toUpperCase());
      const bad = await run('compensation', 'add', '--role', 'gateway', '--subnets', 'everything', '--reason', 'r', '--approver', 'a', '--expires', '1d').catch((e: { code: number; stderr: string }) => e);
      expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error E_BAD_REQUEST: "everything" is not a subnet/) });
      await run('compensation', 'revoke', id!, '--reason', 'OS upgraded');
      expect((await run('device', 'show', gw.id)).stdout).not.toContain('COMPENSATED');
    } finally {
      await c.cleanup();
    }
  }, 60_000);
});
