// The collector's export-signing key: ECDSA P-256, created with the data directory (mode 0600), used
// only to sign export manifests. Its fingerprint (sha256 of the SPKI DER, as for device keys) is printed
// by init and export and shown in every report, so an auditor can compare it out of band with the one
// the operator gives them: a key inside the archive proves nothing by itself.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VigilError } from '../../protocol/errors.js';
import { publicKeyDigest } from '../../protocol/keys.js';

export const EXPORT_KEY_FILE = 'export-key.pem';

export interface ExportKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** sha256 hex of the public key's SPKI DER. */
  fingerprint: string;
}

export function exportKeyFile(dataRoot: string): string {
  return join(dataRoot, EXPORT_KEY_FILE);
}

/** Creates the key if the data directory has none; returns whether it did. */
export async function ensureExportKey(dataRoot: string): Promise<boolean> {
  const file = exportKeyFile(dataRoot);
  if (existsSync(file)) return false;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return true;
}

export async function loadExportKey(dataRoot: string): Promise<ExportKey> {
  const file = exportKeyFile(dataRoot);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(await readFile(file, 'utf8'));
  } catch (err) {
    throw new VigilError('E_CONFIG', `export-signing key ${file} is missing or unreadable (${(err as Error).message}): run "vigil-collector init --data ${dataRoot}"`);
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new VigilError('E_CONFIG', `export-signing key ${file} is not an ECDSA P-256 key`);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: publicKeyDigest(publicKey) };
}
