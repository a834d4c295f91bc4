import { Type, type Static } from '@sinclair/typebox';
import type { CheckDefinition } from './types.js';
import { Nullable, Str, Detail } from './nullable.js';

export const SecureBootFacts = Type.Object({
  /** uefi, bios (legacy boot), apple-silicon, apple-t2, apple-intel-legacy. null: unknown. */
  firmware: Nullable(Str(32)),
  /** Secure Boot (or Apple boot security) enforcing signed boot components. */
  enabled: Nullable(Type.Boolean()),
  /** UEFI setup mode: keys can be replaced without authentication. */
  setupMode: Type.Optional(Nullable(Type.Boolean())),
  /** macOS security policy: full, reduced (medium), permissive. */
  policy: Type.Optional(Nullable(Str(32))),
  detail: Detail(),
});
export type SecureBootFacts = Static<typeof SecureBootFacts>;

export interface SecureBootParams {
  /** Legacy BIOS machines cannot do Secure Boot: not applicable instead of fail. */
  allowLegacyBios: boolean;
}

export const secureBoot: CheckDefinition<SecureBootFacts, SecureBootParams> = {
  id: 'secure_boot',
  title: 'Secure boot',
  factsSchema: SecureBootFacts,
  defaultParams: { allowLegacyBios: false },
  paramsSchema: Type.Object(
    { allowLegacyBios: Type.Boolean({ description: 'legacy BIOS machines (no Secure Boot possible) are not applicable instead of failing' }) },
    { additionalProperties: false },
  ),
  summarize(facts) {
    return [
      `firmware ${facts.firmware ?? 'unknown'}; secure boot ${facts.enabled === null ? 'unknown' : facts.enabled ? 'on' : 'off'}` +
        `${facts.setupMode ? ' (setup mode)' : ''}${facts.policy ? `; policy ${facts.policy}` : ''}${facts.detail ? ` (${facts.detail})` : ''}`,
    ];
  },
  evaluate(facts, params) {
    if (facts.firmware === 'bios') {
      return params.allowLegacyBios
        ? { status: 'not_applicable', reason: 'legacy BIOS boot: Secure Boot is unavailable (allowed by policy)' }
        : { status: 'fail', reason: 'legacy BIOS boot: Secure Boot is unavailable' };
    }
    if (facts.enabled === true && facts.setupMode === true) return { status: 'fail', reason: 'firmware is in setup mode: boot keys can be replaced' };
    if (facts.enabled === true) {
      if (facts.policy === 'permissive') return { status: 'fail', reason: 'boot security policy is permissive' };
      return { status: 'pass' };
    }
    if (facts.enabled === false) return { status: 'fail', reason: 'Secure Boot is off' };
    return { status: 'unknown', reason: facts.detail ?? 'Secure Boot state could not be determined' };
  },
};
