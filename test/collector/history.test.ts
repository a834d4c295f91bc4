// History: every evaluation kept; first failed / last passed per device and check; the fleet as of any
// past moment, with the verdicts of the policy in force then.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, marksAsOf, type CheckState, type Transition } from '../../collector/history/state.js';
import { checkStateRepo } from '../../collector/history/repo.js';
import { daysAgo, deliver, enrolTestDevice, firewallCheck, firewallUnknown, startTestCollector, usbCheck } from '../helpers/collector.js';

describe('first failed / last passed (pure)', () => {
  const run = (statuses: ('pass' | 'fail' | 'unknown')[]) => {
    let state: CheckState | undefined;
    const transitions: Transition[] = [];
    statuses.forEach((status, i) => {
      const next = advance('dev', state, { checkId: 'firewall', seq: i + 1, collectedAt: `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`, status, reason: null });
      state = next.state;
      if (next.transition) transitions.push(next.transition);
    });
    return { state: state!, transitions };
  };

  it('first failed is the first fail since the last pass; an unknown in between does not restart it', () => {
    const { state } = run(['pass', 'pass', 'fail', 'unknown', 'fail']);
    expect(state).toMatchObject({ status: 'fail', first_failed_seq: 3, last_passed_seq: 2, since_seq: 5 });
  });

  it('a pass clears first failed; it never passed means no last passed', () => {
    expect(run(['fail', 'fail', 'pass']).state).toMatchObject({ first_failed_seq: null, last_passed_seq: 3 });
    expect(run(['fail', 'fail']).state).toMatchObject({ first_failed_seq: 1, last_passed_seq: null });
  });

  it('records transitions only when the status changes', () => {
    const { transitions } = run(['pass', 'pass', 'fail', 'fail', 'pass']);
    expect(transitions.map((t) => [t.seq, t.prev_status, t.status])).toEqual([
      [1, null, 'pass'],
      [3, 'pass', 'fail'],
      [5, 'fail', 'pass'],
    ]);
  });

  it('replaying transitions gives the same marks as the running state, at every point', () => {
    const statuses: ('pass' | 'fail' | 'unknown')[] = ['unknown', 'fail', 'pass', 'pass', 'fail', 'unknown', 'unknown', 'fail', 'pass', 'fail'];
    for (let n = 1; n <= statuses.length; n++) {
      const { state, transitions } = run(statuses.slice(0, n));
      const marks = marksAsOf(transitions, { seq: state.last_seq, collectedAt: state.last_at, status: state.status });
      expect([marks.firstFailedSeq, marks.lastPassedSeq, marks.sinceSeq], `after ${n}`).toEqual([state.first_failed_seq, state.last_passed_seq, state.since_seq]);
    }
  });
});

describe('history in the collector', () => {
  type Collector = Awaited<ReturnType<typeof startTestCollector>>;
  let c: Collector;
  let d: Awaited<ReturnType<typeof enrolTestDevice>>;
  beforeAll(async () => {
    c = await startTestCollector();
    d = await enrolTestDevice(c);
    await deliver(c, d, [
      { collectedAt: daysAgo(10), checks: [firewallCheck('pass'), usbCheck('pass')] },
      { collectedAt: daysAgo(8), checks: [firewallCheck('pass'), usbCheck('pass')] },
      { collectedAt: daysAgo(6), checks: [firewallCheck('fail'), usbCheck('pass')] },
      { collectedAt: daysAgo(5), checks: [firewallUnknown(), usbCheck('pass')] },
      { collectedAt: daysAgo(4), checks: [firewallCheck('fail'), usbCheck('fail')] },
      { collectedAt: daysAgo(2), checks: [firewallCheck('pass'), usbCheck('fail')] },
      { collectedAt: daysAgo(1), checks: [firewallCheck('fail'), usbCheck('fail')] },
    ]);
  });
  afterAll(async () => c.cleanup());

  const at = async (seq: number) => (await c.db.get<{ collected_at: string }>('SELECT collected_at FROM envelopes WHERE device_id = ? AND seq = ?', [d.id, seq]))!.collected_at;

  it('keeps every evaluation', async () => {
    const rows = await c.services.history.evaluations(d.id, { checkId: 'firewall' });
    expect(rows.map((r) => [r.seq, r.status])).toEqual([
      [7, 'fail'], [6, 'pass'], [5, 'fail'], [4, 'unknown'], [3, 'fail'], [2, 'pass'], [1, 'pass'],
    ]);
    expect(rows.every((r) => /^default@sha256:/.test(r.policy_version))).toBe(true);
  });

  it('tracks first failed and last passed per check as evaluations arrive', async () => {
    const state = Object.fromEntries((await checkStateRepo.forDevice(c.db, d.id)).map((s) => [s.check_id, s]));
    expect(state.firewall).toMatchObject({ status: 'fail', first_failed_seq: 7, first_failed_at: await at(7), last_passed_seq: 6, last_passed_at: await at(6) });
    expect(state.usb_storage).toMatchObject({ status: 'fail', first_failed_seq: 5, first_failed_at: await at(5), last_passed_seq: 4 });
  });

  it('shows the device as it was at any past moment', async () => {
    const byCheck = async (asOf: string | null) => Object.fromEntries((await c.services.history.device(d.id, asOf)).checks.map((x) => [x.checkId, x]));
    const threeDaysAgo = await byCheck(daysAgo(3));
    expect(threeDaysAgo.firewall).toMatchObject({ status: 'fail', firstFailedAt: await at(3), lastPassedAt: await at(2) });
    expect(threeDaysAgo.usb_storage).toMatchObject({ status: 'fail', firstFailedAt: await at(5), lastPassedAt: await at(4) });
    const nineDaysAgo = await byCheck(daysAgo(9));
    expect(nineDaysAgo.firewall).toMatchObject({ status: 'pass', firstFailedAt: null, lastPassedAt: await at(1) });
    expect((await c.services.history.device(d.id, daysAgo(9))).envelope!.seq).toBe(1);
  });

  it('as of now agrees with the running state', async () => {
    const state = Object.fromEntries((await checkStateRepo.forDevice(c.db, d.id)).map((s) => [s.check_id, s]));
    for (const v of (await c.services.history.device(d.id, null)).checks) {
      expect([v.status, v.firstFailedSeq, v.lastPassedSeq], v.checkId).toEqual([state[v.checkId]!.status, state[v.checkId]!.first_failed_seq, state[v.checkId]!.last_passed_seq]);
    }
  });

  it('leaves out devices that had not enrolled or attested yet, and devices revoked by then', async () => {
    const late = await enrolTestDevice(c);
    await c.db.run('UPDATE devices SET enrolled_at = ? WHERE id = ?', [daysAgo(0.5), late.id]);
    const ids = async (asOf: string | null) => {
      const out: string[] = [];
      for await (const s of c.services.history.fleet({ asOf })) out.push(s.device.id);
      return out;
    };
    expect(await ids(daysAgo(3))).toContain(d.id);
    expect(await ids(daysAgo(3))).not.toContain(late.id);
    expect(await ids(null)).toContain(late.id);
    await expect(c.services.history.device(late.id, daysAgo(3))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await c.services.devices.revoke(late.id, 'test', 'returned');
    expect(await ids(null)).not.toContain(late.id);
  });
});

describe('as of a moment, across policy changes', () => {
  type Collector = Awaited<ReturnType<typeof startTestCollector>>;
  let c: Collector;
  beforeAll(async () => {
    c = await startTestCollector();
  });
  afterAll(async () => c.cleanup());

  const allowInbound = () => ({ id: 'firewall', status: 'pass' as const, facts: { backends: [{ name: 'nftables', active: true, inboundDefault: 'allow' }] }, evidence: [{ source: 'nft -j list ruleset', exitCode: 0 }] });

  it('each moment shows the verdict of the policy in force when its evidence arrived, and its version', async () => {
    const d = await enrolTestDevice(c);
    const file = join(c.dataDir, 'policy.yaml');
    const strict = c.policy.current().version;
    await deliver(c, d, [{ collectedAt: daysAgo(6), checks: [allowInbound()] }]);

    await writeFile(file, (await readFile(file, 'utf8')).replace('label: default', 'label: lenient').replace('requireInboundDeny: true', 'requireInboundDeny: false'));
    await c.policy.reload();
    const lenient = c.policy.current().version;
    await deliver(c, d, [{ collectedAt: daysAgo(4), checks: [allowInbound()] }]);

    await writeFile(file, (await readFile(file, 'utf8')).replace('label: lenient', 'label: strict-again').replace('requireInboundDeny: false', 'requireInboundDeny: true'));
    await c.policy.reload();
    await deliver(c, d, [{ collectedAt: daysAgo(2), checks: [allowInbound()] }]);

    const view = async (asOf: string) => {
      const s = await c.services.history.device(d.id, asOf);
      return { status: s.checks[0]!.status, policy: s.envelope!.policy_version };
    };
    expect(await view(daysAgo(5))).toEqual({ status: 'fail', policy: strict });
    expect(await view(daysAgo(3))).toEqual({ status: 'pass', policy: lenient });
    expect(await view(daysAgo(1))).toEqual({ status: 'fail', policy: c.policy.current().version });
    // The same facts, three verdicts: nothing was re-evaluated after the fact.
    const controls = async (asOf: string) => (await c.services.controls.forDevice(d.id, asOf)).find((x) => x.id === '8.20')!.status;
    expect([await controls(daysAgo(5)), await controls(daysAgo(3)), await controls(daysAgo(1))]).toEqual(['fail', 'unknown', 'fail']);
  });
});
