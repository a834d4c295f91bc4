// The wire (API and --json) form of a device state.
import type { DeviceState } from './service.js';

/** Wire form of a device state: facts parsed back to JSON, the key left to the device endpoints. */
export function stateJson(s: DeviceState) {
  const { public_key_pem: _pem, seq: _seq, ...device } = s.device;
  return {
    device,
    envelope: s.envelope,
    checks: s.checks.map(({ factsJson, waiver, ...c }) => ({
      ...c,
      waiver: waiver ? { id: waiver.id, approver: waiver.approver, reason: waiver.reason, expiresAt: waiver.expires_at } : null,
      facts: factsJson === null ? null : (JSON.parse(factsJson) as unknown),
    })),
  };
}
