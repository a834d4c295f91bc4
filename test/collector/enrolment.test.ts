// The enrolment ceremony end to end over real TLS: the agent's enrol() against a running collector.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../protocol/errors.js';
import { formatEnrolmentString } from '../../protocol/enrolment-string.js';
import { enrol, type EnrolCapabilities } from '../../agent/enrol.js';
import { fetchPinnedCa, postJson } from '../../agent/http.js';
import { generateDeviceKey } from '../../agent/keystore.js';
import { createTlsMaterial } from '../../collector/tls.js';
import { DEVICE, startTestCollector } from '../helpers/collector.js';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let c: Collector;
let now = new Date();

beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(async () => c.cleanup());

const caps: EnrolCapabilities = { fetchPinnedCa, postJson, createKey: async () => generateDeviceKey(), deviceFacts: async () => DEVICE, now: () => now };

async function enrolmentString(opts: { maxUses?: number; expiresInMs?: number; role?: string } = {}) {
  const t = await c.services.enrolment.createToken({ role: opts.role ?? 'gateway', expiresInMs: opts.expiresInMs ?? 60_000, maxUses: opts.maxUses ?? 1, actor: 'test' });
  return { t, s: formatEnrolmentString({ url: c.url, token: t.token, caSha256: c.caSha256 }) };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof VigilError ? err.code : `not a VigilError: ${(err as Error).message}`;
  }
  return 'resolved';
}

const deviceCount = async () => (await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM devices'))!.n;

describe('enrolment', () => {
  it('enrols with a valid string: device stored with the token role, CA pinned, key never sent', async () => {
    const { s } = await enrolmentString({ role: 'gateway' });
    const { enrolment, key } = await enrol(s, caps);
    expect(enrolment.role).toBe('gateway');
    expect(enrolment.caPem).toBe(c.caPem);
    const row = await c.db.get<{ key_digest: string; role: string; public_key_pem: string }>('SELECT key_digest, role, public_key_pem FROM devices WHERE id = ?', [enrolment.deviceId]);
    expect(row).toMatchObject({ key_digest: key.digest, role: 'gateway' });
    expect(row!.public_key_pem).not.toMatch(/PRIVATE/);
    const log = await c.db.all<{ action: string }>("SELECT action FROM audit_log WHERE subject = ?", [enrolment.deviceId]);
    expect(log.map((l) => l.action)).toEqual(['device.enrol']);
  });

  it('refuses an exhausted token: nothing enrolled', async () => {
    const { s } = await enrolmentString({ maxUses: 1 });
    await enrol(s, caps);
    const before = await deviceCount();
    expect(await codeOf(enrol(s, caps))).toBe('E_TOKEN_EXHAUSTED');
    expect(await deviceCount()).toBe(before);
  });

  it('refuses an expired token: nothing enrolled, refusal audited', async () => {
    const { s, t } = await enrolmentString({ expiresInMs: 1 });
    await new Promise((r) => setTimeout(r, 10));
    const before = await deviceCount();
    expect(await codeOf(enrol(s, caps))).toBe('E_TOKEN_EXPIRED');
    expect(await deviceCount()).toBe(before);
    const refusals = await c.db.all<{ detail: string }>("SELECT detail FROM audit_log WHERE action = 'enrol.refused' AND subject = ?", [t.id]);
    expect(refusals.map((r) => JSON.parse(r.detail).code)).toContain('E_TOKEN_EXPIRED');
  });

  it('refuses a revoked or unknown token', async () => {
    const { s, t } = await enrolmentString();
    await c.services.enrolment.revokeToken(t.id, 'test');
    expect(await codeOf(enrol(s, caps))).toBe('E_TOKEN_REVOKED');
    const forged = formatEnrolmentString({ url: c.url, token: `${t.id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAA`, caSha256: c.caSha256 });
    expect(await codeOf(enrol(forged, caps))).toBe('E_TOKEN_INVALID');
  });

  it('refuses a collector whose CA does not match the pin: nothing created on either side', async () => {
    const { t } = await enrolmentString();
    const other = createTlsMaterial(['localhost']);
    const s = formatEnrolmentString({ url: c.url, token: t.token, caSha256: other.caSha256 });
    let keyCreated = false;
    const before = await deviceCount();
    expect(await codeOf(enrol(s, { ...caps, createKey: async () => ((keyCreated = true), generateDeviceKey()) }))).toBe('E_CA_PIN_MISMATCH');
    expect(keyCreated).toBe(false);
    expect(await deviceCount()).toBe(before);
  });

  it('refuses a server certificate not issued by the pinned CA even when the right CA PEM is served', async () => {
    // The attacker can copy the real (public) CA certificate but cannot have it sign their server cert.
    const other = createTlsMaterial(['127.0.0.1']);
    const { t } = await enrolmentString();
    const e = formatEnrolmentString({ url: c.url, token: t.token, caSha256: c.caSha256 });
    const spoof: EnrolCapabilities = { ...caps, fetchPinnedCa: async () => c.caPem, postJson: (u, p, b) => postJson(u, p, b, other.caPem) };
    expect(await codeOf(enrol(e, spoof))).toBe('E_CA_PIN_MISMATCH');
  });

  it('refuses a proof made with another key and a reused nonce', async () => {
    const { t } = await enrolmentString({ maxUses: 5 });
    const ch = await c.services.enrolment.challenge(t.token, '127.0.0.1');
    const a = generateDeviceKey();
    const b = generateDeviceKey();
    const { signProof, ENROL_PROOF_TYPE } = await import('../../protocol/messages.js');
    const req = { v: 1 as const, token: t.token, nonce: ch.nonce, publicKey: a.publicKeyPem, device: DEVICE, agentVersion: 't', proof: signProof(ENROL_PROOF_TYPE, { nonce: ch.nonce, publicKey: a.publicKeyPem, token: t.token }, b.privateKey) };
    expect(await codeOf(c.services.enrolment.enrol(req, '127.0.0.1'))).toBe('E_BAD_SIGNATURE');
    const good = { ...req, proof: signProof(ENROL_PROOF_TYPE, { nonce: ch.nonce, publicKey: a.publicKeyPem, token: t.token }, a.privateKey) };
    await c.services.enrolment.enrol(good, '127.0.0.1');
    const again = { ...req, publicKey: b.publicKeyPem, proof: signProof(ENROL_PROOF_TYPE, { nonce: ch.nonce, publicKey: b.publicKeyPem, token: t.token }, b.privateKey) };
    expect(await codeOf(c.services.enrolment.enrol(again, '127.0.0.1'))).toBe('E_NONCE_INVALID');
  });

  it('answers malformed enrolment requests with E_SCHEMA over HTTP, listing the fields', async () => {
    const res = await c.app.inject({ method: 'POST', url: '/api/v1/enrol', payload: { v: 1, token: 'x' } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('E_SCHEMA');
    expect(body.details.length).toBeGreaterThan(3);
    const bad = await c.app.inject({ method: 'POST', url: '/api/v1/enrol/challenge', headers: { 'content-type': 'application/json' }, payload: '{oops' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('E_BAD_REQUEST');
  });
});
