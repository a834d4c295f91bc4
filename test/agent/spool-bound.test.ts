// The spool is bounded in bytes: when full, the oldest unsent attestations give way to one signed gap
// marker, and the collector stores the marker, records the lost sequences and accepts the chain after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attest } from '../../agent/cycle.js';
import { runOnce, type AgentContext } from '../../agent/daemon.js';
import { enrol } from '../../agent/enrol.js';
import { fetchPinnedCa, postJson } from '../../agent/http.js';
import { generateDeviceKey } from '../../agent/keystore.js';
import { Spool, signedGapMarker, spooledPredicate } from '../../agent/spool.js';
import { ensureStateDir, statePaths } from '../../agent/state.js';
import { formatEnrolmentString } from '../../protocol/enrolment-string.js';
import { DEVICE, startTestCollector, tamperCodes, tempDir } from '../helpers/collector.js';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let c: Collector;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  c = await startTestCollector();
  dir = await tempDir('vigil-spool-bound-');
});
afterAll(async () => {
  await c.cleanup();
  await dir.cleanup();
});

const MiB = 1024 * 1024;
/** One check whose facts weigh about `bytes`, so a few attestations fill a 1 MiB spool. */
const heavy = (bytes: number, n: number) => [
  { id: 'firewall', status: 'pass' as const, facts: { backends: [{ name: 'nftables', active: true, inboundDefault: 'deny' }], pad: `${n}`.padEnd(bytes, 'x') }, evidence: [] },
];

describe('bounded spool', () => {
  it('drops the oldest unsent attestations into a signed gap marker the collector records, and the chain continues', async () => {
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
    const agent = { version: '0.1.0' };
    const spool = await Spool.open(paths, { maxBytes: 1 * MiB, gapMarker: signedGapMarker(key, agent) });

    // Offline: ten attestations of ~200 KB each (~270 KB as base64 envelopes) into a 1 MiB spool.
    for (let n = 1; n <= 10; n++) {
      await attest({ key, spool, device: DEVICE, role: 'workstation', results: heavy(200_000, n), collectedAt: new Date(Date.now() - (11 - n) * 1000).toISOString(), agent });
    }
    expect(await spool.bytes()).toBeLessThanOrEqual(1 * MiB);
    const pending = await spool.pendingSeqs();
    expect(pending.at(-1)).toBe(10); // the newest is never dropped
    const marker = spooledPredicate(await spool.read(pending[0]!));
    expect(pending[0]).toBe(1);
    expect(marker.checks).toEqual([]);
    expect(marker.gap?.reason).toBe('spool-full');
    expect(marker.gap!.toSeq).toBe(pending[1]! - 1);
    expect(marker.gap!.droppedBytes).toBeGreaterThan(1 * MiB);

    // Back online: everything left is delivered and accepted, nothing counts as tampering.
    const ctx: AgentContext = {
      enrolment,
      key,
      spool,
      checks: [{ id: 'firewall', collect: async () => ({ facts: { backends: [{ name: 'nftables', active: true, inboundDefault: 'deny' }] }, evidence: [] }) }],
      deps: { run: async () => Promise.reject(new Error('unused')), files: { readText: async () => null, mtimeMs: async () => null, exists: async () => false }, now: () => Date.now() },
      deviceFacts: async () => DEVICE,
      log: () => undefined,
      agent,
    };
    const { seq } = await runOnce(ctx, 20_000);
    expect(seq).toBe(11);
    const stored = await c.db.all<{ seq: number }>('SELECT seq FROM envelopes WHERE device_id = ? ORDER BY seq', [enrolment.deviceId]);
    expect(stored.map((r) => r.seq)).toEqual([1, ...pending.slice(1), 11]);
    const device = await c.db.get<{ last_seq: number }>('SELECT last_seq FROM devices WHERE id = ?', [enrolment.deviceId]);
    expect(device!.last_seq).toBe(11);
    expect(await tamperCodes(c, enrolment.deviceId)).toEqual([]);
    // The marker is kept verbatim: which sequences were lost and how many bytes, signed by the device.
    const row = await c.db.get<{ bytes: Buffer }>('SELECT bytes FROM envelopes WHERE device_id = ? AND seq = 1', [enrolment.deviceId]);
    expect(spooledPredicate(Buffer.from(row!.bytes).toString('utf8')).gap).toEqual(marker.gap);
  });

  it('refuses an undeclared gap as before (E_SEQ_GAP)', async () => {
    const d2 = await tempDir('vigil-spool-gap-');
    try {
      const t = await c.services.enrolment.createToken({ role: 'workstation', expiresInMs: 60_000, maxUses: 1, actor: 'test' });
      const { enrolment, key } = await enrol(formatEnrolmentString({ url: c.url, token: t.token, caSha256: c.caSha256 }), {
        fetchPinnedCa,
        postJson,
        createKey: async () => generateDeviceKey(),
        deviceFacts: async () => DEVICE,
        now: () => new Date(),
      });
      const paths = statePaths(d2.path);
      await ensureStateDir(paths);
      const spool = await Spool.open(paths); // no bound, no marker
      for (let n = 1; n <= 3; n++) await attest({ key, spool, device: DEVICE, role: 'workstation', results: heavy(100, n), collectedAt: new Date().toISOString() });
      const { unlink } = await import('node:fs/promises');
      await unlink(`${paths.spool}/000000000001.json`);
      const ctx: AgentContext = {
        enrolment,
        key,
        spool,
        checks: [],
        deps: { run: async () => Promise.reject(new Error('unused')), files: { readText: async () => null, mtimeMs: async () => null, exists: async () => false }, now: () => Date.now() },
        deviceFacts: async () => DEVICE,
        log: () => undefined,
      };
      await expect(runOnce(ctx, 3_000)).rejects.toMatchObject({ code: 'E_NOT_ACKED' });
      expect(await tamperCodes(c, enrolment.deviceId)).toContain('E_SEQ_GAP');
    } finally {
      await d2.cleanup();
    }
  });
});
