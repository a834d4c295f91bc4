import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64, pae, parseEnvelope, signEnvelope, verifyEnvelope } from '../../protocol/dsse.js';
import { VigilError } from '../../protocol/errors.js';

const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof VigilError ? err.code : 'not-a-vigil-error';
  }
  return undefined;
}

describe('DSSE PAE', () => {
  it('matches the DSSE spec vector', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    expect(Buffer.from('hello world').toString('base64')).toBe('aGVsbG8gd29ybGQ=');
  });

  it('counts bytes, not characters, for non-ASCII types and bodies', () => {
    expect(pae('t/é', Buffer.from('€', 'utf8')).toString('utf8')).toBe('DSSEv1 4 t/é 3 €');
  });

  it('reproduces the signed worked example in the standards reference (Ed25519 test key)', () => {
    const envelope = {
      payloadType: 'application/vnd.in-toto+json',
      sig: 'sGwFAQEA3uguWpnJMF3ncEShIbdNMgx5qzTjHDjm38KFIN1vjMjw0hjSW7iEgj7PEjwo4eTxSLvjbi9KbOMJAA==',
      payload:
        'eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJwcmVkaWNhdGUiOnsiY2hlY2tzIjpbeyJjb250cm9scyI6eyJoaXBhYSI6WyIxNjQuMzEyKGEpKDIpKGl2KSJdLCJpc28yNzAwMV8yMDIyIjpbImEuOC4xIiwiYS44LjI0Il19LCJpZCI6ImRpc2tfZW5jcnlwdGlvbiIsInJlc3VsdCI6InBhc3MifV0sImNvbGxlY3RlZEF0IjoiMjAyNi0wOC0yMFQxMDoxNTowMFoifSwicHJlZGljYXRlVHlwZSI6Imh0dHBzOi8vZXhhbXBsZS5vcmcvYXR0ZXN0YXRpb24vZW5kcG9pbnQtY29tcGxpYW5jZS92MC4xIiwic3ViamVjdCI6W3siZGlnZXN0Ijp7InNoYTI1NiI6ImM2MWE0OGY5NGIxN2Q4MDQ2MDBmNWQ5NmNlZGZkNzdlNTVjZDczNjMwMzI5Y2YxYmVjOWQ0Njk5ZmM1Y2UwMTkifSwibmFtZSI6ImRldmljZTpzZXJpYWw6QUJDMTIzIn1dfQ==',
    };
    const seed = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
    const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
    const pub = createPublicKey(priv);
    expect((pub.export({ format: 'jwk' }) as { x: string }).x).toBe('A6EHv_POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg');
    const body = Buffer.from(envelope.payload, 'base64');
    expect(body.length).toBe(430);
    const message = pae(envelope.payloadType, body);
    expect(message.subarray(0, 37).toString()).toBe('DSSEv1 28 application/vnd.in-toto+json 430 '.slice(0, 37));
    expect(verify(null, message, pub, Buffer.from(envelope.sig, 'base64'))).toBe(true);
    message[message.length - 1] ^= 1;
    expect(verify(null, message, pub, Buffer.from(envelope.sig, 'base64'))).toBe(false);
  });
});

describe('DSSE ES256 envelopes', () => {
  const { privateKey, publicKey } = ec();
  const type = 'application/vnd.in-toto+json';
  const body = Buffer.from('{"hello":"world","n":[1,2,3]}');

  it('round-trips and hands back the exact signed bytes', () => {
    const env = signEnvelope(type, body, privateKey, 'k1');
    expect(verifyEnvelope(parseEnvelope(JSON.parse(JSON.stringify(env))), publicKey, type).equals(body)).toBe(true);
  });

  it('accepts URL-safe base64 as the spec requires', () => {
    const env = signEnvelope(type, Buffer.from([0xfb, 0xff, 0xfe, 0x3e, 0x3f]), privateKey);
    const urlSafe = { ...env, payload: env.payload.replace(/\+/g, '-').replace(/\//g, '_'), signatures: env.signatures.map((s) => ({ sig: s.sig.replace(/\+/g, '-').replace(/\//g, '_') })) };
    expect(verifyEnvelope(urlSafe, publicKey, type)).toEqual(Buffer.from([0xfb, 0xff, 0xfe, 0x3e, 0x3f]));
  });

  it('fails on any single-byte change to the payload', () => {
    const env = signEnvelope(type, body, privateKey);
    for (let i = 0; i < body.length; i++) {
      const changed = Buffer.from(body);
      changed[i] ^= 0x01;
      expect(codeOf(() => verifyEnvelope({ ...env, payload: changed.toString('base64') }, publicKey, type))).toBe('E_BAD_SIGNATURE');
    }
  });

  it('fails on any single-byte change to the signature', () => {
    const env = signEnvelope(type, body, privateKey);
    const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
    for (let i = 0; i < sig.length; i++) {
      const changed = Buffer.from(sig);
      changed[i] ^= 0x80;
      expect(codeOf(() => verifyEnvelope({ ...env, signatures: [{ sig: changed.toString('base64') }] }, publicKey, type))).toBe('E_BAD_SIGNATURE');
    }
  });

  it('fails with another key, another payload type, or a type swapped after signing', () => {
    const env = signEnvelope(type, body, privateKey);
    expect(codeOf(() => verifyEnvelope(env, ec().publicKey, type))).toBe('E_BAD_SIGNATURE');
    expect(codeOf(() => verifyEnvelope({ ...env, payloadType: 'text/plain' }, publicKey, type))).toBe('E_BAD_SIGNATURE');
    const other = signEnvelope('text/plain', body, privateKey);
    expect(codeOf(() => verifyEnvelope(other, publicKey, type))).toBe('E_PAYLOAD_TYPE');
  });

  it('rejects malformed envelopes, listing every bad field', () => {
    try {
      parseEnvelope({ payload: 3, signatures: [{ keyid: 5 }] });
      expect.unreachable();
    } catch (err) {
      expect((err as VigilError).code).toBe('E_BAD_ENVELOPE');
      expect((err as VigilError).details).toEqual(['payload: must be a string', 'payloadType: must be a string', 'signatures[0].sig: must be a string', 'signatures[0].keyid: must be a string']);
    }
    expect(codeOf(() => parseEnvelope([]))).toBe('E_BAD_ENVELOPE');
    expect(codeOf(() => parseEnvelope({ payload: '', payloadType: 't', signatures: [] }))).toBe('E_BAD_ENVELOPE');
  });

  it('rejects base64 with stray characters instead of silently dropping them', () => {
    expect(decodeBase64('aGVsbG8gd29ybGQ=')?.toString()).toBe('hello world');
    expect(decodeBase64('aGVsbG8*d29ybGQ=')).toBeNull();
    expect(decodeBase64('aGVsbG8gd29ybGQ==x')).toBeNull();
  });
});
