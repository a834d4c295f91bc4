// History retention on the database under test: what is pruned, and what stays whatever its age
// (current-state evidence, the baseline of the retained window, an export's period).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetentionService, holdsRepo, withEvidenceHold } from '../../collector/retention/service.js';
import { dataDir, loadConfig, saveConfig } from '../../collector/config.js';
import { COLLECTOR_CLI, cli } from '../helpers/processes.js';
import { DAY_MS, deliver, enrolTestDevice, fullChecks, servicesWithClock, type TestDevice } from '../helpers/collector.js';

let env: Awaited<ReturnType<typeof servicesWithClock>>;
let d: TestDevice;
const start = new Date('2026-01-01T12:00:00.000Z');
const day = (n: number) => new Date(start.getTime() + n * DAY_MS).toISOString();

beforeEach(async () => {
  env = await servicesWithClock(start);
  d = await enrolTestDevice(env);
  // Day n's envelope is sequence n + 1. USB storage fails from day 5 on; the firewall fails on days 10–12.
  for (let n = 0; n < 60; n++) {
    env.clock.now = new Date(day(n));
    const outcomes: Record<string, 'pass' | 'fail'> = {};
    if (n >= 5) outcomes.usb_storage = 'fail';
    if (n >= 10 && n <= 12) outcomes.firewall = 'fail';
    await deliver(env, d, [{ collectedAt: day(n), checks: await fullChecks(outcomes, day(n)) }]);
  }
  env.clock.now = new Date(day(60));
}, 60_000);
afterEach(async () => env.cleanup());

const seqs = async () => (await env.db.all<{ seq: number }>('SELECT seq FROM envelopes WHERE device_id = ? ORDER BY seq', [d.id])).map((r) => r.seq);

describe('retention', () => {
  it('is off unless configured', async () => {
    const off = new RetentionService(env.db, () => env.clock.now, () => undefined);
    expect(await off.cutoff()).toBeNull();
    await expect(off.run()).rejects.toMatchObject({ code: 'E_CONFIG' });
    expect(await seqs()).toHaveLength(60);
  });

  it('prunes what is older than the cutoff and keeps the evidence of the current state and the window baseline', async () => {
    const r = new RetentionService(env.db, () => env.clock.now, () => ({ days: 30, auditWindowDays: 14 }));
    expect((await r.cutoff())!.cutoff).toBe(day(30));
    const preview = await r.preview();
    const out = await r.run('test');
    expect(out.cutoff).toBe(day(30));
    // Kept: days 30..59 (sequences 31..60); day 29 (sequence 30), the state at the start of the window;
    // day 0 (sequence 1): eleven checks have passed since then; day 4 (sequence 5): USB storage last
    // passed; day 5 (sequence 6): USB storage has failed since then (since / first failed); day 13
    // (sequence 14): the firewall has passed since then.
    const expected = [1, 5, 6, 14, ...Array.from({ length: 31 }, (_, i) => 30 + i)];
    expect(await seqs()).toEqual(expected);
    expect(out.envelopesDeleted).toBe(60 - expected.length);
    expect(preview.prunable).toBe(out.envelopesDeleted);
    expect(out.resultsDeleted).toBe(out.envelopesDeleted * 13);
    expect(out.keptPinned).toBe(5);
    const orphans = await env.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM check_results r WHERE NOT EXISTS (SELECT 1 FROM envelopes e WHERE e.device_id = r.device_id AND e.seq = r.seq)');
    expect(orphans!.n).toBe(0);
    // The state as of the window start is still answerable from what stayed, and matches the evidence.
    const page = await env.services.history.page({ asOf: new Date(Date.parse(day(30)) - 3_600_000).toISOString(), deviceId: d.id });
    expect(page.devices[0]!.envelope!.seq).toBe(30);
    expect(page.devices[0]!.checks.find((c) => c.checkId === 'usb_storage')).toMatchObject({ status: 'fail', firstFailedSeq: 6 });
    // A second run finds nothing more; both runs are recorded, and the prune is in the audit log.
    expect((await r.run('test')).envelopesDeleted).toBe(0);
    expect((await r.lastRuns()).map((x) => x.envelopes_deleted)).toEqual([0, out.envelopesDeleted]);
    const logged = await env.db.all<{ action: string; actor: string }>("SELECT action, actor FROM audit_log WHERE action = 'retention.prune'");
    expect(logged).toHaveLength(2);
  });

  it('never reaches into the audit window, even when days is shorter', async () => {
    const r = new RetentionService(env.db, () => env.clock.now, () => ({ days: 10, auditWindowDays: 45 }));
    expect((await r.cutoff())!.cutoff).toBe(day(15));
    await r.run();
    expect((await seqs()).filter((s) => s >= 16)).toHaveLength(45);
  });

  it('a running export holds its period: nothing collected since its start is pruned', async () => {
    const r = new RetentionService(env.db, () => env.clock.now, () => ({ days: 30, auditWindowDays: 30 }));
    const during = await withEvidenceHold(env.db, () => env.clock.now, 'export test', day(20), async () => {
      expect(await holdsRepo.active(env.db, env.clock.now.toISOString())).toHaveLength(1);
      return r.run();
    });
    expect(during.cutoff).toBe(day(20));
    expect(during.heldFrom).toBe(day(20));
    expect((await seqs()).filter((s) => s >= 21)).toHaveLength(40);
    expect(await holdsRepo.active(env.db, env.clock.now.toISOString())).toEqual([]);
    // With the hold gone, the next run prunes to the configured cutoff.
    const after = await r.run();
    expect(after.cutoff).toBe(day(30));
    expect(after.envelopesDeleted).toBeGreaterThan(0);
  });

  it('vigil-collector retention status and run, on the data directory\'s database', async () => {
    const dir = dataDir(env.dataDir);
    const off = await cli(COLLECTOR_CLI, ['retention', 'status', '--data', env.dataDir]);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toMatch(/retention is off/);
    await saveConfig(dir, { ...(await loadConfig(dir)), retention: { days: 30, auditWindowDays: 30 } });
    const run = await cli(COLLECTOR_CLI, ['retention', 'run', '--json', '--data', env.dataDir]);
    expect(run.code, run.stderr).toBe(0);
    // The CLI runs on the wall clock, months after this history: only the pinned envelopes stay, and the
    // newest one (the state at the cutoff).
    expect(await seqs()).toEqual([1, 5, 6, 14, 60]);
    expect(JSON.parse(run.stdout)).toMatchObject({ envelopesDeleted: 55, keptPinned: 5 });
    const status = await cli(COLLECTOR_CLI, ['retention', 'status', '--data', env.dataDir]);
    expect(status.stdout).toMatch(/keep 30 days \(audit window 30 days\)/);
    expect(status.stdout).toMatch(/a run now would prune 0 envelope/);
  });
});
