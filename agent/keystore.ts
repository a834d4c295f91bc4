// The device key: ECDSA P-256 generated here with node:crypto, stored as PKCS#8 PEM readable by the
// agent's account only. It never leaves the device; only the public key is sent at enrolment.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { VigilError } from '../protocol/errors.js';
import { keyIdOf, publicKeyDigest } from '../protocol/keys.js';
import { writeFileDurable } from './state.js';

export interface DeviceKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  digest: string;
  keyid: string;
}

function wrap(privateKey: KeyObject): DeviceKey {
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    digest: publicKeyDigest(publicKey),
    keyid: keyIdOf(publicKey),
  };
}

export function generateDeviceKey(): DeviceKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return wrap(privateKey);
}

export async function saveDeviceKey(file: string, key: DeviceKey): Promise<void> {
  await writeFileDurable(file, key.privateKey.export({ type: 'pkcs8', format: 'pem' }), 0o600);
}

export async function loadDeviceKey(file: string): Promise<DeviceKey> {
  if (!existsSync(file)) throw new VigilError('E_NOT_ENROLLED', `device key ${file} does not exist`);
  try {
    const key = createPrivateKey(await readFile(file, 'utf8'));
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not P-256');
    return wrap(key);
  } catch (err) {
    throw new VigilError('E_STATE_CORRUPT', `device key ${file} is unreadable: ${(err as Error).message}`);
  }
}
