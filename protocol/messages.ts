// Versioned wire messages. Every message carries v (protocol version) and, on the stream, a type.
// One parser per message, used at the edge; nothing downstream re-checks shapes.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { canonicalBytes } from './jcs.js';
import { pae, decodeBase64 } from './dsse.js';
import { VigilError, ERRORS } from './errors.js';
import { lazyCompile, makeParser, problemsOf } from './validate.js';

export const PROTOCOL_VERSION = 1;
export const MAX_FRAME_BYTES = 1024 * 1024;

const V = Type.Literal(PROTOCOL_VERSION);
const Str = (max: number, min = 0) => Type.String({ maxLength: max, minLength: min });
const B64 = (max: number) => Type.String({ maxLength: max, pattern: '^[A-Za-z0-9+/_=-]*$' });
const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const IsoTime = Type.String({ maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' });
const DeviceId = Type.String({ pattern: '^dev_[0-9a-f]{32}$' });
const Seq = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/** What a device says about itself. Untrusted until verified, and always displayed escaped. */
export const DeviceFacts = Type.Object({
  hostname: Str(255, 1),
  os: Type.Object({
    platform: Str(32),
    name: Str(128),
    version: Str(64),
    build: Type.Optional(Str(64)),
    kernel: Type.Optional(Str(128)),
  }),
  arch: Str(32),
  serial: Type.Optional(Str(128)),
  model: Type.Optional(Str(128)),
  manufacturer: Type.Optional(Str(128)),
});
export type DeviceFacts = Static<typeof DeviceFacts>;

// ---- enrolment (HTTPS, JSON bodies)

export const EnrolChallengeRequest = Type.Object({ v: V, token: Str(256, 8) });
export const EnrolChallengeResponse = Type.Object({ v: V, nonce: B64(128), expiresAt: IsoTime });
export const EnrolRequest = Type.Object({
  v: V,
  token: Str(256, 8),
  nonce: B64(128),
  publicKey: Str(1024, 64),
  device: DeviceFacts,
  agentVersion: Str(64),
  /** ES256 over PAE(ENROL_PROOF_TYPE, JCS({nonce, publicKey, token})). */
  proof: B64(256),
});
export const EnrolResponse = Type.Object({
  v: V,
  deviceId: DeviceId,
  role: Str(64),
  site: Type.Optional(Str(128)),
  intervalSeconds: Type.Integer({ minimum: 10, maximum: 86_400 }),
});

export type EnrolChallengeRequest = Static<typeof EnrolChallengeRequest>;
export type EnrolChallengeResponse = Static<typeof EnrolChallengeResponse>;
export type EnrolRequest = Static<typeof EnrolRequest>;
export type EnrolResponse = Static<typeof EnrolResponse>;

export const parseEnrolChallengeRequest = makeParser(EnrolChallengeRequest, 'E_SCHEMA', 'enrolment challenge request');
export const parseEnrolChallengeResponse = makeParser(EnrolChallengeResponse, 'E_SCHEMA', 'enrolment challenge response');
export const parseEnrolRequest = makeParser(EnrolRequest, 'E_SCHEMA', 'enrolment request');
export const parseEnrolResponse = makeParser(EnrolResponse, 'E_SCHEMA', 'enrolment response');

/** Error body of every HTTP error and of the stream's error message. */
export const ErrorBody = Type.Object({ v: V, code: Str(64), message: Str(2048), details: Type.Optional(Type.Array(Str(1024))) });
export type ErrorBody = Static<typeof ErrorBody>;
export const parseErrorBody = makeParser(ErrorBody, 'E_SCHEMA', 'error body');

// ---- stream (WebSocket, one JSON object per text frame)

export const ChallengeMsg = Type.Object({ v: V, type: Type.Literal('challenge'), nonce: B64(128), serverTime: IsoTime });
export const HelloMsg = Type.Object({
  v: V,
  type: Type.Literal('hello'),
  deviceId: DeviceId,
  nonce: B64(128),
  time: IsoTime,
  agentVersion: Str(64),
  /** ES256 over PAE(SESSION_PROOF_TYPE, JCS({nonce, deviceId, time})). */
  proof: B64(256),
});
export const WelcomeMsg = Type.Object({
  v: V,
  type: Type.Literal('welcome'),
  deviceId: DeviceId,
  /** Last sequence stored for this device (0: none), and its envelope hash. */
  lastSeq: Type.Integer({ minimum: 0 }),
  lastHash: Type.Union([Hex64, Type.Null()]),
  serverTime: IsoTime,
  intervalSeconds: Type.Integer({ minimum: 10, maximum: 86_400 }),
  window: Type.Integer({ minimum: 1, maximum: 1024 }),
});
export const AttestationMsg = Type.Object({
  v: V,
  type: Type.Literal('attestation'),
  seq: Seq,
  /** The DSSE envelope as the exact JSON text the agent produced: stored verbatim as evidence. */
  envelope: Str(MAX_FRAME_BYTES),
});
export const AckMsg = Type.Object({ v: V, type: Type.Literal('ack'), seq: Seq, duplicate: Type.Boolean() });
export const ErrorMsg = Type.Object({ v: V, type: Type.Literal('error'), code: Str(64), message: Str(2048), seq: Type.Optional(Seq) });
export const RecheckMsg = Type.Object({
  v: V,
  type: Type.Literal('recheck'),
  checks: Type.Optional(Type.Array(Str(64), { maxItems: 64 })),
});

export type ChallengeMsg = Static<typeof ChallengeMsg>;
export type HelloMsg = Static<typeof HelloMsg>;
export type WelcomeMsg = Static<typeof WelcomeMsg>;
export type AttestationMsg = Static<typeof AttestationMsg>;
export type AckMsg = Static<typeof AckMsg>;
export type ErrorMsg = Static<typeof ErrorMsg>;
export type RecheckMsg = Static<typeof RecheckMsg>;

export type AgentToCollector = HelloMsg | AttestationMsg;
export type CollectorToAgent = ChallengeMsg | WelcomeMsg | AckMsg | ErrorMsg | RecheckMsg;

function unionParser<M extends { type: string }>(schemas: Record<string, TSchema>, what: string): (text: string) => M {
  const compiled = new Map(Object.entries(schemas).map(([type, s]) => [type, lazyCompile(s)]));
  return (text: string): M => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new VigilError('E_MALFORMED_MESSAGE', `${what} is not valid JSON`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new VigilError('E_MALFORMED_MESSAGE', `${what} is not a JSON object`);
    }
    const obj = raw as Record<string, unknown>;
    if (obj.v !== PROTOCOL_VERSION) {
      throw new VigilError('E_UNSUPPORTED_VERSION', `${what} version ${JSON.stringify(obj.v)} is not supported (speak v${PROTOCOL_VERSION})`);
    }
    const check = typeof obj.type === 'string' ? compiled.get(obj.type)?.() : undefined;
    // obj.type may be any JSON value, including an object whose "toString" is not a function.
    if (!check) throw new VigilError('E_MALFORMED_MESSAGE', `${what} has unknown type ${typeof obj.type === 'string' ? JSON.stringify(obj.type.slice(0, 40)) : typeof obj.type}`);
    if (!check.Check(raw)) {
      const problems = problemsOf(check, raw);
      throw new VigilError('E_SCHEMA', `${obj.type} message is invalid: ${problems.join('; ')}`, problems);
    }
    return raw as M;
  };
}

export const parseAgentMessage = unionParser<AgentToCollector>({ hello: HelloMsg, attestation: AttestationMsg }, 'agent message');
export const parseCollectorMessage = unionParser<CollectorToAgent>(
  { challenge: ChallengeMsg, welcome: WelcomeMsg, ack: AckMsg, error: ErrorMsg, recheck: RecheckMsg },
  'collector message',
);

export function errorMsg(code: keyof typeof ERRORS, message?: string, seq?: number): ErrorMsg {
  const m: ErrorMsg = { v: PROTOCOL_VERSION, type: 'error', code, message: (message ?? ERRORS[code].text).slice(0, 2048) };
  if (seq !== undefined) m.seq = seq;
  return m;
}

// ---- proofs of possession (domain-separated by their PAE type)

export const ENROL_PROOF_TYPE = 'application/vnd.vigil.enrol-proof.v1+json';
export const SESSION_PROOF_TYPE = 'application/vnd.vigil.session-proof.v1+json';

export function signProof(type: string, fields: Record<string, string>, privateKey: KeyObject): string {
  return cryptoSign('sha256', pae(type, canonicalBytes(fields)), privateKey).toString('base64');
}

export function verifyProof(type: string, fields: Record<string, string>, proof: string, publicKey: KeyObject): boolean {
  const sig = decodeBase64(proof);
  if (!sig || sig.length === 0) return false;
  try {
    return cryptoVerify('sha256', pae(type, canonicalBytes(fields)), publicKey, sig);
  } catch {
    return false;
  }
}
