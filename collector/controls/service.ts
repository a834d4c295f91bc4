// Maps check results to Annex A controls. A control's status on a device is the worst of the checks that
// evidence it: any fail → fail; else any unknown or error (or a missing result) → unknown; else any
// waived → waived; else pass. Waivers apply per check or per control and never make a pass.
// A check is partial evidence: controls also need policy and process evidence outside Vigil.
import { CHECK_IDS, type CheckStatus } from '../../protocol/checks/index.js';
import type { Db } from '../db/types.js';
import { applyWaiver, waiverFor, type EffectiveStatus, type WaiverRow } from '../waivers/apply.js';
import { waiversRepo } from '../waivers/repo.js';
import type { DeviceState, HistoryService } from '../history/service.js';
import { controlsEvidencedBy, type Strength } from './catalogue.js';

export type ControlStatus = 'pass' | 'fail' | 'unknown' | 'waived' | 'not_applicable';
export const CONTROL_STATUSES: readonly ControlStatus[] = ['pass', 'fail', 'unknown', 'waived', 'not_applicable'];

export interface DeviceControlCheck {
  checkId: string;
  strength: Strength;
  status: CheckStatus | 'missing';
  effective: EffectiveStatus;
  waiverId: string | null;
}

export interface DeviceControl {
  id: string;
  ref: string;
  title: string;
  theme: string;
  status: ControlStatus;
  checks: DeviceControlCheck[];
}

export interface FleetControl {
  id: string;
  ref: string;
  title: string;
  theme: string;
  counts: Record<ControlStatus, number>;
  checks: { checkId: string; strength: Strength }[];
}

export function combine(statuses: EffectiveStatus[]): ControlStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.some((s) => s === 'unknown' || s === 'error' || s === 'missing')) return 'unknown';
  if (statuses.includes('waived')) return 'waived';
  if (statuses.includes('pass')) return 'pass';
  return 'not_applicable';
}

export interface ResultLike {
  check_id: string;
  status: CheckStatus;
}

/** Controls of one device from its results; waivers in force at the moment of those results. */
export function deviceControls(
  deviceId: string,
  results: readonly ResultLike[],
  waivers: readonly WaiverRow[] = [],
  checkIds: readonly string[] = CHECK_IDS,
): DeviceControl[] {
  const byCheck = new Map(results.map((r) => [r.check_id, r.status]));
  return controlsEvidencedBy(checkIds).map(({ control, checks }) => {
    const withStatus = checks.map((c) => {
      const status = byCheck.get(c.checkId) ?? ('missing' as const);
      const applied = applyWaiver(status, waiverFor(waivers, deviceId, c.checkId, control.id));
      return { ...c, status, effective: applied.effective, waiverId: applied.waiver?.id ?? null };
    });
    return {
      id: control.id,
      ref: control.ref,
      title: control.title,
      theme: control.theme,
      status: combine(withStatus.map((c) => c.effective)),
      checks: withStatus,
    };
  });
}

export function emptyFleet(checkIds: readonly string[] = CHECK_IDS): FleetControl[] {
  return controlsEvidencedBy(checkIds).map(({ control, checks }) => ({
    id: control.id,
    ref: control.ref,
    title: control.title,
    theme: control.theme,
    counts: { pass: 0, fail: 0, unknown: 0, waived: 0, not_applicable: 0 },
    checks,
  }));
}

/** Adds one device's controls to fleet counts (same order as emptyFleet). */
export function countDevice(fleet: FleetControl[], perDevice: readonly DeviceControl[]): void {
  perDevice.forEach((dc, i) => fleet[i]!.counts[dc.status]++);
}

const RANK: Record<EffectiveStatus, number> = { fail: 4, unknown: 3, error: 3, missing: 3, waived: 2, pass: 1, not_applicable: 0 };
const BY_RANK: ControlStatus[] = ['not_applicable', 'pass', 'waived', 'unknown', 'fail'];

/**
 * countDevice(fleet, deviceControls(…)) without building the per-control detail: the fleet views and
 * exports count every device of the fleet. Same rules (combine, applyWaiver).
 */
export function countDeviceFast(fleet: FleetControl[], deviceId: string, statusOf: ReadonlyMap<string, CheckStatus>, waivers: readonly WaiverRow[]): void {
  const mapping = controlsEvidencedBy(CHECK_IDS);
  for (let i = 0; i < mapping.length; i++) {
    const { control, checks } = mapping[i]!;
    let worst = 0;
    for (const c of checks) {
      const status: CheckStatus | 'missing' = statusOf.get(c.checkId) ?? 'missing';
      const effective = waivers.length ? applyWaiver(status, waiverFor(waivers, deviceId, c.checkId, control.id)).effective : status;
      const r = RANK[effective];
      if (r > worst) worst = r;
    }
    fleet[i]!.counts[BY_RANK[worst]!]++;
  }
}

export function fleetControls(devices: readonly { deviceId: string; results: readonly ResultLike[] }[], waivers: readonly WaiverRow[] = [], checkIds: readonly string[] = CHECK_IDS): FleetControl[] {
  const fleet = emptyFleet(checkIds);
  for (const d of devices) countDevice(fleet, deviceControls(d.deviceId, d.results, waivers, checkIds));
  return fleet;
}

export function controlsOfState(state: DeviceState, waivers: readonly WaiverRow[]): DeviceControl[] {
  return deviceControls(state.device.id, state.checks.map((c) => ({ check_id: c.checkId, status: c.status })), waivers);
}

export class ControlsService {
  constructor(
    private readonly db: Db,
    private readonly history: HistoryService,
    private readonly now: () => Date,
  ) {}

  /** A device's controls now, or as of a moment. */
  async forDevice(deviceId: string, asOf?: string | null): Promise<DeviceControl[]> {
    const state = await this.history.device(deviceId, asOf, false);
    const waivers = await waiversRepo.inForceAt(this.db, asOf ? new Date(asOf).toISOString() : this.now().toISOString());
    return controlsOfState(state, waivers);
  }

  /** Devices per status for every control with automated evidence, now or as of a moment. */
  async fleet(asOf?: string | null): Promise<FleetControl[]> {
    const fleet = emptyFleet();
    const waivers = await waiversRepo.inForceAt(this.db, asOf ? new Date(asOf).toISOString() : this.now().toISOString());
    for await (const state of this.history.fleet({ asOf })) countDeviceFast(fleet, state.device.id, new Map(state.checks.map((c) => [c.checkId, c.status])), waivers);
    return fleet;
  }
}
