// The dashboard's read model: fleet overview (counts per check and control, stale and tamper counts, a
// daily trend), the device list with search, filters, sort and cursor paging, one device in detail, the
// controls view and the audit log. Everything the pages show comes from here, and the API returns the
// same objects.
import { CHECKS, CHECK_IDS } from '../../protocol/checks/index.js';
import { VigilError } from '../../protocol/errors.js';
import type { Db } from '../db/types.js';
import { allControls, checkMapping, controlsEvidencedBy } from '../controls/catalogue.js';
import { countDeviceFast, emptyFleet, type ControlStatus, type FleetControl } from '../controls/service.js';
import type { HistoryService } from '../history/service.js';
import { waiversRepo } from '../waivers/repo.js';
import { manualEvidenceRepo, soaRepo } from '../soa/repo.js';
import { tamperRepo } from '../ingest/repo.js';
import type { CheckStatus } from '../../protocol/checks/index.js';
import { dashboardRepo, type Cursor, type DeviceFilter, type DeviceSort, type TrendDay } from './repo.js';

const DAY_MS = 86_400_000;
export const TREND_DAYS = 90;
/** A device is stale after this many missed check intervals without an attestation. */
export const STALE_INTERVALS = 3;

export const checkTitle = (id: string) => CHECKS.find((c) => c.id === id)?.title ?? id;

export interface CheckSummary {
  checkId: string;
  title: string;
  pass: number;
  fail: number;
  unknown: number;
  other: number;
}

export interface Overview {
  at: string;
  devices: number;
  revoked: number;
  stale: number;
  neverAttested: number;
  staleAfterSeconds: number;
  tamper: { total: number; last24h: number; devices24h: number };
  checks: CheckSummary[];
  controls: FleetControl[];
  trend: TrendDay[];
}

export interface DeviceQuery {
  filter: Omit<DeviceFilter, 'staleBefore'>;
  sort: DeviceSort;
  desc: boolean;
  cursor: string | null;
  limit: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.k, c.id])).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && ['string', 'number'].includes(typeof v[0]) && typeof v[1] === 'string') return { k: v[0] as string | number, id: v[1] };
  } catch {
    // reported below
  }
  throw new VigilError('E_BAD_REQUEST', 'cursor is not one this server issued');
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const bucket = (status: string): 'pass' | 'fail' | 'unknown' | 'other' =>
  status === 'pass' || status === 'fail' ? status : status === 'unknown' || status === 'error' ? 'unknown' : 'other';

export class DashboardService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly history: HistoryService,
    private readonly intervalSeconds: number,
  ) {}

  private staleBefore(now: Date): string {
    return new Date(now.getTime() - STALE_INTERVALS * this.intervalSeconds * 1000).toISOString();
  }

  async overview(): Promise<Overview> {
    const now = this.now();
    const [counts, checkRows] = await Promise.all([
      dashboardRepo.fleetCounts(this.db, this.staleBefore(now), new Date(now.getTime() - DAY_MS).toISOString()),
      dashboardRepo.checkCounts(this.db),
    ]);
    const active = counts?.devices ?? 0;
    const never = counts?.never ?? 0;
    const [controls, trend] = await Promise.all([this.controlCounts({ checkRows, active, attested: active - never }), this.trend(checkRows)]);
    const checks = CHECK_IDS.map((checkId) => ({ checkId, title: checkTitle(checkId), pass: 0, fail: 0, unknown: 0, other: 0 }));
    for (const r of checkRows) {
      const c = checks.find((x) => x.checkId === r.check_id);
      if (c) c[bucket(r.status)] += r.n;
    }
    return {
      at: now.toISOString(),
      devices: active,
      revoked: counts?.revoked ?? 0,
      stale: counts?.stale ?? 0,
      neverAttested: never,
      staleAfterSeconds: STALE_INTERVALS * this.intervalSeconds,
      tamper: { total: counts?.tamper ?? 0, last24h: counts?.tamper_recent ?? 0, devices24h: counts?.tamper_devices ?? 0 },
      checks,
      controls,
      trend,
    };
  }

  /**
   * Devices per status for every control with automated evidence, now; the same rules as
   * ControlsService.fleet (countDeviceFast), without reading every device. Devices with the same results
   * get the same control statuses, so each distinct set of results is evaluated once, with its number
   * of devices. A check every attested device reports (its count equals theirs) is pass unless listed;
   * results of checks only some devices report are always listed, so their absence reads as missing.
   * Devices passing everything and devices that never attested are one group each; devices with a
   * waiver of their own are evaluated one by one.
   */
  async controlCounts(known?: { checkRows: { check_id: string; status: string; n: number }[]; active: number; attested: number }): Promise<FleetControl[]> {
    const now = this.now();
    let base = known;
    if (!base) {
      const [counts, checkRows] = await Promise.all([dashboardRepo.fleetCounts(this.db, this.staleBefore(now), now.toISOString()), dashboardRepo.checkCounts(this.db)]);
      base = { checkRows, active: counts?.devices ?? 0, attested: (counts?.devices ?? 0) - (counts?.never ?? 0) };
    }
    const waivers = await waiversRepo.inForceAt(this.db, now.toISOString());
    const fleet = emptyFleet();
    const add = (deviceId: string, statusOf: ReadonlyMap<string, CheckStatus>, n: number) => {
      if (n <= 0) return;
      const one = emptyFleet();
      countDeviceFast(one, deviceId, statusOf, waivers);
      one.forEach((c, i) => {
        for (const k of Object.keys(c.counts) as ControlStatus[]) fleet[i]!.counts[k] += c.counts[k] * n;
      });
    };
    const perCheck = new Map<string, number>();
    for (const r of base.checkRows) perCheck.set(r.check_id, (perCheck.get(r.check_id) ?? 0) + r.n);
    const partial = CHECK_IDS.filter((c) => (perCheck.get(c) ?? 0) < base.attested);
    const defaults = new Map(CHECK_IDS.filter((c) => !partial.includes(c)).map((c) => [c, 'pass' as CheckStatus]));

    const own = [...new Set(waivers.filter((w) => w.device_id).map((w) => w.device_id!))];
    const ownStates = await dashboardRepo.statesOf(this.db, own);
    const ownDevices = new Set(ownStates.map((r) => r.device_id));
    for (const id of ownDevices) add(id, new Map(ownStates.filter((r) => r.device_id === id).map((r) => [r.check_id, r.status as CheckStatus])), 1);
    let listed = 0;
    const revoked = (await dashboardRepo.revokedIds(this.db)).map((r) => r.id);
    for (const g of await dashboardRepo.resultGroups(this.db, [...ownDevices, ...revoked], partial)) {
      const statusOf = new Map(defaults);
      for (const p of g.sig.split(',')) {
        const [checkId, status] = p.split(':') as [string, CheckStatus];
        statusOf.set(checkId, status);
      }
      add('', statusOf, g.n);
      listed += g.n;
    }
    add('', defaults, base.attested - ownDevices.size - listed);
    add('', new Map(), base.active - base.attested);
    return fleet;
  }

  /**
   * Device-check results per status at the end of each of the last TREND_DAYS days, plus today (live).
   * Finished days are computed once from the status changes and kept in fleet_trend_daily.
   */
  async trend(todayRows?: { check_id: string; status: string; n: number }[]): Promise<TrendDay[]> {
    const now = this.now();
    const today = dayOf(now.getTime());
    const todayMs = Date.parse(`${today}T00:00:00.000Z`);
    const first = dayOf(todayMs - TREND_DAYS * DAY_MS);
    const cached = await dashboardRepo.trendDays(this.db, first);
    const have = new Set(cached.map((d) => d.day));
    const wanted: string[] = [];
    for (let ms = Date.parse(`${first}T00:00:00.000Z`); ms < todayMs; ms += DAY_MS) wanted.push(dayOf(ms));
    let days = cached.filter((d) => d.day < today);
    if (wanted.some((d) => !have.has(d))) {
      const computed = await this.sweep(wanted, todayMs);
      await this.db.tx((q) => dashboardRepo.saveTrendDays(q, computed.filter((d) => !have.has(d.day)), now.toISOString()));
      days = computed;
    }
    const live = { day: today, pass: 0, fail: 0, unknown: 0, other: 0 };
    for (const r of todayRows ?? (await dashboardRepo.checkCounts(this.db))) live[bucket(r.status)] += r.n;
    return [...days, live];
  }

  private async sweep(days: readonly string[], endMs: number): Promise<TrendDay[]> {
    const rows = await dashboardRepo.transitionsUpTo(this.db, new Date(endMs).toISOString());
    const state = new Map<string, string>();
    const out: TrendDay[] = [];
    let i = 0;
    for (const day of days) {
      const end = new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString();
      while (i < rows.length && rows[i]!.collected_at < end) {
        const r = rows[i++]!;
        state.set(`${r.device_id}\u0000${r.check_id}`, r.status);
      }
      const d = { day, pass: 0, fail: 0, unknown: 0, other: 0 };
      for (const s of state.values()) {
        if (s === 'pass' || s === 'fail') d[s]++;
        else if (s === 'unknown' || s === 'error') d.unknown++;
        else d.other++;
      }
      out.push(d);
    }
    return out;
  }

  async devices(query: DeviceQuery) {
    const now = this.now();
    const filter: DeviceFilter = { ...query.filter, staleBefore: this.staleBefore(now) };
    const limit = Math.min(Math.max(query.limit, 1), 500);
    const rows = await dashboardRepo.devicePage(this.db, filter, query.sort, query.desc, query.cursor ? decodeCursor(query.cursor) : null, limit + 1);
    const page = rows.slice(0, limit);
    const counts = await dashboardRepo.statusCounts(this.db, page.map((r) => r.id));
    const staleBefore = filter.staleBefore;
    const last = page[page.length - 1];
    const keyOf = (r: (typeof page)[number]) => (query.sort === 'hostname' ? r.hostname : query.sort === 'last_seen' ? r.last_attested_at ?? '' : r.failing);
    return {
      devices: page.map((r) => {
        const c = { pass: 0, fail: 0, unknown: 0, other: 0 };
        for (const x of counts) {
          if (x.device_id !== r.id) continue;
          if (x.status === 'pass' || x.status === 'fail') c[x.status] += x.n;
          else if (x.status === 'unknown' || x.status === 'error') c.unknown += x.n;
          else c.other += x.n;
        }
        return { ...r, counts: c, stale: r.revoked_at === null && (r.last_attested_at === null || r.last_attested_at < staleBefore) };
      }),
      next: rows.length > limit && last ? encodeCursor({ k: keyOf(last), id: last.id }) : null,
    };
  }

  async countDevices(filter: Omit<DeviceFilter, 'staleBefore'>): Promise<number> {
    return (await dashboardRepo.countDevices(this.db, { ...filter, staleBefore: this.staleBefore(this.now()) }))?.n ?? 0;
  }

  facets() {
    return dashboardRepo.facets(this.db);
  }

  async device(id: string) {
    const d = await this.db.get<{ id: string }>('SELECT id FROM devices WHERE id = ?', [id]);
    if (!d) throw new VigilError('E_NOT_FOUND', `device ${id} does not exist`);
    const [state, timeline, envelopes, tamper] = await Promise.all([
      this.history.device(id, null, true).catch((err: unknown) => {
        if (err instanceof VigilError && err.code === 'E_NOT_FOUND') return null; // revoked: no current state
        throw err;
      }),
      this.history.evaluations(id, { limit: 300 }),
      dashboardRepo.envelopes(this.db, id, 50),
      tamperRepo.list(this.db, id),
    ]);
    return { state, timeline, envelopes, tamper: tamper.slice(-50).reverse() };
  }

  async envelope(deviceId: string, seq: number) {
    const e = await dashboardRepo.envelope(this.db, deviceId, seq);
    if (!e) throw new VigilError('E_NOT_FOUND', `device ${deviceId} has no envelope ${seq}`);
    return e;
  }

  /** The 93 Annex A controls: applicability, evidence coverage, device counts where checks evidence it, crosswalks. */
  async controls() {
    const now = this.now().toISOString();
    const [decisions, manual, counts] = await Promise.all([soaRepo.currentAt(this.db, now), manualEvidenceRepo.upTo(this.db, now), this.controlCounts()]);
    const decisionBy = new Map(decisions.map((d) => [d.control_id, d]));
    const evidenced = new Map(controlsEvidencedBy(CHECK_IDS).map((e) => [e.control.id, e.checks]));
    const countsBy = new Map(counts.map((c) => [c.id, c.counts]));
    return allControls().map((c) => {
      const checks = evidenced.get(c.id) ?? [];
      const crosswalk = { iso27001_2013: c.iso27001_2013.map((x) => x.id), hipaa: new Set<string>(), nist: new Set<string>(), cis: new Set<string>() };
      for (const k of checks) {
        const m = checkMapping(k.checkId);
        m?.hipaa_security_rule.forEach((h) => crosswalk.hipaa.add(h.cite));
        m?.nist_800_53_r5.forEach((n) => crosswalk.nist.add(n.id));
        m?.cis_controls_v8.forEach((x) => crosswalk.cis.add(x.id));
      }
      const decision = decisionBy.get(c.id);
      const manualCount = manual.filter((m) => m.control_id === c.id).length;
      return {
        id: c.id,
        ref: c.ref,
        theme: c.theme,
        title: c.title,
        applicable: decision ? decision.applicable === 1 : null,
        justification: decision?.justification ?? null,
        checks,
        devices: countsBy.get(c.id) ?? null,
        manualEvidence: manualCount,
        coverage: checks.length ? (manualCount ? 'automated+manual' : 'automated') : manualCount ? 'manual' : 'none',
        crosswalk: { iso27001_2013: crosswalk.iso27001_2013, hipaa: [...crosswalk.hipaa], nist_800_53: [...crosswalk.nist], cis_v8: [...crosswalk.cis] },
      };
    });
  }

  async audit(opts: { before: number | null; limit: number; actor?: string; action?: string }) {
    const limit = Math.min(Math.max(opts.limit, 1), 1000);
    const rows = await dashboardRepo.auditPage(this.db, opts.before, limit + 1, { actor: opts.actor, action: opts.action });
    const page = rows.slice(0, limit);
    return { entries: page, next: rows.length > limit ? String(page[page.length - 1]!.id) : null };
  }
}
