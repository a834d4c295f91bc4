// Waivers: per device, check or control, with reason, approver and expiry. A waived failure shows as
// waived, never as pass; an expired waiver stops applying on its own; every admin write is audited.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, deliver, enrolTestDevice, firewallCheck, fullChecks, servicesWithClock, usbCheck } from '../helpers/collector.js';

type Env = Awaited<ReturnType<typeof servicesWithClock>>;
let env: Env;
beforeEach(async () => {
  env = await servicesWithClock();
});
afterEach(async () => env.cleanup());

const ago = (days: number) => new Date(env.clock.now.getTime() - days * DAY_MS).toISOString();
const statusOf = async (deviceId: string, checkId: string, asOf: string | null = null) =>
  (await env.services.history.device(deviceId, asOf)).checks.find((c) => c.checkId === checkId)!;

describe('waivers', () => {
  it('a waived failure shows as waived with its waiver, never as pass, and the evaluation is kept', async () => {
    const d = await enrolTestDevice(env);
    await deliver(env, d, [{ collectedAt: ago(1), checks: await fullChecks({ firewall: 'fail', usb_storage: 'fail' }, ago(1)) }]);
    const w = await env.services.waivers.create({ deviceId: d.id, checkId: 'usb_storage', reason: 'imaging export needs USB', approver: 'CISO', expires: 30 * DAY_MS, actor: 'admin' });
    const usb = await statusOf(d.id, 'usb_storage');
    expect(usb).toMatchObject({ status: 'fail', effective: 'waived', waiver: { id: w.id, approver: 'CISO' } });
    expect((await statusOf(d.id, 'firewall')).effective).toBe('fail');
    const controls = Object.fromEntries((await env.services.controls.forDevice(d.id)).map((c) => [c.id, c]));
    expect(controls['7.10']!.status).toBe('waived');
    expect(controls['8.1']!.status).toBe('fail');
  });

  it('an expired waiver stops applying on its own, and an as-of view applies the waivers in force then', async () => {
    const d = await enrolTestDevice(env);
    await deliver(env, d, [{ collectedAt: ago(1), checks: [usbCheck('fail')] }]);
    await env.services.waivers.create({ checkId: 'usb_storage', reason: 'fleet-wide rollout of USB blocking', approver: 'CISO', expires: 7 * DAY_MS, actor: 'admin' });
    const during = env.clock.now.toISOString();
    expect((await statusOf(d.id, 'usb_storage')).effective).toBe('waived');
    env.advance(7 * DAY_MS + 1);
    expect((await statusOf(d.id, 'usb_storage')).effective).toBe('fail');
    expect(await env.services.waivers.list()).toEqual([]);
    expect((await env.services.waivers.list({ all: true }))[0]!.state).toBe('expired');
    // Looking back at a moment the waiver was in force still shows it.
    expect((await statusOf(d.id, 'usb_storage', during)).effective).toBe('waived');
    expect((await env.services.controls.fleet()).find((f) => f.id === '7.10')!.counts).toMatchObject({ fail: 1, waived: 0 });
  });

  it('a control waiver covers that control only; a device waiver covers every check of the device', async () => {
    const a = await enrolTestDevice(env);
    const b = await enrolTestDevice(env);
    for (const d of [a, b]) await deliver(env, d, [{ collectedAt: ago(1), checks: [firewallCheck('fail')] }]);
    await env.services.waivers.create({ control: 'A.8.20', deviceId: a.id, reason: 'segmented VLAN', approver: 'CISO', expires: DAY_MS, actor: 'admin' });
    await env.services.waivers.create({ deviceId: b.id, reason: 'decommissioning this week', approver: 'IT lead', expires: DAY_MS, actor: 'admin' });
    const ca = Object.fromEntries((await env.services.controls.forDevice(a.id)).map((c) => [c.id, c.status]));
    // remote_access (the other evidence for A.8.20) was not reported: the control waiver covers that too.
    expect([ca['8.20'], ca['8.1'], ca['8.22'], (await statusOf(a.id, 'firewall')).effective]).toEqual(['waived', 'fail', 'fail', 'fail']);
    expect((await statusOf(b.id, 'firewall')).effective).toBe('waived');
  });

  it('revoking ends a waiver at once; creation and revocation are in the audit log', async () => {
    const d = await enrolTestDevice(env);
    await deliver(env, d, [{ collectedAt: ago(1), checks: [firewallCheck('fail')] }]);
    const w = await env.services.waivers.create({ deviceId: d.id, checkId: 'firewall', reason: 'maintenance', approver: 'CISO', expires: DAY_MS, actor: 'admin-1' });
    env.advance(1000);
    await env.services.waivers.revoke(w.id, 'admin-2', 'fixed');
    expect((await statusOf(d.id, 'firewall')).effective).toBe('fail');
    await expect(env.services.waivers.revoke(w.id, 'admin-2', 'again')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    const log = await env.db.all<{ actor: string; action: string; subject: string }>("SELECT actor, action, subject FROM audit_log WHERE action LIKE 'waiver.%' ORDER BY id");
    expect(log).toEqual([
      { actor: 'admin-1', action: 'waiver.create', subject: w.id },
      { actor: 'admin-2', action: 'waiver.revoke', subject: w.id },
    ]);
  });

  it('refuses waivers without a scope, with both a check and a control, unknown targets, no reason, or longer than a year', async () => {
    const base = { reason: 'r', approver: 'a', expires: DAY_MS, actor: 'admin' };
    await expect(env.services.waivers.create(base)).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(env.services.waivers.create({ ...base, checkId: 'firewall', control: '8.20' })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(env.services.waivers.create({ ...base, control: '9.99' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(env.services.waivers.create({ ...base, checkId: 'no_such_check' })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(env.services.waivers.create({ ...base, deviceId: 'dev_' + '0'.repeat(32) })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(env.services.waivers.create({ ...base, checkId: 'firewall', reason: '  ' })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(env.services.waivers.create({ ...base, checkId: 'firewall', expires: 400 * DAY_MS })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    await expect(env.services.waivers.create({ ...base, checkId: 'firewall', expires: ago(1) })).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
    expect(await env.services.waivers.list({ all: true })).toEqual([]);
  });
});
