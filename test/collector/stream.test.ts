// Hostile input at the stream endpoint: every rejection carries its code, nothing is stored from it,
// and tampering is recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../../protocol/messages.js';
import { countEnvelopes, connect, enrolTestDevice, envelopeFor, generateKeyPairSync, session, sha256, startTestCollector, tamperCodes } from '../helpers/collector.js';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let c: Collector;

beforeAll(async () => {
  c = await startTestCollector({ helloTimeoutMs: 300 });
});
afterAll(async () => c.cleanup());

describe('stream session handshake', () => {
  it('welcomes an enrolled device and reports it has stored nothing yet', async () => {
    const d = await enrolTestDevice(c);
    const s = await session(c, c.caPem, d);
    expect(s.welcome).toMatchObject({ type: 'welcome', deviceId: d.id, lastSeq: 0, lastHash: null });
    s.ws.close();
  });

  it('records the device clock skew at session start', async () => {
    const d = await enrolTestDevice(c);
    const s = await session(c, c.caPem, d, { time: new Date(Date.now() + 90_000).toISOString() });
    expect(s.welcome.type).toBe('welcome');
    const row = await c.services.devices.get(d.id);
    expect(row.last_clock_skew_ms).toBeGreaterThan(85_000);
    expect(row.last_clock_skew_ms).toBeLessThan(95_000);
    s.ws.close();
  });

  it('closes a connection that sends no hello within the timeout', async () => {
    const client = await connect(c, c.caPem);
    await client.next('challenge');
    const err = await client.next('error', 3000);
    expect(err.code).toBe('E_HELLO_TIMEOUT');
    expect((await client.closed).code).toBe(1008);
  });

  it('refuses a hello signed with another key, and records it', async () => {
    const d = await enrolTestDevice(c);
    const s = await session(c, c.caPem, d, { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey });
    expect(s.welcome).toMatchObject({ type: 'error', code: 'E_BAD_SIGNATURE' });
    expect(await tamperCodes(c, d.id)).toContain('E_BAD_SIGNATURE');
  });

  it('refuses a device whose clock is off by more than the allowed skew', async () => {
    const d = await enrolTestDevice(c);
    const s = await session(c, c.caPem, d, { time: new Date(Date.now() - 3_600_000).toISOString() });
    expect(s.welcome).toMatchObject({ type: 'error', code: 'E_CLOCK_SKEW' });
  });

  it('refuses unknown and revoked devices', async () => {
    const d = await enrolTestDevice(c);
    const unknown = await session(c, c.caPem, { ...d, id: 'dev_' + '0'.repeat(32) });
    expect(unknown.welcome).toMatchObject({ type: 'error', code: 'E_UNKNOWN_DEVICE' });
    await c.services.devices.revoke(d.id, 'test', 'lost laptop');
    const revoked = await session(c, c.caPem, d);
    expect(revoked.welcome).toMatchObject({ type: 'error', code: 'E_DEVICE_REVOKED' });
  });

  it('refuses an attestation before hello', async () => {
    const client = await connect(c, c.caPem);
    await client.next('challenge');
    client.send({ v: 1, type: 'attestation', seq: 1, envelope: '{}' });
    expect((await client.next('error')).code).toBe('E_UNEXPECTED_MESSAGE');
  });
});

describe('attestations', () => {
  it('stores a valid chain verbatim, acks each after commit, and evaluates it', async () => {
    const d = await enrolTestDevice(c);
    const s = await session(c, c.caPem, d);
    const e1 = envelopeFor(d, 1, d.digest);
    s.send({ v: 1, type: 'attestation', seq: 1, envelope: e1 });
    expect(await s.next('ack')).toEqual({ v: 1, type: 'ack', seq: 1, duplicate: false });
    const e2 = envelopeFor(d, 2, sha256(e1));
    s.send({ v: 1, type: 'attestation', seq: 2, envelope: e2 });
    expect(await s.next('ack')).toMatchObject({ seq: 2, duplicate: false });
    const stored = await c.db.get<{ bytes: Buffer; sha256: string }>('SELECT bytes, sha256 FROM envelopes WHERE device_id = ? AND seq = 2', [d.id]);
    expect(stored!.bytes.toString('utf8')).toBe(e2);
    expect(stored!.sha256).toBe(sha256(e2));
    const results = (await c.services.history.device(d.id)).checks;
    expect(results).toEqual([expect.objectContaining({ checkId: 'firewall', status: 'pass' })]);
    s.ws.close();
  });

  it('acks a replay of the same bytes again without storing anything new', async () => {
    const d = await enrolTestDevice(c);
    const s = await session(c, c.caPem, d);
    const e1 = envelopeFor(d, 1, d.digest);
    s.send({ v: 1, type: 'attestation', seq: 1, envelope: e1 });
    await s.next('ack');
    s.send({ v: 1, type: 'attestation', seq: 1, envelope: e1 });
    expect(await s.next('ack')).toMatchObject({ seq: 1, duplicate: true });
    expect(await countEnvelopes(c, d.id)).toBe(1);
    s.ws.close();
  });

  const hostile: [string, string, (d: Awaited<ReturnType<typeof enrolTestDevice>>, first: string) => { seq: number; envelope: string }][] = [
    ['tampered payload', 'E_BAD_SIGNATURE', (d, first) => {
      const env = JSON.parse(envelopeFor(d, 2, sha256(first)));
      const body = Buffer.from(env.payload, 'base64').toString().replace('"pass"', '"fail"');
      return { seq: 2, envelope: JSON.stringify({ ...env, payload: Buffer.from(body).toString('base64') }) };
    }],
    ['wrong key', 'E_BAD_SIGNATURE', (d, first) => ({ seq: 2, envelope: envelopeFor(d, 2, sha256(first), { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }) })],
    ['same sequence, other bytes (fork)', 'E_SEQ_CONFLICT', (d) => ({ seq: 1, envelope: envelopeFor(d, 1, d.digest, { collectedAt: new Date(Date.now() - 1000).toISOString() }) })],
    ['forked chain (wrong previous hash)', 'E_CHAIN_BREAK', (d) => ({ seq: 2, envelope: envelopeFor(d, 2, 'f'.repeat(64)) })],
    ['sequence gap', 'E_SEQ_GAP', (d, first) => ({ seq: 3, envelope: envelopeFor(d, 3, sha256(first)) })],
    ['message sequence differs from the signed one', 'E_SEQ_MISMATCH', (d, first) => ({ seq: 2, envelope: envelopeFor(d, 3, sha256(first)) })],
    ['subject is another device', 'E_SUBJECT_MISMATCH', (d, first) => ({ seq: 2, envelope: envelopeFor(d, 2, sha256(first), { subject: 'a'.repeat(64) }) })],
    ['collected in the future', 'E_TIME_WINDOW', (d, first) => ({ seq: 2, envelope: envelopeFor(d, 2, sha256(first), { collectedAt: new Date(Date.now() + 86_400_000).toISOString() }) })],
    ['envelope is not JSON', 'E_BAD_ENVELOPE', () => ({ seq: 2, envelope: '{"payload": oops' })],
    ['a valid signature over a statement of the wrong shape', 'E_BAD_STATEMENT', (d) => {
      const env = JSON.parse(envelopeFor(d, 2, d.digest));
      return { seq: 2, envelope: JSON.stringify({ ...env, payload: Buffer.from('{"_type":"x"}').toString('base64'), signatures: [{ sig: signRaw(d, '{"_type":"x"}') }] }) };
    }],
  ];

  for (const [name, code, make] of hostile) {
    it(`rejects ${name} with ${code}, stores nothing from it and closes the session`, async () => {
      const d = await enrolTestDevice(c);
      const s = await session(c, c.caPem, d);
      const first = envelopeFor(d, 1, d.digest);
      s.send({ v: 1, type: 'attestation', seq: 1, envelope: first });
      await s.next('ack');
      const before = await countEnvelopes(c, d.id);
      const bad = make(d, first);
      s.send({ v: 1, type: 'attestation', ...bad });
      const err = await s.next('error');
      expect(err).toMatchObject({ type: 'error', code });
      expect((await s.closed).code).toBe(1008);
      expect(await countEnvelopes(c, d.id)).toBe(before);
      const row = await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM check_results WHERE device_id = ? AND seq > 1', [d.id]);
      expect(row!.n).toBe(0);
    });
  }

  it('commits attestations that share a batch independently: one refusal leaves the others stored and acked', async () => {
    const devices = await Promise.all(Array.from({ length: 6 }, () => enrolTestDevice(c)));
    const sessions = await Promise.all(devices.map((d) => session(c, c.caPem, d)));
    const before = await countEnvelopes(c);
    sessions.forEach((s, i) => s.send({ v: 1, type: 'attestation', seq: 1, envelope: envelopeFor(devices[i]!, 1, i === 3 ? 'e'.repeat(64) : devices[i]!.digest) }));
    const replies = await Promise.all(sessions.map((s) => s.next()));
    expect(replies.map((r) => r.type)).toEqual(['ack', 'ack', 'ack', 'error', 'ack', 'ack']);
    expect(replies[3]).toMatchObject({ code: 'E_CHAIN_BREAK' });
    expect(await countEnvelopes(c)).toBe(before + 5);
    expect(await countEnvelopes(c, devices[3]!.id)).toBe(0);
    sessions.forEach((s) => s.ws.close());
  });

  it('records tamper events for signature, fork and chain failures', async () => {
    const codes = (await c.services.devices.tamperEvents()).map((t) => t.code);
    for (const code of ['E_BAD_SIGNATURE', 'E_SEQ_CONFLICT', 'E_CHAIN_BREAK', 'E_SEQ_GAP']) expect(codes).toContain(code);
  });

  it('rejects malformed JSON with its code', async () => {
    const d = await enrolTestDevice(c);
    const s = await session(c, c.caPem, d);
    s.send('{"v":1,"type":"attestation",');
    expect(await s.next('error')).toMatchObject({ code: 'E_MALFORMED_MESSAGE' });
    expect(await countEnvelopes(c, d.id)).toBe(0);
  });

  it('rejects an oversized frame with E_FRAME_TOO_LARGE', async () => {
    const d = await enrolTestDevice(c);
    const s = await session(c, c.caPem, d);
    s.send({ v: 1, type: 'attestation', seq: 1, envelope: 'x'.repeat(MAX_FRAME_BYTES + 10) });
    expect(await s.next('error')).toMatchObject({ code: 'E_FRAME_TOO_LARGE' });
    expect((await s.closed).code).toBe(1009);
    expect(await countEnvelopes(c, d.id)).toBe(0);
  });

  it('evaluates with the collector policy, not the verdict the device claims', async () => {
    const d = await enrolTestDevice(c);
    const s = await session(c, c.caPem, d);
    const checks = [
      { id: 'firewall', status: 'pass' as const, facts: { backends: [{ name: 'iptables', active: true, inboundDefault: 'allow' }] }, evidence: [] },
      { id: 'disk_encryption', status: 'pass' as const, facts: null, evidence: [] },
      { id: 'mdm_enrollment', status: 'pass' as const, facts: { agents: 'garbage' }, evidence: [] },
    ];
    s.send({ v: 1, type: 'attestation', seq: 1, envelope: envelopeFor(d, 1, d.digest, { checks }) });
    await s.next('ack');
    const byId = Object.fromEntries((await c.services.history.device(d.id)).checks.map((r) => [r.checkId, r.status]));
    expect(byId).toEqual({ firewall: 'fail', disk_encryption: 'error', mdm_enrollment: 'error' });
    s.ws.close();
  });
});

import { sign } from 'node:crypto';
import { pae } from '../../protocol/dsse.js';
import { PAYLOAD_TYPE } from '../../protocol/statement.js';
function signRaw(d: Awaited<ReturnType<typeof enrolTestDevice>>, body: string): string {
  return sign('sha256', pae(PAYLOAD_TYPE, Buffer.from(body)), d.privateKey).toString('base64');
}
