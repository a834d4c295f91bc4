// RFC 8785 JSON Canonicalization Scheme. Used to produce payloads deterministically and for content
// hashes, never as a verification step: DSSE signs and verifies the exact bytes sent.
// The `canonicalize` package is written by the RFC's co-author and tracks the spec's test vectors.
import canonicalizeImpl from 'canonicalize';

const canonicalizeFn = canonicalizeImpl as unknown as (value: unknown) => string | undefined;

export function canonicalize(value: unknown): string {
  const out = canonicalizeFn(value);
  if (out === undefined) throw new TypeError('value cannot be canonicalized');
  return out;
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}
