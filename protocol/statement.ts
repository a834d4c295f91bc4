// The attestation payload: an in-toto Statement v1 whose subject is the device (digest = sha256 of its
// public key) and whose predicate is ours, versioned by its type URI.
import { Type, type Static } from '@sinclair/typebox';
import { CHECK_STATUSES } from './checks/types.js';
import { DeviceFacts, IsoTime } from './messages.js';
import { makeParser } from './validate.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const PREDICATE_TYPE = 'https://vigil.invalid/attestation/endpoint-compliance/v1';

const Str = (max: number) => Type.String({ maxLength: max });
const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const CheckEntry = Type.Object({
  id: Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' }),
  status: Type.Union(CHECK_STATUSES.map((s) => Type.Literal(s))),
  reason: Type.Optional(Str(4096)),
  facts: Type.Unknown(),
  evidence: Type.Array(
    Type.Object({
      source: Str(512),
      exitCode: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
      error: Type.Optional(Str(1024)),
      durationMs: Type.Optional(Type.Number({ minimum: 0 })),
    }),
    { maxItems: 64 },
  ),
  durationMs: Type.Optional(Type.Number({ minimum: 0 })),
});

export const Predicate = Type.Object({
  sequence: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  /** sha256 of the previous envelope's bytes; for sequence 1, the device's public-key digest. */
  previous: Hex64,
  collectedAt: IsoTime,
  agent: Type.Object({ version: Str(64), binarySha256: Type.Optional(Hex64), configSha256: Type.Optional(Hex64) }),
  device: Type.Intersect([DeviceFacts, Type.Object({ role: Str(64) })]),
  checks: Type.Array(CheckEntry, { maxItems: 128 }),
  /**
   * Set on a gap marker: the agent's spool was full and it dropped the unsent attestations from this
   * sequence to toSeq. The marker takes this sequence; the next attestation's previous is lastHash, the
   * sha256 of the last dropped envelope, so the chain stays checkable across the gap.
   */
  gap: Type.Optional(
    Type.Object({
      reason: Type.Literal('spool-full'),
      toSeq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
      lastHash: Hex64,
      droppedBytes: Type.Integer({ minimum: 0 }),
    }),
  ),
});

export const Statement = Type.Object({
  _type: Type.Literal(STATEMENT_TYPE),
  subject: Type.Array(Type.Object({ name: Type.Optional(Str(512)), digest: Type.Object({ sha256: Hex64 }) }), {
    minItems: 1,
    maxItems: 1,
  }),
  predicateType: Type.Literal(PREDICATE_TYPE),
  predicate: Predicate,
});

export type CheckEntry = Static<typeof CheckEntry>;
export type Predicate = Static<typeof Predicate>;
export type Statement = Static<typeof Statement>;

export const parseStatement = makeParser(Statement, 'E_BAD_STATEMENT', 'attestation statement');

export function buildStatement(deviceKeyDigest: string, deviceName: string, predicate: Predicate): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: deviceName, digest: { sha256: deviceKeyDigest } }],
    predicateType: PREDICATE_TYPE,
    predicate,
  };
}
