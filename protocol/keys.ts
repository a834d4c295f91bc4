// Device keys are ECDSA P-256 (ES256): TPM 2.0, Secure Enclave and the Windows platform key store can all
// hold one, so a hardware-backed key can replace the key file later without a protocol change.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { VigilError } from './errors.js';

export const SIGNATURE_ALG = 'ES256';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** DER SubjectPublicKeyInfo bytes of a public key. */
export function spkiDer(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/** The device's identity digest: sha256 over its SPKI DER. Used as in-toto subject digest and keyid. */
export function publicKeyDigest(key: KeyObject): string {
  return sha256Hex(spkiDer(key));
}

export function keyIdOf(key: KeyObject): string {
  return `sha256:${publicKeyDigest(key)}`;
}

/** Parse a PEM public key and insist on ECDSA P-256. */
export function importP256PublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new VigilError('E_KEY_INVALID', 'public key is not a parseable PEM key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new VigilError('E_KEY_INVALID');
  }
  return key;
}

/**
 * Imported public keys, by PEM text. Parsing a PEM costs far more than a verify; the hot path must never
 * re-parse one per message. Bounded: least recently used keys are dropped first.
 */
export class PublicKeyCache {
  private readonly keys = new Map<string, KeyObject>();
  constructor(private readonly capacity = 100_000) {}

  get(pem: string): KeyObject {
    const hit = this.keys.get(pem);
    if (hit) {
      this.keys.delete(pem);
      this.keys.set(pem, hit);
      return hit;
    }
    const key = importP256PublicKey(pem);
    this.keys.set(pem, key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return key;
  }

  get size(): number {
    return this.keys.size;
  }
}
