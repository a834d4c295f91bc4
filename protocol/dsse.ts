// DSSE v1 envelopes (secure-systems-lab/dsse protocol.md): the signature covers
// PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body, over the exact payload bytes.
// ECDSA signatures are ASN.1 DER, as sigstore and in-toto tooling (and `openssl dgst -verify`) expect.
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { VigilError } from './errors.js';

export interface DsseSignature {
  keyid?: string;
  sig: string;
}

export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

export function pae(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${body.length} `, 'utf8'),
    body,
  ]);
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** DSSE allows standard or URL-safe base64; verifiers must accept both. Anything else is rejected. */
export function decodeBase64(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  // Node's base64 decoder accepts the URL-safe alphabet as well, so the text needs no rewriting first
  // (an envelope payload is tens of kilobytes, and this runs on every attestation).
  const buf = Buffer.from(text, 'base64');
  // Reject non-canonical lengths (a stray character Node would silently drop).
  let unpadded = text.length;
  while (unpadded > 0 && text.charCodeAt(unpadded - 1) === 0x3d) unpadded--;
  if (Math.floor((unpadded * 3) / 4) !== buf.length) return null;
  return buf;
}

export function signEnvelope(payloadType: string, body: Uint8Array, privateKey: KeyObject, keyid?: string): DsseEnvelope {
  const sig = cryptoSign('sha256', pae(payloadType, body), privateKey);
  const signature: DsseSignature = keyid ? { keyid, sig: sig.toString('base64') } : { sig: sig.toString('base64') };
  return { payload: Buffer.from(body).toString('base64'), payloadType, signatures: [signature] };
}

/** Shape-check an untrusted envelope (already JSON-parsed). Unknown fields are ignored, per DSSE. */
export function parseEnvelope(raw: unknown): DsseEnvelope {
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new VigilError('E_BAD_ENVELOPE', 'envelope is not a JSON object');
  }
  const env = raw as Record<string, unknown>;
  if (typeof env.payload !== 'string') problems.push('payload: must be a string');
  if (typeof env.payloadType !== 'string') problems.push('payloadType: must be a string');
  if (!Array.isArray(env.signatures)) problems.push('signatures: must be an array');
  else {
    if (env.signatures.length === 0) problems.push('signatures: must not be empty');
    if (env.signatures.length > 4) problems.push('signatures: at most 4 allowed');
    env.signatures.forEach((s, i) => {
      if (typeof s !== 'object' || s === null) problems.push(`signatures[${i}]: must be an object`);
      else {
        const sig = s as Record<string, unknown>;
        if (typeof sig.sig !== 'string') problems.push(`signatures[${i}].sig: must be a string`);
        if (sig.keyid !== undefined && typeof sig.keyid !== 'string') problems.push(`signatures[${i}].keyid: must be a string`);
      }
    });
  }
  if (problems.length) throw new VigilError('E_BAD_ENVELOPE', problems.join('; '), problems);
  return env as unknown as DsseEnvelope;
}

/**
 * Verify over PAE with the given key, then check the payload type, then hand back the verified bytes.
 * keyid is an unauthenticated hint and plays no part in the decision.
 */
export function verifyEnvelope(env: DsseEnvelope, publicKey: KeyObject, expectedPayloadType: string): Buffer {
  const body = decodeBase64(env.payload);
  if (!body) throw new VigilError('E_BAD_ENVELOPE', 'payload is not base64');
  const message = pae(env.payloadType, body);
  const ok = env.signatures.some((s) => {
    const sig = decodeBase64(s.sig);
    if (!sig || sig.length === 0) return false;
    try {
      return cryptoVerify('sha256', message, publicKey, sig);
    } catch {
      return false;
    }
  });
  if (!ok) throw new VigilError('E_BAD_SIGNATURE');
  if (env.payloadType !== expectedPayloadType) throw new VigilError('E_PAYLOAD_TYPE', `unsupported payload type ${JSON.stringify(env.payloadType.slice(0, 100))}`);
  return body;
}
