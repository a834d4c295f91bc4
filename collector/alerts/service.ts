// Alerts: detection hooks (called inside the transaction that saw the event, so the alert and its
// notifications commit with the evidence or not at all), de-duplication (one open alert per kind +
// subject + check, held by a UNIQUE constraint), flap damping, storm grouping, routing to channels and
// the operator's acknowledge / resolve, recorded in the audit log.
import { randomBytes } from 'node:crypto';
import { checkDefinition } from '../../protocol/checks/index.js';
import { VigilError } from '../../protocol/errors.js';
import type { Db, Queryable } from '../db/types.js';
import { audit } from '../audit.js';
import { DEFAULT_SEVERITY, type AlertKind, type AlertsConfig, type Severity } from './config.js';
import { alertsRepo, groupsRepo, outboxRepo, type AlertRow, type OutboxRow } from './repo.js';
import { type AlertSummary, type Notification } from './channels.js';

export interface AlertInput {
  kind: AlertKind;
  /** The device id, or for events without a device the token id or remote address. */
  subject: string;
  deviceId: string | null;
  checkId?: string;
  title: string;
  detail?: Record<string, unknown>;
  hostname?: string | null;
  role?: string | null;
  site?: string | null;
}

export interface KnownBuilds {
  list(): { sha256: string }[];
}

export interface EvaluatedDevice {
  deviceId: string;
  hostname: string;
  role: string;
  agent: { version: string; binarySha256?: string };
  results: { checkId: string; status: string; reason: string | null }[];
  /** The device's site when the caller has read it (undefined: read here when needed). */
  site?: string | null;
  /** Checks whose status changed with this attestation (and each check's first evaluation). */
  transitions: { check_id: string; status: string; prev_status: string | null }[];
}

const openKey = (kind: string, subject: string, checkId: string) => `${kind}|${subject}|${checkId}`;
const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const TOKEN_MISUSE_CODES = new Set(['E_TOKEN_INVALID', 'E_TOKEN_EXPIRED', 'E_TOKEN_EXHAUSTED', 'E_TOKEN_REVOKED', 'E_NONCE_INVALID', 'E_KEY_IN_USE']);

export function summary(a: AlertRow): AlertSummary {
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity as Severity,
    state: a.state,
    title: a.title,
    deviceId: a.device_id,
    hostname: a.hostname,
    role: a.role,
    site: a.site,
    check: a.check_id || null,
    detail: a.detail ? JSON.parse(a.detail) : null,
    openedAt: a.opened_at,
    resolvedAt: a.resolved_at,
    occurrences: a.occurrences,
    flapping: a.flapping === 1,
  };
}

/** Numeric comparison of dotted versions ("0.10.1" > "0.9.9"); anything after the third number is ignored. */
export function versionBelow(version: string, minimum: string): boolean {
  const parts = (v: string) => (/^(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1, 4).map(Number);
  const a = parts(version);
  const b = parts(minimum);
  if (a.length < 3) return true;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

export class AlertsService {
  /** Called after notifications were queued (the worker wakes up; the rows are visible once the transaction commits). */
  onEnqueue: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    readonly config: () => AlertsConfig,
    private readonly intervalSeconds: number,
    /** The operator's known agent builds (known-builds.json); a build not on a non-empty list raises agent_build. */
    private readonly builds: KnownBuilds | null = null,
  ) {}

  // ---- detection hooks (inside the caller's transaction) ----

  /** After an attestation is stored: check pass→fail opens, fail→pass resolves; stale resolves; agent build. */
  onEvaluated(q: Queryable, d: EvaluatedDevice): Promise<void> {
    return this.onEvaluatedBatch(q, [d]);
  }

  /**
   * The same for the attestations of one ingest batch, in order. The open stale and agent-build alerts of
   * the batch's devices are read once; an attestation that changed no check and has no build problem then
   * costs no statement at all.
   */
  async onEvaluatedBatch(q: Queryable, list: readonly EvaluatedDevice[]): Promise<void> {
    if (!list.length) return;
    const at = this.now();
    const cfg = this.config();
    const keys = [...new Set(list.flatMap((d) => [openKey('stale', d.deviceId, ''), openKey('agent_build', d.deviceId, '')]))];
    const open = new Map<string, AlertRow>();
    for (let i = 0; i < keys.length; i += 500) {
      for (const a of await alertsRepo.openByKeys(q, keys.slice(i, i + 500))) open.set(a.open_key!, a);
    }
    // One look at known-builds.json per batch, one verdict per distinct build.
    const problems = new Map<string, string | null>();
    const problemOf = (agent: EvaluatedDevice['agent']) => {
      const k = `${agent.version}\n${agent.binarySha256 ?? ''}`;
      if (!problems.has(k)) problems.set(k, this.agentBuildProblem(cfg, agent));
      return problems.get(k)!;
    };
    for (const d of list) await this.evaluated(q, d, at, problemOf(d.agent), open);
  }

  /** One attestation; `open` holds the device's open stale / agent-build alerts and is kept current. */
  private async evaluated(q: Queryable, d: EvaluatedDevice, at: Date, buildProblem: string | null, open: Map<string, AlertRow>): Promise<void> {
    const staleKey = openKey('stale', d.deviceId, '');
    const buildKey = openKey('agent_build', d.deviceId, '');
    const stale = open.get(staleKey);
    if (stale) {
      open.delete(staleKey);
      await this.resolveRow(q, stale, at, 'collector', 'device attested again');
    }
    const build = open.get(buildKey);
    if (build && !buildProblem) {
      open.delete(buildKey);
      await this.resolveRow(q, build, at, 'collector', 'device attested again');
    }
    // Opens on any change to fail; resolves on a change to pass (or disabled), also after fail → unknown → pass.
    const changes = d.transitions.filter((t) => t.status === 'fail' || (t.prev_status !== null && (t.status === 'pass' || t.status === 'not_applicable')));
    if (!changes.length && !buildProblem) return;
    const site = d.site !== undefined ? d.site : ((await q.get<{ site: string | null }>('SELECT site FROM devices WHERE id = ?', [d.deviceId]))?.site ?? null);
    const base = { subject: d.deviceId, deviceId: d.deviceId, hostname: d.hostname, role: d.role, site };
    if (buildProblem && !open.has(buildKey)) {
      await this.open(q, { ...base, kind: 'agent_build', title: `agent build not allowed on ${d.hostname}: ${buildProblem}`, detail: { version: d.agent.version, binarySha256: d.agent.binarySha256 ?? null } }, at);
      const opened = await alertsRepo.openByKey(q, buildKey);
      if (opened) open.set(buildKey, opened);
    }
    for (const t of changes) {
      const title = checkDefinition(t.check_id)?.title ?? t.check_id;
      if (t.status === 'fail') {
        const reason = d.results.find((r) => r.checkId === t.check_id)?.reason ?? null;
        await this.open(q, { ...base, kind: 'check_fail', checkId: t.check_id, title: `${title} failing on ${d.hostname}`, detail: { reason, previous: t.prev_status } }, at);
      } else {
        const a = await alertsRepo.openByKey(q, openKey('check_fail', d.deviceId, t.check_id));
        if (a) await this.resolveRow(q, a, at, 'collector', `check is ${t.status} again`);
      }
    }
  }

  async onTamper(q: Queryable, t: { deviceId: string | null; code: string; detail: string; remote: string | null; seq: number | null }): Promise<void> {
    const dev = t.deviceId ? await q.get<{ hostname: string; role: string; site: string | null }>('SELECT hostname, role, site FROM devices WHERE id = ?', [t.deviceId]) : undefined;
    await this.open(
      q,
      {
        kind: 'tamper',
        subject: t.deviceId ?? `remote:${t.remote ?? 'unknown'}`,
        deviceId: t.deviceId,
        title: `tamper: ${t.code} from ${dev?.hostname ?? t.deviceId ?? t.remote ?? 'unknown'}`,
        detail: { code: t.code, message: t.detail, remote: t.remote, seq: t.seq },
        hostname: dev?.hostname ?? null,
        role: dev?.role ?? null,
        site: dev?.site ?? null,
      },
      this.now(),
    );
  }

  async onEnrolled(q: Queryable, d: { deviceId: string; hostname: string; role: string; site: string | null; remote: string; tokenId: string }): Promise<void> {
    await this.open(
      q,
      { kind: 'device_enrolled', subject: d.deviceId, deviceId: d.deviceId, hostname: d.hostname, role: d.role, site: d.site, title: `new device enrolled: ${d.hostname} (${d.role})`, detail: { remote: d.remote, token: d.tokenId } },
      this.now(),
    );
  }

  /**
   * A device appeared behind, or vanished from, a gateway (collector/inventory). One open alert per gateway,
   * MAC and direction: a device that comes back resolves its "vanished" alert, and the reverse.
   */
  async onInventoryEvent(q: Queryable, e: { gatewayId: string; kind: 'new' | 'vanished'; mac: string; ip: string; vendor: string | null; hostname: string | null }): Promise<void> {
    const at = this.now();
    const gw = await q.get<{ hostname: string; role: string; site: string | null }>('SELECT hostname, role, site FROM devices WHERE id = ?', [e.gatewayId]);
    const subject = `${e.gatewayId}|${e.mac}`;
    const other = e.kind === 'new' ? 'vanished' : 'new';
    const previous = await alertsRepo.openByKey(q, openKey('inventory', subject, other));
    if (previous) await this.resolveRow(q, previous, at, 'collector', `device ${e.kind === 'new' ? 'seen again' : 'gone again'}`);
    const who = `${e.ip} (${e.mac}${e.vendor ? `, ${e.vendor}` : ''}${e.hostname ? `, ${e.hostname}` : ''})`;
    await this.open(
      q,
      {
        kind: 'inventory',
        subject,
        deviceId: e.gatewayId,
        checkId: e.kind,
        title: `${e.kind === 'new' ? 'new device behind' : 'device vanished from'} ${gw?.hostname ?? e.gatewayId}: ${who}`,
        detail: { mac: e.mac, ip: e.ip, vendor: e.vendor, hostname: e.hostname },
        hostname: gw?.hostname ?? null,
        role: gw?.role ?? null,
        site: gw?.site ?? null,
      },
      at,
    );
  }

  async onEnrolmentRefused(q: Queryable, r: { code: string; tokenId: string | null; remote: string }): Promise<void> {
    if (!TOKEN_MISUSE_CODES.has(r.code)) return;
    const subject = r.tokenId ?? `remote:${r.remote}`;
    await this.open(q, { kind: 'token_misuse', subject, deviceId: null, title: `enrolment refused (${r.code}) for ${subject}`, detail: { code: r.code, remote: r.remote } }, this.now());
  }

  /** Periodic: devices without an attestation for N intervals (N per role) get a stale alert. */
  async scanStale(): Promise<number> {
    const at = this.now();
    const cfg = this.config();
    const roles = Object.keys(cfg.stale.roles);
    const cutoff = (n: number) => new Date(at.getTime() - n * this.intervalSeconds * 1000).toISOString();
    return this.db.tx(async (q) => {
      const found = [
        ...(await alertsRepo.staleDevices(q, cutoff(cfg.stale.intervals), { except: roles })),
        ...(await Promise.all(roles.map((r) => alertsRepo.staleDevices(q, cutoff(cfg.stale.roles[r]!), { only: r })))).flat(),
      ];
      for (const d of found) {
        const minutes = Math.round((at.getTime() - Date.parse(d.last)) / 60_000);
        await this.open(
          q,
          { kind: 'stale', subject: d.id, deviceId: d.id, hostname: d.hostname, role: d.role, site: d.site, title: `${d.hostname} has not attested for ${minutes} min`, detail: { lastAttestation: d.last, intervalSeconds: this.intervalSeconds } },
          at,
        );
      }
      return found.length;
    });
  }

  // ---- operator actions ----

  list(f: { state?: string; kind?: string; deviceId?: string; limit?: number } = {}): Promise<AlertRow[]> {
    const states = !f.state || f.state === 'active' ? ['open', 'acknowledged'] : f.state === 'all' ? ['open', 'acknowledged', 'resolved'] : [f.state];
    if (!states.every((s) => ['open', 'acknowledged', 'resolved'].includes(s))) throw new VigilError('E_BAD_REQUEST', 'state must be active, open, acknowledged, resolved or all');
    return alertsRepo.list(this.db, { states, kind: f.kind, deviceId: f.deviceId, limit: Math.min(f.limit ?? 500, 10_000) });
  }

  async get(id: string): Promise<{ alert: AlertRow; deliveries: OutboxRow[] }> {
    const alert = await alertsRepo.byId(this.db, id);
    if (!alert) throw new VigilError('E_NOT_FOUND', `alert ${id} does not exist`);
    const deliveries = await outboxRepo.forAlert(this.db, id, [alert.group_id ?? '', alert.resolve_group_id ?? '']);
    return { alert, deliveries };
  }

  async ack(id: string, actor: string, note?: string): Promise<AlertRow> {
    const at = this.now();
    return this.db.tx(async (q) => {
      const a = await alertsRepo.byId(q, id);
      if (!a) throw new VigilError('E_NOT_FOUND', `alert ${id} does not exist`);
      if (a.state !== 'open') throw new VigilError('E_ALERT_STATE', `alert ${id} is ${a.state}`);
      await alertsRepo.ack(q, id, at.toISOString(), actor);
      await audit(q, at, actor, 'alert.ack', id, { note: note ?? null });
      return (await alertsRepo.byId(q, id))!;
    });
  }

  async resolve(id: string, actor: string, note?: string): Promise<AlertRow> {
    const at = this.now();
    return this.db.tx(async (q) => {
      const a = await alertsRepo.byId(q, id);
      if (!a) throw new VigilError('E_NOT_FOUND', `alert ${id} does not exist`);
      if (a.state === 'resolved') throw new VigilError('E_ALERT_STATE', `alert ${id} is already resolved`);
      await this.resolveRow(q, a, at, actor, note ?? null);
      await audit(q, at, actor, 'alert.resolve', id, { note: note ?? null });
      return (await alertsRepo.byId(q, id))!;
    });
  }

  deadLetters(limit = 500): Promise<OutboxRow[]> {
    return outboxRepo.dead(this.db, limit);
  }

  /** Puts dead letters back in the queue (all of them, or one), with a fresh attempt budget. */
  async retry(ids: number[] | 'all', actor: string): Promise<number[]> {
    const at = this.now();
    const out = await this.db.tx(async (q) => {
      const targets = ids === 'all' ? (await outboxRepo.dead(q, 100_000)).map((r) => r.id) : ids;
      const done: number[] = [];
      for (const id of targets) {
        if ((await outboxRepo.retry(q, id, at.toISOString())).changes === 1) done.push(id);
        else if (ids !== 'all') throw new VigilError('E_NOT_FOUND', `dead letter ${id} does not exist`);
      }
      if (done.length) await audit(q, at, actor, 'alert.delivery.retry', null, { deliveries: done });
      return done;
    });
    if (out.length) this.onEnqueue?.();
    return out;
  }

  // ---- internals ----

  private agentBuildProblem(cfg: AlertsConfig, agent: EvaluatedDevice['agent']): string | null {
    if (cfg.agents.minimumVersion && versionBelow(agent.version, cfg.agents.minimumVersion)) return `version ${agent.version} is older than ${cfg.agents.minimumVersion}`;
    let known: boolean | null = null;
    try {
      // One look at the file per attestation (list() re-reads it only when it changed).
      const builds = this.builds?.list() ?? [];
      known = builds.length ? builds.some((b) => b.sha256 === agent.binarySha256) : null;
    } catch {
      // An unreadable known-builds.json is reported by the builds commands; it must not stop ingest.
      known = null;
    }
    if (known === false) return `binary ${agent.binarySha256 ?? '(not reported)'} is not in known-builds.json`;
    return null;
  }

  private severityOf(cfg: AlertsConfig, kind: AlertKind, checkId: string): Severity {
    return (checkId && cfg.severity.checks[checkId]) || cfg.severity.kinds[kind] || DEFAULT_SEVERITY[kind];
  }

  /** Channels of every route that matches. */
  channelsFor(cfg: AlertsConfig, a: Pick<AlertRow, 'severity' | 'kind' | 'role' | 'site' | 'check_id'>): string[] {
    const out = new Set<string>();
    for (const r of cfg.routes) {
      const m = r.match;
      const ok = (list: string[] | undefined, v: string | null) => !list || (v !== null && list.includes(v));
      if (ok(m.severity, a.severity) && ok(m.kind, a.kind) && ok(m.role, a.role) && ok(m.site, a.site) && ok(m.check, a.check_id || null)) {
        for (const c of r.channels) if (cfg.channels[c]) out.add(c);
      }
    }
    return [...out];
  }

  private async open(q: Queryable, input: AlertInput, at: Date): Promise<void> {
    const cfg = this.config();
    const checkId = input.checkId ?? '';
    const key = openKey(input.kind, input.subject, checkId);
    const iso = at.toISOString();
    const detail = input.detail ? JSON.stringify(input.detail) : null;
    const row = {
      id: newId('alr'),
      kind: input.kind,
      subject: input.subject,
      device_id: input.deviceId,
      check_id: checkId,
      severity: this.severityOf(cfg, input.kind, checkId),
      state: 'open' as const,
      open_key: key,
      title: input.title,
      detail,
      hostname: input.hostname ?? null,
      role: input.role ?? null,
      site: input.site ?? null,
      flapping: 0,
      opened_at: iso,
      last_seen_at: iso,
    };
    if ((await alertsRepo.insert(q, row)).changes !== 1) {
      // Already open: the same problem again.
      await alertsRepo.seenAgain(q, key, iso, detail);
      return;
    }
    const flapSince = new Date(at.getTime() - cfg.flap.windowSeconds * 1000).toISOString();
    const prior = ((await alertsRepo.openedSince(q, input.kind, input.subject, checkId, flapSince))?.n ?? 1) - 1;
    const flapping = prior >= cfg.flap.maxOpens;
    if (flapping) {
      row.flapping = 1;
      await alertsRepo.markFlapping(q, row.id);
    }
    // A flapping key is announced once, when it starts flapping; after that it is recorded, not sent.
    if (flapping && prior > cfg.flap.maxOpens) return;
    await this.notify(q, cfg, { ...row, occurrences: 1, acked_at: null, acked_by: null, resolved_at: null, resolved_by: null, resolve_note: null, group_id: null, resolve_group_id: null }, flapping ? 'flapping' : 'opened', at);
  }

  private async resolveRow(q: Queryable, a: AlertRow, at: Date, by: string, note: string | null): Promise<void> {
    if ((await alertsRepo.resolve(q, a.id, at.toISOString(), by, note)).changes !== 1) return;
    if (a.flapping) return;
    const resolved = { ...a, state: 'resolved' as const, open_key: null, resolved_at: at.toISOString(), resolved_by: by, resolve_note: note };
    await this.notify(q, this.config(), resolved, 'resolved', at);
  }

  private async notify(q: Queryable, cfg: AlertsConfig, a: AlertRow, event: 'opened' | 'resolved' | 'flapping', at: Date): Promise<void> {
    const channels = this.channelsFor(cfg, a);
    if (!channels.length) return;
    const iso = at.toISOString();
    if (event !== 'flapping') {
      const since = new Date(at.getTime() - cfg.storm.windowSeconds * 1000).toISOString();
      const count = (await alertsRepo.stormCount(q, event, a.kind, a.check_id, since, cfg.storm.threshold + 1))?.n ?? 0;
      if (count > cfg.storm.threshold) {
        const group = await groupsRepo.openFor(q, event, a.kind, a.check_id);
        if (group) {
          await alertsRepo.setGroup(q, a.id, event, group.id);
          return;
        }
        const groupId = newId('grp');
        await groupsRepo.insert(q, { id: groupId, event, kind: a.kind, check_id: a.check_id, opened_at: iso, sealed_at: null });
        await alertsRepo.setGroup(q, a.id, event, groupId);
        const nextAt = new Date(at.getTime() + cfg.storm.holdSeconds * 1000).toISOString();
        const header = { event, kind: a.kind, check: a.check_id || null, severity: a.severity };
        for (const channel of channels) {
          await outboxRepo.insert(q, { key: newId('ntf'), channel, event, alertId: null, groupId, payload: JSON.stringify(header), at: iso, nextAt });
        }
        this.onEnqueue?.();
        return;
      }
    }
    const title = event === 'resolved' ? `resolved: ${a.title}` : event === 'flapping' ? `flapping (notifications paused): ${a.title}` : a.title;
    for (const channel of channels) {
      const key = newId('ntf');
      const n: Notification = { v: 1, id: key, event, at: iso, severity: a.severity as Severity, title, alert: summary(a) };
      await outboxRepo.insert(q, { key, channel, event, alertId: a.id, groupId: null, payload: JSON.stringify(n), at: iso, nextAt: iso });
    }
    this.onEnqueue?.();
  }
}
