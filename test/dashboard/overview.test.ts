// The overview's fleet figures against the reference computations: control counts equal
// ControlsService.fleet (which evaluates every device), check counts equal the devices' states, and the
// daily trend follows the status changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, deliver, enrolTestDevice, firewallCheck, fullChecks, servicesWithClock, usbCheck } from '../helpers/collector.js';

let env: Awaited<ReturnType<typeof servicesWithClock>>;
const iso = (d: Date) => d.toISOString();

beforeAll(async () => {
  env = await servicesWithClock(new Date('2026-03-01T12:00:00.000Z'));
  const s = { services: env.services };
  const at = (daysBefore: number) => iso(new Date(env.clock.now.getTime() - daysBefore * DAY_MS));
  const all = [] as Awaited<ReturnType<typeof enrolTestDevice>>[];
  for (let i = 0; i < 6; i++) {
    const d = await enrolTestDevice(s, i % 2 ? 'gateway' : 'workstation');
    all.push(d);
    await deliver(s, d, [
      { collectedAt: at(5), checks: await fullChecks({}, at(5)) },
      { collectedAt: at(2), checks: await fullChecks(i < 3 ? { firewall: 'fail' } : i === 3 ? { patch_level: 'unknown', usb_storage: 'fail' } : {}, at(2)) },
    ]);
  }
  // Reports two checks only: the others are missing (unknown for the controls they evidence).
  const partial = await enrolTestDevice(s);
  await deliver(s, partial, [{ collectedAt: at(1), checks: [firewallCheck('pass'), usbCheck('fail')] }]);
  await enrolTestDevice(s); // never attests
  const revoked = await enrolTestDevice(s);
  await deliver(s, revoked, [{ collectedAt: at(1), checks: await fullChecks({ screen_lock: 'fail' }, at(1)) }]);
  await env.services.devices.revoke(revoked.id, 'test', 'gone');
  await env.services.waivers.create({ deviceId: all[0]!.id, checkId: 'firewall', reason: 'vendor box', approver: 'CISO', expires: 30 * DAY_MS, actor: 'test' });
  await env.services.waivers.create({ control: '8.7', reason: 'AV replaced by allow-listing', approver: 'CISO', expires: 30 * DAY_MS, actor: 'test' });
}, 60_000);
afterAll(async () => env?.cleanup());

describe('fleet overview figures', () => {
  it('control counts equal the reference evaluation of every device', async () => {
    const fast = await env.services.dashboard.controlCounts();
    const reference = await env.services.controls.fleet();
    expect(fast.map((c) => [c.id, c.counts])).toEqual(reference.map((c) => [c.id, c.counts]));
    expect(fast.some((c) => c.counts.waived > 0)).toBe(true);
    expect(fast.some((c) => c.counts.fail > 0)).toBe(true);
  });

  it('counts results per check for active devices only, with stale and never-attested devices', async () => {
    const o = await env.services.dashboard.overview();
    expect(o.devices).toBe(8);
    expect(o.revoked).toBe(1);
    expect(o.neverAttested).toBe(1);
    expect(o.checks.find((c) => c.checkId === 'firewall')).toMatchObject({ pass: 4, fail: 3 });
    expect(o.checks.find((c) => c.checkId === 'usb_storage')).toMatchObject({ fail: 2 });
    expect(o.checks.find((c) => c.checkId === 'screen_lock')).toMatchObject({ fail: 0 });
    expect(o.controls.map((c) => [c.id, c.counts])).toEqual((await env.services.controls.fleet()).map((c) => [c.id, c.counts]));
  });

  it('the trend has one point per day: all passing five days ago, failures from two days ago', async () => {
    const { trend } = await env.services.dashboard.overview();
    expect(trend).toHaveLength(91);
    const byDay = new Map(trend.map((d) => [d.day, d]));
    const day = (n: number) => byDay.get(iso(new Date(env.clock.now.getTime() - n * DAY_MS)).slice(0, 10))!;
    expect(day(6)).toMatchObject({ pass: 0, fail: 0 });
    expect(day(5).fail).toBe(0);
    expect(day(5).pass).toBeGreaterThan(0);
    expect(day(2).fail).toBe(4);
    expect(day(0).fail).toBe(5);
    // Finished days are stored once and served from the table after.
    const stored = await env.db.all<{ day: string }>('SELECT day FROM fleet_trend_daily');
    expect(stored).toHaveLength(90);
  });
});
