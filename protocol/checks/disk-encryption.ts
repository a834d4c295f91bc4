import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';

const Nullable = <T extends import('@sinclair/typebox').TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const DiskEncryptionFacts = Type.Object({
  volumes: Type.Array(
    Type.Object({
      /** Mount point, or "[SWAP]" for swap. */
      mount: Type.String({ maxLength: 512 }),
      role: Type.Union([Type.Literal('root'), Type.Literal('swap'), Type.Literal('data')]),
      device: Type.String({ maxLength: 512 }),
      /** Block devices from the mounted one down to the disk, in order. */
      chain: Type.Array(Type.String({ maxLength: 512 }), { maxItems: 32 }),
      /** null: the agent could not tell (reason says why). */
      encrypted: Nullable(Type.Boolean()),
      scheme: Type.Optional(Type.String({ maxLength: 128 })),
      cipher: Type.Optional(Type.String({ maxLength: 128 })),
      reason: Type.Optional(Type.String({ maxLength: 1024 })),
    }),
    { maxItems: 256 },
  ),
});
export type DiskEncryptionFacts = Static<typeof DiskEncryptionFacts>;

export interface DiskEncryptionParams {
  /** Swap holds memory pages (PHI included): unencrypted swap fails unless this is false. */
  requireSwap: boolean;
  /** Data volumes (e.g. a separate /home or /var) must be encrypted too. */
  requireData: boolean;
}

export const diskEncryption: CheckDefinition<DiskEncryptionFacts, DiskEncryptionParams> = {
  id: 'disk_encryption',
  title: 'Disk encryption',
  factsSchema: DiskEncryptionFacts,
  defaultParams: { requireSwap: true, requireData: true },
  summarize(facts) {
    return facts.volumes.map((v) => {
      const state = v.encrypted === true ? `encrypted${v.scheme ? ` (${v.scheme}${v.cipher ? `, ${v.cipher}` : ''})` : ''}` : v.encrypted === false ? 'NOT encrypted' : 'unknown';
      return `${v.mount} on ${v.chain.join(' → ') || v.device}: ${state}`;
    });
  },
  evaluate(facts, params) {
    const considered = facts.volumes.filter(
      (v) => v.role === 'root' || (v.role === 'swap' && params.requireSwap) || (v.role === 'data' && params.requireData),
    );
    if (!considered.some((v) => v.role === 'root')) {
      return { status: 'unknown', reason: 'the volume holding / was not reported' };
    }
    const failing = considered.filter((v) => v.encrypted === false);
    if (failing.length) {
      return {
        status: 'fail',
        reason: joinReasons(failing.map((v) => `${v.mount} (${v.device}) is not encrypted`)),
      };
    }
    const unclear = considered.filter((v) => v.encrypted === null);
    if (unclear.length) {
      return {
        status: 'unknown',
        reason: joinReasons(unclear.map((v) => `${v.mount}: ${v.reason ?? 'encryption state could not be determined'}`)),
      };
    }
    return { status: 'pass' };
  },
};
