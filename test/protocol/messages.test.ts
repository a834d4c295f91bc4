import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../protocol/errors.js';
import { SESSION_PROOF_TYPE, ENROL_PROOF_TYPE, parseAgentMessage, parseCollectorMessage, parseEnrolRequest, signProof, verifyProof } from '../../protocol/messages.js';
import { formatEnrolmentString, parseEnrolmentString } from '../../protocol/enrolment-string.js';

function caught(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VigilError) return err;
    throw err;
  }
  throw new Error('expected a VigilError');
}

describe('wire messages', () => {
  it('parses a valid attestation message', () => {
    const m = parseAgentMessage(JSON.stringify({ v: 1, type: 'attestation', seq: 3, envelope: '{}' }));
    expect(m).toEqual({ v: 1, type: 'attestation', seq: 3, envelope: '{}' });
  });

  it('distinguishes malformed JSON, unknown types, other versions and bad fields', () => {
    expect(caught(() => parseAgentMessage('{not json')).code).toBe('E_MALFORMED_MESSAGE');
    expect(caught(() => parseAgentMessage('[]')).code).toBe('E_MALFORMED_MESSAGE');
    expect(caught(() => parseAgentMessage('{"v":1,"type":"welcome"}')).code).toBe('E_MALFORMED_MESSAGE');
    expect(caught(() => parseAgentMessage('{"v":2,"type":"hello"}')).code).toBe('E_UNSUPPORTED_VERSION');
    const e = caught(() => parseAgentMessage(JSON.stringify({ v: 1, type: 'hello', deviceId: 'nope', nonce: 5, time: 'yesterday', agentVersion: 'x' })));
    expect(e.code).toBe('E_SCHEMA');
    const paths = e.details.map((d) => d.split(':')[0]);
    expect(paths).toEqual(expect.arrayContaining(['/deviceId', '/nonce', '/time', '/proof']));
  });

  it('rejects sequence numbers that are not positive safe integers', () => {
    for (const seq of [0, -1, 1.5, 2 ** 53, '7']) {
      expect(caught(() => parseAgentMessage(JSON.stringify({ v: 1, type: 'attestation', seq, envelope: '{}' }))).code).toBe('E_SCHEMA');
    }
  });

  it('parses collector messages', () => {
    expect(parseCollectorMessage('{"v":1,"type":"ack","seq":4,"duplicate":false}')).toMatchObject({ type: 'ack', seq: 4 });
    expect(caught(() => parseCollectorMessage('{"v":1,"type":"ack","seq":4}')).code).toBe('E_SCHEMA');
  });

  it('lists every bad field of an enrolment request', () => {
    const e = caught(() => parseEnrolRequest({ v: 1, token: 'short', device: { hostname: '' } }));
    expect(e.code).toBe('E_SCHEMA');
    expect(e.details.length).toBeGreaterThanOrEqual(5);
  });
});

describe('proofs of possession', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const fields = { nonce: 'bm9uY2U=', deviceId: 'dev_00000000000000000000000000000000', time: '2026-11-23T10:00:00Z' };

  it('verify with the signing key and fail on any changed field', () => {
    const proof = signProof(SESSION_PROOF_TYPE, fields, privateKey);
    expect(verifyProof(SESSION_PROOF_TYPE, fields, proof, publicKey)).toBe(true);
    expect(verifyProof(SESSION_PROOF_TYPE, { ...fields, time: '2026-11-23T10:00:01Z' }, proof, publicKey)).toBe(false);
    expect(verifyProof(SESSION_PROOF_TYPE, { ...fields, nonce: 'b3RoZXI=' }, proof, publicKey)).toBe(false);
  });

  it('are domain-separated: a session proof is not an enrolment proof', () => {
    const proof = signProof(SESSION_PROOF_TYPE, fields, privateKey);
    expect(verifyProof(ENROL_PROOF_TYPE, fields, proof, publicKey)).toBe(false);
  });
});

describe('enrolment string', () => {
  const ca = 'ab'.repeat(32);
  it('round-trips URL, token and CA pin', () => {
    const s = formatEnrolmentString({ url: 'https://collector.example:8443', token: 'tok_0123456789abcdef.secretsecretsecretsecret', caSha256: ca });
    expect(s.startsWith('vigil+https://collector.example:8443/?token=')).toBe(true);
    expect(parseEnrolmentString(s)).toEqual({ url: 'https://collector.example:8443', token: 'tok_0123456789abcdef.secretsecretsecretsecret', caSha256: ca });
  });

  it('rejects strings without a pin, without a token, or of another scheme', () => {
    expect(caught(() => parseEnrolmentString('https://x/?token=abcdefgh&ca=sha256:' + ca)).code).toBe('E_ENROLMENT_STRING');
    expect(caught(() => parseEnrolmentString('vigil+https://x/?token=abcdefgh')).code).toBe('E_ENROLMENT_STRING');
    expect(caught(() => parseEnrolmentString('vigil+https://x/?ca=sha256:' + ca)).code).toBe('E_ENROLMENT_STRING');
    expect(caught(() => parseEnrolmentString('vigil+ftp://x/?token=abcdefgh&ca=sha256:' + ca)).code).toBe('E_ENROLMENT_STRING');
    expect(caught(() => parseEnrolmentString('vigil+https://x/?token=abcdefgh&ca=sha256:1234')).code).toBe('E_ENROLMENT_STRING');
  });
});
