import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PublicKeyCache, importP256PublicKey, publicKeyDigest } from '../../protocol/keys.js';

const pem = (curve: string) => generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('public keys', () => {
  it('accept only ECDSA P-256', () => {
    expect(importP256PublicKey(pem('P-256')).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(() => importP256PublicKey(pem('P-384'))).toThrow(expect.objectContaining({ code: 'E_KEY_INVALID' }));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => importP256PublicKey(rsa)).toThrow(expect.objectContaining({ code: 'E_KEY_INVALID' }));
    expect(() => importP256PublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toThrow(expect.objectContaining({ code: 'E_KEY_INVALID' }));
  });

  it('are parsed once and then served from the cache, least recently used evicted first', () => {
    const cache = new PublicKeyCache(2);
    const [a, b, c] = [pem('P-256'), pem('P-256'), pem('P-256')];
    const ka = cache.get(a);
    expect(cache.get(a)).toBe(ka);
    cache.get(b);
    cache.get(a); // a is now most recent
    cache.get(c); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.get(a)).toBe(ka);
    expect(publicKeyDigest(ka)).toMatch(/^[0-9a-f]{64}$/);
  });
});
