// The devices behind gateways: neighbour_inventory results stored through the real ingest, folded into
// the inventory with vendors from the shipped IEEE registry; new and vanished devices raise events; the
// first snapshot is the baseline; other roles are not inventoried; the API and CLI show it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InventoryService } from '../../collector/inventory/service.js';
import { ouiTable, parseOuiTsv, vendorOf } from '../../collector/inventory/oui.js';
import { renderOui } from '../../scripts/gen-oui.js';
import type { Neighbour } from '../../protocol/checks/neighbour-inventory.js';
import type { Predicate } from '../../protocol/statement.js';
import { DAY_MS, daysAgo, deliver, enrolTestDevice, servicesWithClock, startTestCollector } from '../helpers/collector.js';

const run = promisify(execFile);
type Env = Awaited<ReturnType<typeof servicesWithClock>>;

const N = (ip: string, mac: string, extra: Partial<Neighbour> = {}): Neighbour => ({ ip, mac, state: 'reachable', interface: 'gw0', seenIn: 'neighbours', ...extra });
function inventoryCheck(neighbours: Neighbour[], extra: Record<string, unknown> = {}): Predicate['checks'][number] {
  return { id: 'neighbour_inventory', status: 'pass', facts: { source: 'ip -j neigh', neighbours, leases: [], ...extra }, evidence: [{ source: 'ip -j neigh', exitCode: 0 }] };
}

const PUMP = N('10.20.0.11', '00:09:02:12:34:56', { hostname: 'pump-icu-3', seenIn: 'both' });
const MAC_MINI = N('10.20.0.12', '00:1b:63:aa:bb:cc');
const MODALITY = N('10.20.0.13', '08:00:37:01:02:03');
const RANDOMISED = N('10.20.0.14', '02:00:00:00:00:01');

describe('OUI registry (collector/data/oui.tsv)', () => {
  it('names its source and date, and resolves the longest registered prefix', () => {
    const t = ouiTable();
    expect(t.source.join('\n')).toMatch(/ieee-data .*registry files dated \d{4}-\d{2}-\d{2}/);
    expect(t.byPrefix.size).toBeGreaterThan(40_000);
    expect(vendorOf('00:1b:63:aa:bb:cc')).toBe('Apple, Inc.');
    expect(vendorOf('08:00:37:01:02:03')).toBe('FUJIFILM Business Innovation Corp.');
    // Locally administered (randomised) addresses have no vendor; nor does garbage.
    expect(vendorOf('02:00:00:00:00:01')).toBeNull();
    expect(vendorOf('zz')).toBeNull();
  });

  it('gen-oui turns the IEEE CSV files into the prefix table (quoted names, other registries and bad rows skipped)', () => {
    const oui = 'Registry,Assignment,Organization Name,Organization Address\nMA-L,0080F4,"TELEMECANIQUE ELECTRIQUE, S.A.",x\nMA-L,ZZZZZZ,Bad,x\nMA-M,1234567,Wrong registry,x\nMA-L,00D0EF,IGT,"9295 PROTOTYPE DRIVE\nRENO NV"\n';
    const mas = 'Registry,Assignment,Organization Name,Organization Address\nMA-S,70B3D5123,Small  Vendor\tLtd,x\n';
    const text = renderOui([{ registry: 'MA-L', digits: 6, text: oui }, { registry: 'MA-S', digits: 9, text: mas }], ['test header']);
    expect(text).toBe('# test header\n0080f4\tTELEMECANIQUE ELECTRIQUE, S.A.\n00d0ef\tIGT\n70b3d5123\tSmall Vendor Ltd\n');
    expect(vendorOf('00:80:f4:01:02:03', parseOuiTsv(text))).toBe('TELEMECANIQUE ELECTRIQUE, S.A.');
  });

  it('prefers an MA-S block over the MA-L block around it', () => {
    const t = parseOuiTsv('# test\n70b3d5\tIEEE Registration Authority\n70b3d5123\tSmall Vendor\n');
    expect(vendorOf('70:b3:d5:12:34:56', t)).toBe('Small Vendor');
    expect(vendorOf('70:b3:d5:99:34:56', t)).toBe('IEEE Registration Authority');
    expect(readFileSync(new URL('../../collector/data/oui.tsv', import.meta.url), 'utf8').split('\n', 3)[2]).toMatch(/scripts\/gen-oui\.ts/);
  });
});

describe('inventory from gateway attestations', () => {
  let env: Env;
  beforeEach(async () => {
    env = await servicesWithClock();
  });
  afterEach(async () => env.cleanup());
  const ago = (days: number) => new Date(env.clock.now.getTime() - days * DAY_MS).toISOString();

  it('baseline without events, then new and vanished devices, with vendors; sync is idempotent', async () => {
    const gw = await enrolTestDevice(env, 'gateway');
    const inv = new InventoryService(env.db);
    await deliver(env, gw, [{ collectedAt: ago(3), checks: [inventoryCheck([PUMP, MAC_MINI])] }]);
    expect(await inv.sync()).toBe(1);
    expect(await inv.events()).toEqual([]);
    expect((await inv.devices()).map((d) => [d.mac, d.vendor, d.hostname])).toEqual([
      ['00:09:02:12:34:56', 'Redline Communications Inc.', 'pump-icu-3'],
      ['00:1b:63:aa:bb:cc', 'Apple, Inc.', null],
    ]);

    await deliver(env, gw, [{ collectedAt: ago(2), checks: [inventoryCheck([PUMP, MODALITY, RANDOMISED])] }]);
    expect(await inv.sync()).toBe(1);
    expect(await inv.sync()).toBe(0);
    const events = await inv.events({ gatewayId: gw.id });
    expect(events.map((e) => [e.kind, e.mac, e.vendor, e.seq])).toEqual([
      ['vanished', '00:1b:63:aa:bb:cc', 'Apple, Inc.', 2],
      ['new', '02:00:00:00:00:01', null, 2],
      ['new', '08:00:37:01:02:03', 'FUJIFILM Business Innovation Corp.', 2],
    ]);
    expect((await inv.devices()).map((d) => d.mac)).toEqual(['00:09:02:12:34:56', '02:00:00:00:00:01', '08:00:37:01:02:03']);
    const all = await inv.devices({ includeVanished: true });
    expect(all.find((d) => d.mac === '00:1b:63:aa:bb:cc')).toMatchObject({ present: false, lastSeenAt: ago(3) });

    // It comes back: a new-device event again.
    await deliver(env, gw, [{ collectedAt: ago(1), checks: [inventoryCheck([PUMP, MODALITY, RANDOMISED, MAC_MINI])] }]);
    await inv.sync();
    expect((await inv.events())[0]).toMatchObject({ kind: 'new', mac: '00:1b:63:aa:bb:cc', seq: 3 });
  });

  it('new and vanished devices raise alerts; a device that comes back resolves its vanished alert', async () => {
    const gw = await enrolTestDevice(env, 'gateway');
    const inv = new InventoryService(env.db, (q, e) => env.services.alerts.onInventoryEvent(q, e));
    const alerts = () => env.db.all<{ subject: string; check_id: string; state: string; title: string; severity: string }>("SELECT subject, check_id, state, title, severity FROM alerts WHERE kind = 'inventory' ORDER BY opened_at, check_id");
    await deliver(env, gw, [{ collectedAt: ago(3), checks: [inventoryCheck([PUMP, MAC_MINI])] }]);
    await inv.sync();
    expect(await alerts()).toEqual([]);
    await deliver(env, gw, [{ collectedAt: ago(2), checks: [inventoryCheck([PUMP, MODALITY])] }]);
    await inv.sync();
    const opened = await alerts();
    expect(opened.map((a) => [a.subject, a.check_id, a.state, a.severity])).toEqual([
      [`${gw.id}|08:00:37:01:02:03`, 'new', 'open', 'medium'],
      [`${gw.id}|00:1b:63:aa:bb:cc`, 'vanished', 'open', 'medium'],
    ]);
    expect(opened[0]!.title).toContain('new device behind');
    expect(opened[0]!.title).toContain('FUJIFILM');
    await deliver(env, gw, [{ collectedAt: ago(1), checks: [inventoryCheck([PUMP, MODALITY, MAC_MINI])] }]);
    await inv.sync();
    const after = await alerts();
    expect(after.find((a) => a.check_id === 'vanished')!.state).toBe('resolved');
    expect(after.filter((a) => a.subject === `${gw.id}|00:1b:63:aa:bb:cc` && a.check_id === 'new')).toHaveLength(1);
  });

  it('a truncated table raises no vanished events', async () => {
    const gw = await enrolTestDevice(env, 'gateway');
    const inv = new InventoryService(env.db);
    await deliver(env, gw, [
      { collectedAt: ago(2), checks: [inventoryCheck([PUMP, MAC_MINI])] },
      { collectedAt: ago(1), checks: [inventoryCheck([PUMP], { truncated: true })] },
    ]);
    await inv.sync();
    expect(await inv.events()).toEqual([]);
    expect(await inv.devices()).toHaveLength(2);
  });

  it('workstations report their neighbour table but are not inventoried (not applicable by default policy)', async () => {
    const ws = await enrolTestDevice(env, 'workstation');
    await deliver(env, ws, [{ collectedAt: ago(1), checks: [inventoryCheck([PUMP])] }]);
    const state = (await env.services.history.device(ws.id, null)).checks.find((c) => c.checkId === 'neighbour_inventory');
    expect(state).toMatchObject({ status: 'not_applicable' });
    const inv = new InventoryService(env.db);
    expect(await inv.sync()).toBe(0);
    expect(await inv.devices()).toEqual([]);
  });

  it('hostile facts (a MAC that is not a MAC) are refused at ingest and never reach the inventory', async () => {
    const gw = await enrolTestDevice(env, 'gateway');
    await deliver(env, gw, [{ collectedAt: ago(1), checks: [inventoryCheck([N('10.20.0.9', '<img src=x onerror=alert(1)>')])] }]);
    const state = (await env.services.history.device(gw.id, null)).checks.find((c) => c.checkId === 'neighbour_inventory');
    expect(state?.status).toBe('error');
    const inv = new InventoryService(env.db);
    expect(await inv.sync()).toBe(0);
    expect(await inv.devices()).toEqual([]);
  });

  it('an unknown gateway id is E_NOT_FOUND', async () => {
    await expect(new InventoryService(env.db).devices({ gatewayId: 'dev_00000000000000000000000000000000' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});

describe('inventory over the API and the CLI', () => {
  type Collector = Awaited<ReturnType<typeof startTestCollector>>;
  let c: Collector;
  let token: string;
  let gatewayId: string;
  let gatewayDevice: Awaited<ReturnType<typeof enrolTestDevice>>;
  beforeAll(async () => {
    c = await startTestCollector();
    token = (await c.services.auth.create({ name: 'auditor', role: 'auditor', actor: 'test' })).token;
    const gw = await enrolTestDevice(c, 'gateway');
    gatewayDevice = gw;
    gatewayId = gw.id;
    await deliver(c, gw, [
      { collectedAt: daysAgo(2), checks: [inventoryCheck([PUMP])] },
      { collectedAt: daysAgo(1), checks: [inventoryCheck([PUMP, MODALITY])] },
    ]);
  });
  afterAll(async () => c.cleanup());

  it('GET /api/v1/inventory and /api/v1/inventory/events sync and list; bad queries are E_BAD_REQUEST', async () => {
    const list = await c.app.inject({ method: 'GET', url: `/api/v1/inventory?gateway=${gatewayId}`, headers: { authorization: `Bearer ${token}` } });
    expect(list.statusCode).toBe(200);
    expect(list.json().devices.map((d: { mac: string }) => d.mac)).toEqual(['00:09:02:12:34:56', '08:00:37:01:02:03']);
    const ev = await c.app.inject({ method: 'GET', url: '/api/v1/inventory/events', headers: { authorization: `Bearer ${token}` } });
    expect(ev.json().events).toMatchObject([{ kind: 'new', mac: '08:00:37:01:02:03', gatewayId }]);
    const bad = await c.app.inject({ method: 'GET', url: '/api/v1/inventory?gateway=nope', headers: { authorization: `Bearer ${token}` } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('E_BAD_REQUEST');
    expect((await c.app.inject({ method: 'GET', url: '/api/v1/inventory' })).statusCode).toBe(401);
  });

  it('the dashboard page /gateways lists the gateway, the devices behind it with vendors, and the events', async () => {
    const r = await c.app.inject({ method: 'GET', url: '/gateways', headers: { authorization: `Bearer ${token}` } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-security-policy']).toMatch(/default-src 'none'/);
    const html = r.body;
    expect(html).toContain('<h1>Gateways and medical devices</h1>');
    expect(html).toContain(`<a href="/devices/${gatewayId}">test-host</a>`);
    expect(html).toMatch(/<td class="mono">00:09:02:12:34:56<\/td><td class="mono">10\.20\.0\.11<\/td><td>Redline Communications Inc\.<\/td><td>pump-icu-3<\/td>/);
    expect(html).toMatch(/<td>new device<\/td><td class="mono">08:00:37:01:02:03<\/td>/);
    // A host name from a DHCP lease is device-provided text: escaped on the page.
    await deliver(c, gatewayDevice, [{ collectedAt: daysAgo(0.5), checks: [inventoryCheck([PUMP, MODALITY, N('10.20.0.66', '00:80:64:0a:0b:0c', { hostname: '<script>alert(1)</script>', seenIn: 'both' })])] }]);
    const again = (await c.app.inject({ method: 'GET', url: '/gateways', headers: { authorization: `Bearer ${token}` } })).body;
    expect(again).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(again).not.toContain('<script>alert(1)');
    const anonymous = await c.app.inject({ method: 'GET', url: '/gateways' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Fgateways');
  });

  it('vigil-collector inventory [--gateway ID] [--events]', async () => {
    const cli = new URL('../../dist/collector/cli.js', import.meta.url).pathname;
    const list = await run('node', [cli, 'inventory', '--data', c.dataDir, '--gateway', gatewayId]);
    expect(list.stdout).toMatch(/00:09:02:12:34:56\s+10\.20\.0\.11\s+Redline Communications Inc\.\s+pump-icu-3/);
    const events = await run('node', [cli, 'inventory', '--data', c.dataDir, '--events']);
    expect(events.stdout).toMatch(/new device\s+08:00:37:01:02:03\s+10\.20\.0\.13\s+FUJIFILM/);
    const missing = await run('node', [cli, 'inventory', '--data', c.dataDir, '--gateway', 'dev_00000000000000000000000000000000']).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error E_NOT_FOUND/) });
  });
});
