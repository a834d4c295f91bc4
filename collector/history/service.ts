// The fleet as of any moment. Definition (README "History"): for each device enrolled at or before T
// and not revoked at T, the newest envelope it *collected* at or before T (the time the device signed,
// which an auditor can check in the exported envelope; when the collector received it is recorded
// beside it). Its verdicts are the ones computed at ingest under the policy in force then (stored, with
// the policy version), and the waivers applied are those in force at T. "Now" (asOf omitted) rests on
// each device's last stored envelope.
import { CHECK_IDS } from '../../protocol/checks/index.js';
import { VigilError } from '../../protocol/errors.js';
import type { Db } from '../db/types.js';
import { applyWaiver, waiverFor, type EffectiveStatus, type WaiverRow } from '../waivers/apply.js';
import { waiversRepo } from '../waivers/repo.js';
import { asOfRepo, evaluationsRepo, transitionsRepo, type AsOfDevice, type EnvelopeMeta, type EvaluationRow, type ResultRow } from './repo.js';
import { marksAsOf, type Transition } from './state.js';
import type { CheckStatus } from '../../protocol/checks/index.js';

export interface CheckView {
  checkId: string;
  /** As evaluated under the policy in force when the envelope arrived. */
  status: CheckStatus;
  reason: string | null;
  /** With the waivers in force at the moment: `waived` replaces a waived fail/unknown/error. */
  effective: EffectiveStatus;
  waiver: WaiverRow | null;
  firstFailedAt: string | null;
  firstFailedSeq: number | null;
  lastPassedAt: string | null;
  lastPassedSeq: number | null;
  factsJson: string | null;
}

export interface DeviceState {
  device: AsOfDevice;
  /** The envelope the state rests on; null when the device had sent none by then. */
  envelope: EnvelopeMeta | null;
  checks: CheckView[];
}

export interface FleetPage {
  asOf: string;
  devices: DeviceState[];
  /** Pass as `after` for the next page; null at the end. */
  next: string | null;
}

const rank = (id: string) => (CHECK_IDS.includes(id) ? CHECK_IDS.indexOf(id) : CHECK_IDS.length);

export function normaliseMoment(input: string | Date): string {
  const d = typeof input === 'string' ? new Date(input) : input;
  if (!Number.isFinite(d.getTime()) || (typeof input === 'string' && !/^\d{4}-\d{2}-\d{2}/.test(input))) {
    throw new VigilError('E_BAD_REQUEST', `${JSON.stringify(String(input))} is not an ISO-8601 date or time`);
  }
  return d.toISOString();
}

/**
 * A period bound from the command line: a bare date means the start of that day for `from` and its last
 * millisecond for `to` (UTC), so `--from 2026-01-01 --to 2026-01-31` covers all of January.
 */
export function periodBound(input: string, side: 'start' | 'end'): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(input)) {
    const start = normaliseMoment(`${input}T00:00:00.000Z`);
    return side === 'start' ? start : new Date(Date.parse(start) + 86_400_000 - 1).toISOString();
  }
  return normaliseMoment(input);
}

export class HistoryService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /**
   * One page of the fleet as of `asOf` (null: now). Bounded work per page whatever the fleet size;
   * waivers may be passed in when the caller already holds those in force at the moment.
   */
  async page(opts: { asOf?: string | null; after?: string; limit?: number; deviceId?: string; withFacts?: boolean; waivers?: readonly WaiverRow[] } = {}): Promise<FleetPage> {
    const asOf = opts.asOf ? normaliseMoment(opts.asOf) : null;
    const moment = asOf ?? this.now().toISOString();
    const limit = Math.min(Math.max(opts.limit ?? 200, 1), 1000);
    const devices = await asOfRepo.devicePage(this.db, { asOf, after: opts.after ?? '', limit, deviceId: opts.deviceId });
    const waivers = opts.waivers ?? (await waiversRepo.inForceAt(this.db, moment));
    const states = await this.statesOf(devices, waivers, opts.withFacts ?? false);
    return { asOf: moment, devices: states, next: devices.length === limit ? devices[devices.length - 1]!.id : null };
  }

  /** Every device of the fleet as of a moment, page by page. */
  async *fleet(opts: { asOf?: string | null; pageSize?: number; withFacts?: boolean } = {}): AsyncGenerator<DeviceState> {
    const asOf = opts.asOf ? normaliseMoment(opts.asOf) : null;
    const waivers = await waiversRepo.inForceAt(this.db, asOf ?? this.now().toISOString());
    let after = '';
    for (;;) {
      const page = await this.page({ asOf, after, limit: opts.pageSize ?? 500, withFacts: opts.withFacts, waivers });
      yield* page.devices;
      if (!page.next) return;
      after = page.next;
    }
  }

  async device(deviceId: string, asOf?: string | null, withFacts = true): Promise<DeviceState> {
    const page = await this.page({ asOf, deviceId, limit: 1, withFacts });
    const state = page.devices[0];
    if (!state) {
      const exists = await this.db.get<{ enrolled_at: string }>('SELECT enrolled_at FROM devices WHERE id = ?', [deviceId]);
      if (!exists) throw new VigilError('E_NOT_FOUND', `device ${deviceId} does not exist`);
      throw new VigilError('E_NOT_FOUND', `device ${deviceId} was not part of the fleet at ${page.asOf} (enrolled ${exists.enrolled_at}, or revoked by then)`);
    }
    return state;
  }

  /** Every stored evaluation of one device, newest first. */
  async evaluations(deviceId: string, opts: { checkId?: string; from?: string; to?: string; limit?: number } = {}): Promise<EvaluationRow[]> {
    if (!(await this.db.get('SELECT 1 AS x FROM devices WHERE id = ?', [deviceId]))) throw new VigilError('E_NOT_FOUND', `device ${deviceId} does not exist`);
    return evaluationsRepo.list(this.db, deviceId, {
      checkId: opts.checkId,
      from: opts.from ? normaliseMoment(opts.from) : undefined,
      to: opts.to ? normaliseMoment(opts.to) : undefined,
      limit: Math.min(Math.max(opts.limit ?? 500, 1), 10_000),
    });
  }

  /** Assemble device states from one page of devices (three queries per page). */
  async statesOf(devices: readonly AsOfDevice[], waivers: readonly WaiverRow[], withFacts: boolean): Promise<DeviceState[]> {
    const pairs = devices.filter((d) => d.seq !== null).map((d) => ({ deviceId: d.id, seq: d.seq! }));
    const [results, envelopes] = await Promise.all([asOfRepo.resultsAt(this.db, pairs, withFacts), asOfRepo.envelopesAt(this.db, pairs)]);
    const notPassing = new Map<string, { deviceId: string; seq: number; checkIds: string[] }>();
    for (const r of results) {
      if (r.status === 'pass') continue;
      const w = notPassing.get(r.device_id) ?? { deviceId: r.device_id, seq: r.seq, checkIds: [] };
      w.checkIds.push(r.check_id);
      notPassing.set(r.device_id, w);
    }
    const transitions = await transitionsRepo.upTo(this.db, [...notPassing.values()]);
    const resultsBy = groupBy(results, (r) => r.device_id);
    const envelopeBy = new Map(envelopes.map((e) => [e.device_id, e]));
    const transitionsBy = groupBy(transitions, (t) => `${t.device_id}\u0000${t.check_id}`);
    return devices.map((device) => ({
      device,
      envelope: envelopeBy.get(device.id) ?? null,
      checks: (resultsBy.get(device.id) ?? [])
        .sort((a, b) => rank(a.check_id) - rank(b.check_id) || a.check_id.localeCompare(b.check_id))
        .map((r) => checkView(r, transitionsBy.get(`${device.id}\u0000${r.check_id}`) ?? [], waivers)),
    }));
  }
}

function checkView(r: ResultRow, transitions: readonly Transition[], waivers: readonly WaiverRow[]): CheckView {
  const marks = marksAsOf(transitions, { seq: r.seq, collectedAt: r.collected_at, status: r.status });
  const { effective, waiver } = applyWaiver(r.status, waiverFor(waivers, r.device_id, r.check_id));
  return {
    checkId: r.check_id,
    status: r.status,
    reason: r.reason,
    effective,
    waiver: waiver ?? null,
    firstFailedAt: marks.firstFailedAt,
    firstFailedSeq: marks.firstFailedSeq,
    lastPassedAt: marks.lastPassedAt,
    lastPassedSeq: marks.lastPassedSeq,
    factsJson: r.facts_json,
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
