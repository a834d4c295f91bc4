import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';
import { Nullable, Str, Detail } from './nullable.js';

export const AntivirusEdrFacts = Type.Object({
  /** Every anti-malware or EDR product found (Defender, a SecurityCenter2 product, XProtect, ClamAV, mdatp, Falcon…). */
  products: Type.Array(
    Type.Object({
      name: Str(128),
      kind: Type.Union([Type.Literal('antivirus'), Type.Literal('edr')]),
      /** Running / enabled. */
      active: Nullable(Type.Boolean()),
      /** Real-time (on-access) protection; null when the product does not say. */
      realtime: Nullable(Type.Boolean()),
      /** Days since the signature / definitions update. */
      signatureAgeDays: Nullable(Type.Number({ minimum: 0 })),
      /** The product says its definitions are out of date without giving their age (SecurityCenter2). */
      signaturesOutOfDate: Type.Optional(Nullable(Type.Boolean())),
      version: Type.Optional(Str(128)),
      detail: Detail(),
    }),
    { maxItems: 32 },
  ),
  /** Where the inventory comes from could not be read at all (e.g. SecurityCenter2 absent on Windows Server). */
  notes: Type.Optional(Type.Array(Str(1024), { maxItems: 8 })),
});
export type AntivirusEdrFacts = Static<typeof AntivirusEdrFacts>;

export interface AntivirusEdrParams {
  maxSignatureAgeDays: number;
  requireRealtime: boolean;
}

export const antivirusEdr: CheckDefinition<AntivirusEdrFacts, AntivirusEdrParams> = {
  id: 'antivirus_edr',
  title: 'Antivirus / EDR',
  factsSchema: AntivirusEdrFacts,
  defaultParams: { maxSignatureAgeDays: 7, requireRealtime: true },
  paramsSchema: Type.Object(
    {
      maxSignatureAgeDays: Type.Integer({ minimum: 0, maximum: 3650, description: 'oldest antivirus signatures accepted, in days' }),
      requireRealtime: Type.Boolean({ description: 'real-time (on-access) protection must be on' }),
    },
    { additionalProperties: false },
  ),
  summarize(facts) {
    if (!facts.products.length) return ['no antivirus or EDR product found', ...(facts.notes ?? [])];
    return facts.products.map(
      (p) =>
        `${p.name} (${p.kind}): ${p.active === null ? 'state unknown' : p.active ? 'active' : 'inactive'}` +
        `${p.realtime != null ? `, real-time ${p.realtime ? 'on' : 'off'}` : ''}` +
        `${p.signatureAgeDays != null ? `, signatures ${p.signatureAgeDays} day(s) old` : ''}`,
    );
  },
  evaluate(facts, params) {
    const fails: string[] = [];
    const unknowns: string[] = [];
    let good = false;
    for (const p of facts.products) {
      const problems: string[] = [];
      const unclear: string[] = [];
      if (p.active === false) problems.push(`${p.name} is not running`);
      else if (p.active === null) unclear.push(`${p.name}: ${p.detail ?? 'state unknown'}`);
      if (p.kind === 'antivirus' && params.requireRealtime && p.realtime === false) problems.push(`${p.name} real-time protection is off`);
      if (p.kind === 'antivirus' && p.signaturesOutOfDate === true) problems.push(`${p.name} reports its definitions out of date`);
      if (p.kind === 'antivirus' && p.signatureAgeDays != null && p.signatureAgeDays > params.maxSignatureAgeDays) {
        problems.push(`${p.name} signatures are ${Math.floor(p.signatureAgeDays)} days old (allowed ${params.maxSignatureAgeDays})`);
      }
      if (!problems.length && !unclear.length) good = true;
      fails.push(...problems);
      unknowns.push(...unclear);
    }
    if (good) return { status: 'pass', reason: fails.length ? joinReasons(fails) : undefined };
    if (fails.length) return { status: 'fail', reason: joinReasons([...fails, ...unknowns]) };
    if (unknowns.length) return { status: 'unknown', reason: joinReasons(unknowns) };
    return { status: 'fail', reason: joinReasons(['no antivirus or EDR product found', ...(facts.notes ?? [])]) };
  },
};
