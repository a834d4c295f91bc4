// Enrolment ceremony, agent side. Steps:
//   1. parse the enrolment string (URL, token, CA fingerprint);
//   2. fetch the collector CA and check it against the pin (refuse on mismatch: nothing is created);
//   3. create the device key (ECDSA P-256) on this device;
//   4. ask for a nonce with the token;
//   5. send token, nonce, public key, device facts and the proof (signature over nonce, key and token);
//   6. store the enrolment (device id, URL, pinned CA) beside the key.
// Capabilities are injected so tests can drive each step.
import { VigilError } from '../protocol/errors.js';
import { parseEnrolmentString } from '../protocol/enrolment-string.js';
import {
  ENROL_PROOF_TYPE,
  PROTOCOL_VERSION,
  parseEnrolChallengeResponse,
  parseEnrolResponse,
  signProof,
  type DeviceFacts,
  type EnrolRequest,
} from '../protocol/messages.js';
import { VIGIL_VERSION } from '../protocol/version.js';
import type { DeviceKey } from './keystore.js';
import type { Enrolment } from './state.js';

export interface EnrolCapabilities {
  fetchPinnedCa(url: string, caSha256: string): Promise<string>;
  postJson(url: string, path: string, body: unknown, caPem: string): Promise<unknown>;
  createKey(): Promise<DeviceKey>;
  deviceFacts(): Promise<DeviceFacts>;
  now(): Date;
}

export async function enrol(enrolmentString: string, caps: EnrolCapabilities, opts: { allowInsecure?: boolean } = {}): Promise<{ enrolment: Enrolment; key: DeviceKey }> {
  const e = parseEnrolmentString(enrolmentString);
  if (e.url.startsWith('http:') && !opts.allowInsecure) {
    throw new VigilError('E_ENROLMENT_STRING', 'collector URL is plain http; refusing without --insecure');
  }
  const caPem = await caps.fetchPinnedCa(e.url, e.caSha256);
  const device = await caps.deviceFacts();
  const challenge = parseEnrolChallengeResponse(await caps.postJson(e.url, '/api/v1/enrol/challenge', { v: PROTOCOL_VERSION, token: e.token }, caPem));
  const key = await caps.createKey();
  const req: EnrolRequest = {
    v: PROTOCOL_VERSION,
    token: e.token,
    nonce: challenge.nonce,
    publicKey: key.publicKeyPem,
    device,
    agentVersion: VIGIL_VERSION,
    proof: signProof(ENROL_PROOF_TYPE, { nonce: challenge.nonce, publicKey: key.publicKeyPem, token: e.token }, key.privateKey),
  };
  const res = parseEnrolResponse(await caps.postJson(e.url, '/api/v1/enrol', req, caPem));
  const enrolment: Enrolment = {
    version: 1,
    deviceId: res.deviceId,
    url: e.url,
    caPem,
    caSha256: e.caSha256,
    role: res.role,
    intervalSeconds: res.intervalSeconds,
    enrolledAt: caps.now().toISOString(),
  };
  if (res.site) enrolment.site = res.site;
  return { enrolment, key };
}
