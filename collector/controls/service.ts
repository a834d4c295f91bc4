// Maps check results to Annex A controls. A control's status on a device is the worst of the checks that
// evidence it: any fail → fail; else any unknown or error (or a missing result) → unknown; else pass.
// A check is partial evidence: controls also need policy and process evidence outside Vigil.
import { CHECK_IDS, type CheckStatus } from '../../protocol/checks/index.js';
import { VigilError } from '../../protocol/errors.js';
import type { Db, Queryable } from '../db/types.js';
import { controlsEvidencedBy, type Strength } from './catalogue.js';

export type ControlStatus = 'pass' | 'fail' | 'unknown' | 'not_applicable';

export interface LatestResult {
  device_id: string;
  check_id: string;
  status: CheckStatus;
  reason: string | null;
  facts_json: string | null;
  collected_at: string;
}

export interface DeviceControl {
  id: string;
  ref: string;
  title: string;
  theme: string;
  status: ControlStatus;
  checks: { checkId: string; strength: Strength; status: CheckStatus | 'missing' }[];
}

export interface FleetControl {
  id: string;
  ref: string;
  title: string;
  theme: string;
  counts: Record<ControlStatus, number>;
  checks: { checkId: string; strength: Strength }[];
}

export const latestResultsRepo = {
  forDevice(q: Queryable, deviceId: string) {
    return q.all<LatestResult>(
      `SELECT r.device_id, r.check_id, r.status, r.reason, r.facts_json, r.collected_at
         FROM check_results r JOIN devices d ON d.id = r.device_id AND r.seq = d.last_seq
        WHERE d.id = ? ORDER BY r.check_id`,
      [deviceId],
    );
  },
  forFleet(q: Queryable) {
    return q.all<LatestResult>(
      `SELECT r.device_id, r.check_id, r.status, r.reason, r.facts_json, r.collected_at
         FROM check_results r JOIN devices d ON d.id = r.device_id AND r.seq = d.last_seq
        WHERE d.revoked_at IS NULL`,
    );
  },
};

export function combine(statuses: (CheckStatus | 'missing')[]): ControlStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.some((s) => s === 'unknown' || s === 'error' || s === 'missing')) return 'unknown';
  if (statuses.includes('pass')) return 'pass';
  return 'not_applicable';
}

export function deviceControls(results: readonly LatestResult[], checkIds: readonly string[] = CHECK_IDS): DeviceControl[] {
  const byCheck = new Map(results.map((r) => [r.check_id, r.status]));
  return controlsEvidencedBy(checkIds).map(({ control, checks }) => {
    const withStatus = checks.map((c) => ({ ...c, status: byCheck.get(c.checkId) ?? ('missing' as const) }));
    return {
      id: control.id,
      ref: control.ref,
      title: control.title,
      theme: control.theme,
      status: combine(withStatus.map((c) => c.status)),
      checks: withStatus,
    };
  });
}

export function fleetControls(results: readonly LatestResult[], checkIds: readonly string[] = CHECK_IDS): FleetControl[] {
  const byDevice = new Map<string, LatestResult[]>();
  for (const r of results) {
    const list = byDevice.get(r.device_id) ?? [];
    list.push(r);
    byDevice.set(r.device_id, list);
  }
  const fleet = controlsEvidencedBy(checkIds).map(({ control, checks }) => ({
    id: control.id,
    ref: control.ref,
    title: control.title,
    theme: control.theme,
    counts: { pass: 0, fail: 0, unknown: 0, not_applicable: 0 } as Record<ControlStatus, number>,
    checks,
  }));
  for (const list of byDevice.values()) {
    const perDevice = deviceControls(list, checkIds);
    perDevice.forEach((dc, i) => fleet[i]!.counts[dc.status]++);
  }
  return fleet;
}

export class ControlsService {
  constructor(private readonly db: Db) {}

  /** Latest result per check of one device (from its last stored attestation). */
  async latestResults(deviceId: string): Promise<LatestResult[]> {
    if (!(await this.db.get('SELECT 1 AS x FROM devices WHERE id = ?', [deviceId]))) throw new VigilError('E_NOT_FOUND', `device ${deviceId} does not exist`);
    return latestResultsRepo.forDevice(this.db, deviceId);
  }

  async forDevice(deviceId: string): Promise<DeviceControl[]> {
    return deviceControls(await this.latestResults(deviceId));
  }

  async fleet(): Promise<FleetControl[]> {
    return fleetControls(await latestResultsRepo.forFleet(this.db));
  }
}
