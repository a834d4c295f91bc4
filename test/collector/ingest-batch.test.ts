// Group commit: many attestations of many devices in one transaction, each decided on its own, in order;
// a refused attestation ends its stream without dragging others into tamper records; two collectors on
// one database ingesting the same device serialise on the device row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestService, type IngestOutcome } from '../../collector/ingest/service.js';
import { streamDevicesRepo } from '../../collector/ingest/repo.js';
import { DEFAULT_POLICY } from '../../protocol/policy.js';
import { countEnvelopes, enrolTestDevice, envelopeFor, sha256, startTestCollector, tamperCodes, type TestDevice } from '../helpers/collector.js';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let c: Collector;

beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(async () => c.cleanup());

/** A device's chain of n envelopes from sequence 1. */
function chain(d: TestDevice, n: number): string[] {
  const out: string[] = [];
  let previous = d.digest;
  for (let seq = 1; seq <= n; seq++) {
    const text = envelopeFor(d, seq, previous);
    out.push(text);
    previous = sha256(text);
  }
  return out;
}

async function settle(p: Promise<IngestOutcome>): Promise<IngestOutcome | string> {
  return p.catch((err: { code?: string }) => err.code ?? 'no code');
}

describe('ingest batches', () => {
  it('stores the attestations of several devices sent at once, each in its own order', async () => {
    const devices = [await enrolTestDevice(c), await enrolTestDevice(c), await enrolTestDevice(c)];
    const pending: Promise<IngestOutcome | string>[] = [];
    for (const d of devices) {
      const row = (await c.services.ingest.device(d.id))!;
      const stream = {};
      chain(d, 12).forEach((text, i) => pending.push(settle(c.services.ingest.ingest(row, i + 1, text, 'test', stream))));
    }
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((o) => typeof o === 'object' && !o.duplicate)).toBe(true);
    for (const d of devices) {
      expect(await countEnvelopes(c, d.id)).toBe(12);
      expect((await c.services.ingest.device(d.id))!.last_seq).toBe(12);
    }
  });

  it('acks a resend within the same batch as a duplicate', async () => {
    const d = await enrolTestDevice(c);
    const row = (await c.services.ingest.device(d.id))!;
    const [one, two] = chain(d, 2);
    const outcomes = await Promise.all([
      settle(c.services.ingest.ingest(row, 1, one!, 'test')),
      settle(c.services.ingest.ingest(row, 1, one!, 'test')),
      settle(c.services.ingest.ingest(row, 2, two!, 'test')),
    ]);
    expect(outcomes).toEqual([{ seq: 1, duplicate: false }, { seq: 1, duplicate: true }, { seq: 2, duplicate: false }]);
  });

  it('after a refused attestation drops the rest of its stream, recording only the refusal as tamper', async () => {
    const d = await enrolTestDevice(c);
    const row = (await c.services.ingest.device(d.id))!;
    const good = envelopeFor(d, 1, d.digest);
    const broken = envelopeFor(d, 2, '0'.repeat(64));
    const after = envelopeFor(d, 3, sha256(broken));
    const stream = {};
    const outcomes = await Promise.all([good, broken, after].map((text, i) => settle(c.services.ingest.ingest(row, i + 1, text, 'test', stream))));
    expect(outcomes).toEqual([{ seq: 1, duplicate: false }, 'E_CHAIN_BREAK', 'E_UNEXPECTED_MESSAGE']);
    expect(await tamperCodes(c, d.id)).toEqual(['E_CHAIN_BREAK']);
    expect(await countEnvelopes(c, d.id)).toBe(1);
  });

  it('two collectors ingesting the same devices at once store each sequence once and keep the chain', async () => {
    const other = new IngestService(c.db, () => new Date(), { maxClockSkewMs: 300_000, maxEvidenceAgeMs: 86_400_000 }, () => DEFAULT_POLICY);
    const devices = [await enrolTestDevice(c), await enrolTestDevice(c)];
    const pending: Promise<IngestOutcome | string>[] = [];
    for (const d of devices) {
      const row = (await c.services.ingest.device(d.id))!;
      const texts = chain(d, 30);
      for (const service of [c.services.ingest, other]) {
        const stream = {};
        texts.forEach((text, i) => pending.push(settle(service.ingest(row, i + 1, text, 'test', stream))));
      }
    }
    const outcomes = await Promise.all(pending);
    expect(outcomes.filter((o) => typeof o === 'string')).toEqual([]);
    expect(outcomes.filter((o) => typeof o === 'object' && !o.duplicate)).toHaveLength(60);
    for (const d of devices) {
      expect(await countEnvelopes(c, d.id)).toBe(30);
      expect((await c.services.ingest.device(d.id))!.last_seq).toBe(30);
      expect(await tamperCodes(c, d.id)).toEqual([]);
    }
  });

  it('moves many device heads in one statement, only those still at the sequence the batch read', async () => {
    const [a, b] = [await enrolTestDevice(c), await enrolTestDevice(c)];
    const device = { hostname: 'moved', osPlatform: 'linux', osName: 'Debian', osVersion: '12', arch: 'x64', serial: null, model: 'M1', agentVersion: '9.9.9' };
    const at = '2026-01-02T03:04:05.000Z';
    const moved = await c.db.tx((q) =>
      streamDevicesRepo.advanceAll(q, [
        { id: a.id, seq: 1, hash: 'a'.repeat(64), at, device, expectedLastSeq: 0 },
        { id: b.id, seq: 6, hash: 'b'.repeat(64), at, device, expectedLastSeq: 5 },
      ]),
    );
    expect([...moved]).toEqual([a.id]);
    const rows = await c.db.all<{ id: string; last_seq: number; last_hash: string | null; hostname: string; model: string | null; agent_version: string; last_attested_at: string | null }>(
      'SELECT id, last_seq, last_hash, hostname, model, agent_version, last_attested_at FROM devices WHERE id IN (?, ?) ORDER BY id',
      [a.id, b.id],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(a.id)).toMatchObject({ last_seq: 1, last_hash: 'a'.repeat(64), hostname: 'moved', model: 'M1', agent_version: '9.9.9', last_attested_at: at });
    expect(byId.get(b.id)).toMatchObject({ last_seq: 0, last_hash: null });
    expect(byId.get(b.id)!.hostname).not.toBe('moved');
  });

  it('records many session starts in one statement, each with its own time and clock offset', async () => {
    const [a, b] = [await enrolTestDevice(c), await enrolTestDevice(c)];
    await c.db.tx((q) =>
      streamDevicesRepo.sessionsStarted(q, [
        { id: a.id, at: '2026-01-02T00:00:00.000Z', skewMs: -1500.4 },
        { id: b.id, at: '2026-01-03T00:00:00.000Z', skewMs: 42 },
      ]),
    );
    const rows = await c.db.all<{ id: string; last_seen_at: string; last_clock_skew_ms: number }>('SELECT id, last_seen_at, last_clock_skew_ms FROM devices WHERE id IN (?, ?)', [a.id, b.id]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(a.id)).toMatchObject({ last_seen_at: '2026-01-02T00:00:00.000Z', last_clock_skew_ms: -1500 });
    expect(byId.get(b.id)).toMatchObject({ last_seen_at: '2026-01-03T00:00:00.000Z', last_clock_skew_ms: 42 });
  });

  it('hellos arriving together are looked up and recorded together, each with its own answer', async () => {
    const devices = [await enrolTestDevice(c), await enrolTestDevice(c), await enrolTestDevice(c)];
    const found = await Promise.all([...devices.map((d) => c.services.ingest.device(d.id)), c.services.ingest.device('no-such-device')]);
    expect(found.map((d) => d?.id)).toEqual([...devices.map((d) => d.id), undefined]);
    expect(found[0]!.public_key_pem).toContain('PUBLIC KEY');
    await Promise.all(devices.map((d, i) => c.services.ingest.sessionStarted(d.id, i * 1000)));
    const rows = await c.db.all<{ id: string; last_clock_skew_ms: number; last_seen_at: string | null }>(
      `SELECT id, last_clock_skew_ms, last_seen_at FROM devices WHERE id IN (?, ?, ?)`,
      devices.map((d) => d.id),
    );
    const skew = new Map(rows.map((r) => [r.id, r.last_clock_skew_ms]));
    expect(devices.map((d) => skew.get(d.id))).toEqual([0, 1000, 2000]);
    expect(rows.every((r) => r.last_seen_at !== null)).toBe(true);
  });
});
