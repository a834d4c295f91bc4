import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';
import { Nullable, Str, Detail } from './nullable.js';

export const UsbStorageFacts = Type.Object({
  /** Mass storage over USB cannot be used. null: could not tell. */
  blocked: Nullable(Type.Boolean()),
  /** Each mechanism looked at: USBSTOR start type, removable-storage deny policy, modprobe blacklist, MDM restriction… */
  mechanisms: Type.Array(Type.Object({ name: Str(128), blocking: Nullable(Type.Boolean()), detail: Detail() }), { maxItems: 16 }),
});
export type UsbStorageFacts = Static<typeof UsbStorageFacts>;

export interface UsbStorageParams {
  requireBlocked: boolean;
}

export const usbStorage: CheckDefinition<UsbStorageFacts, UsbStorageParams> = {
  id: 'usb_storage',
  title: 'USB storage',
  factsSchema: UsbStorageFacts,
  defaultParams: { requireBlocked: true },
  paramsSchema: Type.Object(
    { requireBlocked: Type.Boolean({ description: 'USB mass storage must be blocked (false: not applicable for this role)' }) },
    { additionalProperties: false },
  ),
  summarize(facts) {
    const head = `USB mass storage ${facts.blocked === null ? 'state unknown' : facts.blocked ? 'blocked' : 'allowed'}`;
    return [head, ...facts.mechanisms.map((m) => `${m.name}: ${m.blocking === null ? 'unknown' : m.blocking ? 'blocks' : 'does not block'}${m.detail ? ` (${m.detail})` : ''}`)];
  },
  evaluate(facts, params) {
    if (!params.requireBlocked) return { status: 'not_applicable', reason: 'USB storage is allowed by policy for this role' };
    if (facts.blocked === true) return { status: 'pass' };
    if (facts.blocked === false) return { status: 'fail', reason: 'USB mass storage is not blocked' };
    const unclear = facts.mechanisms.filter((m) => m.blocking === null).map((m) => `${m.name}: ${m.detail ?? 'unknown'}`);
    return { status: 'unknown', reason: joinReasons(unclear) ?? 'whether USB storage is blocked could not be determined' };
  },
};
