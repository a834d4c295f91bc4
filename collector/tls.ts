// Collector TLS material. On first start the collector creates its own CA and a server certificate
// signed by it (node-forge builds the X.509 structures; keys come from node:crypto, which is native and
// far faster than forge's pure-JS RSA). Operators may supply their own PEM files instead.
import { generateKeyPairSync, createHash, hkdfSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';
import { VigilError } from '../protocol/errors.js';

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** sha256 over the CA certificate's DER, lowercase hex: what agents pin. */
  caSha256: string;
}

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export function generatedTlsFiles(dataDir: string): TlsFiles {
  return { ca: join(dataDir, 'tls', 'ca.pem'), cert: join(dataDir, 'tls', 'server.pem'), key: join(dataDir, 'tls', 'server-key.pem') };
}

export function caFingerprint(caPem: string): string {
  let der: Buffer;
  try {
    der = new X509Certificate(caPem).raw;
  } catch {
    throw new VigilError('E_CONFIG', 'CA certificate is not a valid PEM certificate');
  }
  return createHash('sha256').update(der).digest('hex');
}

function rsaKeyPair(): { pub: forge.pki.PublicKey; priv: forge.pki.PrivateKey; privPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 3072,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { pub: forge.pki.publicKeyFromPem(publicKey), priv: forge.pki.privateKeyFromPem(privateKey), privPem: privateKey };
}

function serial(): string {
  // Positive 128-bit serial (leading nibble kept below 8).
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

function years(from: Date, n: number): Date {
  const d = new Date(from);
  d.setUTCFullYear(d.getUTCFullYear() + n);
  return d;
}

/** Create a CA and a server certificate for the given names (DNS names and IP addresses). */
export function createTlsMaterial(names: string[], now = new Date()): TlsMaterial {
  const ca = rsaKeyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.pub;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = new Date(now.getTime() - 60_000);
  caCert.validity.notAfter = years(now, 10);
  const caAttrs = [
    { name: 'commonName', value: `Vigil collector CA ${hostname()}`.slice(0, 64) },
    { name: 'organizationName', value: 'Vigil' },
  ];
  caCert.setSubject(caAttrs);
  caCert.setIssuer(caAttrs);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.priv as forge.pki.rsa.PrivateKey, forge.md.sha256.create());

  const srv = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = srv.pub;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = years(now, 2);
  cert.setSubject([{ name: 'commonName', value: (names[0] ?? 'localhost').slice(0, 64) }]);
  cert.setIssuer(caAttrs);
  const altNames = [...new Set(names)].map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n }));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.priv as forge.pki.rsa.PrivateKey, forge.md.sha256.create());

  const caPem = forge.pki.certificateToPem(caCert);
  return { caPem, certPem: forge.pki.certificateToPem(cert), keyPem: srv.privPem, caSha256: caFingerprint(caPem) };
}

export function defaultServerNames(extra: string[] = []): string[] {
  return ['localhost', hostname(), '127.0.0.1', '::1', ...extra.filter((n) => n && n !== '0.0.0.0' && n !== '::')];
}

export async function writeTlsMaterial(files: TlsFiles, m: TlsMaterial): Promise<void> {
  await writeFile(files.ca, m.caPem, { mode: 0o644 });
  await writeFile(files.cert, m.certPem + m.caPem, { mode: 0o644 });
  await writeFile(files.key, m.keyPem, { mode: 0o600 });
}

export async function loadTlsMaterial(files: TlsFiles): Promise<TlsMaterial> {
  for (const f of [files.ca, files.cert, files.key]) {
    if (!existsSync(f)) throw new VigilError('E_CONFIG', `TLS file ${f} does not exist`);
  }
  const [caPem, certPem, keyPem] = await Promise.all([readFile(files.ca, 'utf8'), readFile(files.cert, 'utf8'), readFile(files.key, 'utf8')]);
  return { caPem, certPem, keyPem, caSha256: caFingerprint(caPem) };
}

/** How long a TLS session ticket stays valid (seconds): tickets are re-keyed each UTC day anyway. */
export const TLS_SESSION_LIFETIME_S = 24 * 3600;

/**
 * Session-ticket keys for TLS resumption, derived from the server key and the UTC day. Every collector
 * deployed with the same data directory (and each worker of one) derives the same keys, so an agent that
 * reconnects to another collector, or to this one after a restart, resumes its TLS session instead of
 * a full handshake (no RSA signature on the server). Resumption keeps a fresh (EC)DHE exchange (OpenSSL's
 * psk_dhe_ke), so a leaked ticket key does not decrypt recorded traffic; the key changes daily.
 */
export function ticketKeysFor(keyPem: string, at: Date): Buffer {
  const day = Math.floor(at.getTime() / 86_400_000);
  return Buffer.from(hkdfSync('sha256', keyPem, 'vigil tls session tickets', `day ${day}`, 48));
}
