// Drains the alert outbox. A delivery is claimed in a transaction (status sending, attempt counted, a
// lease), sent, then marked delivered; a failure waits base·2^(attempt-1) (capped, ±20 % jitter) and
// after the last attempt becomes a dead letter. A collector killed mid-send leaves the row in sending:
// when its lease expires any collector sends it again with the same idempotency key, so nothing is lost
// and the receiver can drop the repeat. Claims are conditional updates, so collectors sharing a
// database never send one delivery twice at the same time.
import type { Db } from '../db/types.js';
import { audit } from '../audit.js';
import type { AlertsConfig } from './config.js';
import { GROUP_LIST_MAX, sendNotification, type Notification } from './channels.js';
import { alertsRepo, groupsRepo, outboxRepo, type OutboxRow } from './repo.js';
import { summary } from './service.js';
import { checkDefinition } from '../../protocol/checks/index.js';
import type { Severity } from './config.js';

export interface WorkerOptions {
  pollMs?: number;
  concurrency?: number;
  leaseMs?: number;
  log?: (msg: string) => void;
  send?: typeof sendNotification;
}

export function retryDelayMs(cfg: AlertsConfig['delivery'], attempt: number, random = Math.random): number {
  const base = Math.min(cfg.maxBackoffSeconds, cfg.backoffSeconds * 2 ** Math.max(0, attempt - 1)) * 1000;
  return Math.round(base * (0.8 + random() * 0.4));
}

export class DeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private readonly inFlight = new Set<Promise<void>>();
  private delivered: number[] = [];
  private marking: Promise<void> | null = null;
  private readonly opts: Required<Omit<WorkerOptions, 'log' | 'send'>> & Pick<WorkerOptions, 'log'> & { send: typeof sendNotification };

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly config: () => AlertsConfig,
    opts: WorkerOptions = {},
  ) {
    this.opts = { pollMs: opts.pollMs ?? 1000, concurrency: opts.concurrency ?? 32, leaseMs: opts.leaseMs ?? 60_000, log: opts.log, send: opts.send ?? sendNotification };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await Promise.all(this.inFlight);
  }

  /** Look at the outbox now (after new rows were queued). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** One pass for tests and the CLI: claim and send everything due, wait for the sends. */
  async drain(): Promise<void> {
    while ((await this.pass()) > 0) await Promise.all(this.inFlight);
    await Promise.all(this.inFlight);
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped && (await this.pass()) > 0);
    } catch (err) {
      this.opts.log?.(`alerts: delivery pass failed: ${(err as Error).message}`);
    }
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), this.opts.pollMs);
    this.timer.unref();
  }

  /** Claims what is due (up to free slots) and starts sending it; returns how many were claimed. */
  private async pass(): Promise<number> {
    const free = this.opts.concurrency - this.inFlight.size;
    if (free <= 0) {
      await Promise.race(this.inFlight);
      return 1;
    }
    const now = this.now();
    const iso = now.toISOString();
    const lease = new Date(now.getTime() + this.opts.leaseMs).toISOString();
    const claimed = await this.db.tx(async (q) => {
      // The update re-checks each row's condition: a row another collector claimed since it was read
      // is not returned, so it is not sent from here.
      const due = await outboxRepo.due(q, iso, free);
      if (!due.length) return [];
      const won = new Set((await outboxRepo.claim(q, due.map((r) => r.id), iso, lease)).map((r) => Number(r.id)));
      const rows = due.filter((r) => won.has(r.id));
      for (const r of rows) if (r.group_id) await groupsRepo.seal(q, r.group_id, iso);
      return rows.map((r) => ({ ...r, attempts: r.attempts + 1 }));
    });
    for (const r of claimed) {
      const p = this.deliver(r).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
    return claimed.length;
  }

  private async notification(r: OutboxRow): Promise<Notification> {
    if (!r.group_id) return JSON.parse(r.payload) as Notification;
    const h = JSON.parse(r.payload) as { event: 'opened' | 'resolved'; kind: string; check: string | null; severity: Severity };
    const count = (await alertsRepo.groupCount(this.db, r.group_id, h.event))?.n ?? 0;
    const members = await alertsRepo.groupMembers(this.db, r.group_id, h.event, GROUP_LIST_MAX);
    const what = h.check ? `${checkDefinition(h.check)?.title ?? h.check} ${h.event === 'resolved' ? 'passing again' : 'failing'}` : `${h.kind} ${h.event}`;
    return {
      v: 1,
      id: r.idempotency_key,
      event: h.event,
      at: r.created_at,
      severity: h.severity,
      title: `${what} on ${count} devices (grouped)`,
      group: { kind: h.kind, check: h.check, count, alerts: members.map(summary) },
    };
  }

  /** Deliveries that finished together are recorded in one transaction (group commit). */
  private markDelivered(id: number): Promise<void> {
    this.delivered.push(id);
    this.marking ??= new Promise<void>((res) => setImmediate(res)).then(() => {
      const ids = this.delivered.splice(0);
      this.marking = null;
      const at = this.now().toISOString();
      return this.db.tx(async (q) => {
        await outboxRepo.delivered(q, ids, at);
      });
    });
    return this.marking;
  }

  private async deliver(r: OutboxRow): Promise<void> {
    const cfg = this.config();
    const channel = cfg.channels[r.channel];
    try {
      if (!channel) throw new Error(`channel ${r.channel} is not configured in alerts.yaml`);
      await this.opts.send(channel, await this.notification(r), this.now);
      await this.markDelivered(r.id);
    } catch (err) {
      const message = (err as Error).message.slice(0, 1000);
      const dead = r.attempts >= cfg.delivery.maxAttempts || !channel;
      const now = this.now();
      const nextAt = new Date(now.getTime() + (dead ? 0 : retryDelayMs(cfg.delivery, r.attempts))).toISOString();
      await this.db.tx(async (q) => {
        await outboxRepo.failed(q, r.id, dead ? 'dead' : 'pending', nextAt, message);
        if (dead) await audit(q, now, 'collector', 'alert.delivery.dead', String(r.id), { channel: r.channel, attempts: r.attempts, error: message, key: r.idempotency_key });
      });
      this.opts.log?.(`alerts: delivery ${r.id} to ${r.channel} failed (attempt ${r.attempts}): ${message}${dead ? '; dead letter' : ''}`);
      if (!dead && !this.stopped) {
        // Wake up when this retry is due rather than waiting for the next poll.
        setTimeout(() => this.kick(), Math.max(0, Date.parse(nextAt) - Date.now()) + 5).unref();
      }
    }
  }
}
