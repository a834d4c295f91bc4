// Waivers are applied when results are read, never stored into them: the evaluation stays what the
// policy said, an expired waiver stops applying without any job, and an as-of view applies the waivers
// that were in force at that moment. A waived result shows as `waived`, never as `pass`.
import type { CheckStatus } from '../../protocol/checks/index.js';

export type EffectiveStatus = CheckStatus | 'waived' | 'missing';

export interface WaiverRow {
  id: string;
  device_id: string | null;
  check_id: string | null;
  control_id: string | null;
  reason: string;
  approver: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

/** Statuses a waiver can excuse: a failure, and evidence that could not be produced (unknown, error, missing). */
const WAIVABLE: ReadonlySet<EffectiveStatus> = new Set<EffectiveStatus>(['fail', 'unknown', 'error', 'missing']);

/** In force at `at` (ISO UTC): created at or before it, not yet expired, not revoked by then. */
export function inForce(w: WaiverRow, at: string): boolean {
  return w.created_at <= at && at < w.expires_at && (w.revoked_at === null || w.revoked_at > at);
}

/**
 * The waiver covering a device's check result, if any. Without a control, only waivers that do not name
 * a control apply (device-wide, check-wide, device+check); for a control, waivers naming that control
 * apply too. When several apply, the one lasting longest is reported.
 */
export function waiverFor(waivers: readonly WaiverRow[], deviceId: string, checkId: string, controlId?: string): WaiverRow | undefined {
  let best: WaiverRow | undefined;
  for (const w of waivers) {
    if (w.device_id !== null && w.device_id !== deviceId) continue;
    if (w.check_id !== null && w.check_id !== checkId) continue;
    if (w.control_id !== null && w.control_id !== controlId) continue;
    if (!best || w.expires_at > best.expires_at) best = w;
  }
  return best;
}

export function applyWaiver(status: CheckStatus | 'missing', waiver: WaiverRow | undefined): { effective: EffectiveStatus; waiver?: WaiverRow } {
  if (waiver && WAIVABLE.has(status)) return { effective: 'waived', waiver };
  return { effective: status };
}
