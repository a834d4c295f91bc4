// The daemon in-process against a real collector: a re-check command from the collector triggers a
// cycle at once, long before the next interval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDaemon, type AgentContext } from '../../agent/daemon.js';
import { enrol } from '../../agent/enrol.js';
import { fetchPinnedCa, postJson } from '../../agent/http.js';
import { generateDeviceKey } from '../../agent/keystore.js';
import { Spool } from '../../agent/spool.js';
import { ensureStateDir, statePaths } from '../../agent/state.js';
import { formatEnrolmentString } from '../../protocol/enrolment-string.js';
import { DEVICE, startTestCollector, tempDir } from '../helpers/collector.js';
import { until } from '../helpers/processes.js';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let c: Collector;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  c = await startTestCollector();
  dir = await tempDir('vigil-daemon-');
});
afterAll(async () => {
  await c.cleanup();
  await dir.cleanup();
});

describe('agent daemon', () => {
  it('streams a cycle on start and another when the collector asks for a re-check', async () => {
    const t = await c.services.enrolment.createToken({ role: 'workstation', expiresInMs: 60_000, maxUses: 1, actor: 'test' });
    const { enrolment, key } = await enrol(formatEnrolmentString({ url: c.url, token: t.token, caSha256: c.caSha256 }), {
      fetchPinnedCa,
      postJson,
      createKey: async () => generateDeviceKey(),
      deviceFacts: async () => DEVICE,
      now: () => new Date(),
    });
    const paths = statePaths(dir.path);
    await ensureStateDir(paths);
    const lines: string[] = [];
    const ctx: AgentContext = {
      enrolment,
      key,
      spool: await Spool.open(paths),
      checks: [{ id: 'firewall', collect: async () => ({ facts: { backends: [{ name: 'nftables', active: true, inboundDefault: 'deny' }] }, evidence: [] }) }],
      deps: { run: async () => Promise.reject(new Error('unused')), files: { readText: async () => null, mtimeMs: async () => null, exists: async () => false }, now: () => Date.now() },
      deviceFacts: async () => DEVICE,
      log: (l) => lines.push(l),
    };
    const abort = new AbortController();
    const running = runDaemon(ctx, abort.signal, 3_600_000);
    const stored = async () => (await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM envelopes WHERE device_id = ?', [enrolment.deviceId]))!.n;
    await until(async () => (await stored()) === 1, 10_000, 'first attestation');
    await until(async () => c.app.stream.sendRecheck(enrolment.deviceId), 5_000, 'session registered');
    await until(async () => (await stored()) === 2, 10_000, 'attestation after re-check');
    abort.abort();
    await running;
    expect(lines.some((l) => /connected to https:\/\/127\.0\.0\.1/.test(l))).toBe(true);
    expect((await ctx.spool.pendingSeqs()).length).toBe(0);
  });
});
