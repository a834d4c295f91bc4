import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';
import { Nullable, Str } from './nullable.js';

export const DiskEncryptionFacts = Type.Object({
  volumes: Type.Array(
    Type.Object({
      /** Mount point ("/", "C:", "/System/Volumes/Data"), or "[SWAP]" for swap. */
      mount: Str(512),
      /** root: the OS volume; swap; data: other fixed volumes. */
      role: Type.Union([Type.Literal('root'), Type.Literal('swap'), Type.Literal('data')]),
      device: Str(512),
      /** Block devices from the mounted one down to the disk, in order (Linux). */
      chain: Type.Array(Str(512), { maxItems: 32 }),
      /** Data at rest is fully encrypted. false while encryption is still in progress. null: could not tell. */
      encrypted: Nullable(Type.Boolean()),
      /** LUKS2, BitLocker, FileVault, ZFS native… */
      scheme: Type.Optional(Str(128)),
      cipher: Type.Optional(Str(128)),
      /** BitLocker protection: suspended means the key sits in the clear on disk. */
      protection: Type.Optional(Nullable(Type.Union([Type.Literal('on'), Type.Literal('off'), Type.Literal('suspended')]))),
      /** encrypted, decrypted, encrypting, decrypting, paused (conversion state as the OS reports it). */
      conversion: Type.Optional(Nullable(Str(64))),
      percentEncrypted: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 100 }))),
      protectors: Type.Optional(Type.Array(Str(64), { maxItems: 16 })),
      /** A locked volume is encrypted and its key is not loaded. */
      locked: Type.Optional(Nullable(Type.Boolean())),
      reason: Type.Optional(Str(1024)),
    }),
    { maxItems: 256 },
  ),
});
export type DiskEncryptionFacts = Static<typeof DiskEncryptionFacts>;
type Volume = DiskEncryptionFacts['volumes'][number];

export interface DiskEncryptionParams {
  /** Swap holds memory pages (PHI included): unencrypted swap fails unless this is false. */
  requireSwap: boolean;
  /** Fixed data volumes (a separate /home, D:) must be encrypted too. */
  requireData: boolean;
}

function problem(v: Volume): { kind: 'fail' | 'unknown'; text: string } | null {
  const name = v.mount === v.device ? v.mount : `${v.mount} (${v.device})`;
  if (v.locked === true) return null;
  if (v.encrypted === false) {
    if (v.conversion === 'encrypting') {
      return { kind: 'fail', text: `${name} encryption in progress${v.percentEncrypted != null ? ` (${v.percentEncrypted}%)` : ''}` };
    }
    return { kind: 'fail', text: `${name} is not encrypted` };
  }
  if (v.encrypted === null) return { kind: 'unknown', text: `${v.mount}: ${v.reason ?? 'encryption state could not be determined'}` };
  if (v.protection === 'suspended') return { kind: 'fail', text: `${name} is encrypted but protection is suspended (key stored in the clear)` };
  if (v.protection === 'off') return { kind: 'fail', text: `${name} is encrypted but protection is off` };
  return null;
}

export const diskEncryption: CheckDefinition<DiskEncryptionFacts, DiskEncryptionParams> = {
  id: 'disk_encryption',
  title: 'Disk encryption',
  factsSchema: DiskEncryptionFacts,
  defaultParams: { requireSwap: true, requireData: true },
  paramsSchema: Type.Object(
    {
      requireSwap: Type.Boolean({ description: 'swap must be encrypted (it holds memory pages, PHI included)' }),
      requireData: Type.Boolean({ description: 'fixed data volumes must be encrypted too' }),
    },
    { additionalProperties: false },
  ),
  summarize(facts) {
    return facts.volumes.map((v) => {
      const what = v.locked
        ? 'locked (encrypted)'
        : v.encrypted === true
          ? `encrypted${v.scheme ? ` (${[v.scheme, v.cipher].filter(Boolean).join(', ')})` : ''}${v.protection && v.protection !== 'on' ? `, protection ${v.protection}` : ''}`
          : v.encrypted === false
            ? v.conversion === 'encrypting'
              ? `encrypting ${v.percentEncrypted ?? '?'}%`
              : 'NOT encrypted'
            : 'unknown';
      return `${v.mount} on ${v.chain.length ? v.chain.join(' → ') : v.device}: ${what}`;
    });
  },
  evaluate(facts, params) {
    const considered = facts.volumes.filter(
      (v) => v.role === 'root' || (v.role === 'swap' && params.requireSwap) || (v.role === 'data' && params.requireData),
    );
    if (!considered.some((v) => v.role === 'root')) return { status: 'unknown', reason: 'the operating-system volume was not reported' };
    const problems = considered.map(problem).filter((p): p is NonNullable<typeof p> => p !== null);
    const fails = problems.filter((p) => p.kind === 'fail').map((p) => p.text);
    if (fails.length) return { status: 'fail', reason: joinReasons(fails) };
    if (problems.length) return { status: 'unknown', reason: joinReasons(problems.map((p) => p.text)) };
    return { status: 'pass' };
  },
};
