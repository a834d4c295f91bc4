// The devices behind each gateway, kept from the gateways' neighbour_inventory results. The facts are
// already stored with every attestation (check_results); sync() walks the results it has not seen yet, in
// sequence order per gateway, and folds each into the current inventory: devices (by MAC) that appear
// raise a "new device" event, devices that were present and are no longer in the tables raise "vanished".
// A gateway's first snapshot is its baseline and raises no events. Only results the collector judged
// `pass` count: the check is disabled (not_applicable) for roles other than gateways by default policy,
// and facts that failed the schema are `error`.
//
// sync() is idempotent and catches up after a restart; the plugin runs it on a timer and before every read.
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { NeighbourInventoryFacts, type Neighbour } from '../../protocol/checks/neighbour-inventory.js';
import { VigilError } from '../../protocol/errors.js';
import type { Db, Queryable } from '../db/types.js';
import { vendorOf } from './oui.js';

const factsCheck = TypeCompiler.Compile(NeighbourInventoryFacts);
const BATCH = 200;

export interface InventoryDevice {
  gatewayId: string;
  gatewayHostname: string;
  mac: string;
  ip: string;
  vendor: string | null;
  hostname: string | null;
  interface: string | null;
  state: string;
  firstSeenAt: string;
  lastSeenAt: string;
  present: boolean;
}

export interface InventoryEvent {
  id: number;
  gatewayId: string;
  seq: number;
  at: string;
  kind: 'new' | 'vanished';
  mac: string;
  ip: string;
  vendor: string | null;
  hostname: string | null;
}

/** Called inside the transaction that records the event (for alerts). */
export type InventoryEventSink = (q: Queryable, e: Omit<InventoryEvent, 'id'>) => Promise<void>;

interface ResultRow {
  device_id: string;
  seq: number;
  facts_json: string | null;
  collected_at: string;
}

interface DeviceRow {
  gateway_id: string;
  hostname: string;
  mac: string;
  ip: string;
  vendor: string | null;
  dev_hostname: string | null;
  interface: string | null;
  state: string;
  first_seen_at: string;
  last_seen_at: string;
  present: number;
}

/** One entry per MAC: IPv4 preferred over IPv6 for the address shown, the lease's host name kept. */
export function byMac(neighbours: readonly Neighbour[]): Map<string, Neighbour> {
  const out = new Map<string, Neighbour>();
  for (const n of neighbours) {
    const had = out.get(n.mac);
    if (!had) out.set(n.mac, { ...n });
    else {
      if (had.ip.includes(':') && !n.ip.includes(':')) Object.assign(had, { ip: n.ip, state: n.state, interface: n.interface });
      had.hostname = had.hostname ?? n.hostname ?? null;
    }
  }
  return out;
}

export class InventoryService {
  constructor(
    private readonly db: Db,
    private readonly sink?: InventoryEventSink,
  ) {}

  /** Folds every unprocessed gateway result into the inventory; returns how many were processed. */
  async sync(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.db.all<ResultRow>(
        `SELECT r.device_id, r.seq, r.facts_json, r.collected_at FROM check_results r
          WHERE r.check_id = 'neighbour_inventory' AND r.status = 'pass'
            AND r.seq > COALESCE((SELECT MAX(s.seq) FROM inventory_snapshots s WHERE s.gateway_id = r.device_id), 0)
          ORDER BY r.device_id, r.seq LIMIT ${BATCH}`,
      );
      for (const r of rows) await this.db.tx((q) => this.apply(q, r));
      total += rows.length;
      if (rows.length < BATCH) return total;
    }
  }

  private async apply(q: Queryable, r: ResultRow): Promise<void> {
    // The gateway's device row is the lock point: a collector sharing the database that processes the same
    // gateway waits here (PostgreSQL row lock; SQLite transactions are exclusive anyway), then sees the
    // snapshot already written and stops.
    await q.run('UPDATE devices SET last_seen_at = last_seen_at WHERE id = ?', [r.device_id]);
    const done = await q.get<{ seq: number }>('SELECT seq FROM inventory_snapshots WHERE gateway_id = ? AND seq >= ? LIMIT 1', [r.device_id, r.seq]);
    if (done) return;
    let facts: unknown = null;
    try {
      facts = r.facts_json ? JSON.parse(r.facts_json) : null;
    } catch {
      facts = null;
    }
    if (!factsCheck.Check(facts)) {
      await q.run('INSERT INTO inventory_snapshots (gateway_id, seq, collected_at, devices, added, vanished) VALUES (?, ?, ?, 0, 0, 0)', [r.device_id, r.seq, r.collected_at]);
      return;
    }
    const seen = byMac(facts.neighbours);
    const known = new Map((await q.all<{ mac: string; present: number }>('SELECT mac, present FROM inventory_devices WHERE gateway_id = ?', [r.device_id])).map((d) => [d.mac, d.present === 1]));
    const baseline = !(await q.get('SELECT 1 AS x FROM inventory_snapshots WHERE gateway_id = ? LIMIT 1', [r.device_id]));
    let added = 0;
    let vanished = 0;
    for (const n of seen.values()) {
      const vendor = vendorOf(n.mac);
      const wasPresent = known.get(n.mac);
      await q.run(
        `INSERT INTO inventory_devices (gateway_id, mac, ip, vendor, hostname, interface, state, first_seen_at, last_seen_at, last_seq, present)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
         ON CONFLICT (gateway_id, mac) DO UPDATE SET ip = excluded.ip, vendor = excluded.vendor,
           hostname = COALESCE(excluded.hostname, inventory_devices.hostname), interface = excluded.interface, state = excluded.state,
           last_seen_at = excluded.last_seen_at, last_seq = excluded.last_seq, present = 1`,
        [r.device_id, n.mac, n.ip, vendor, n.hostname ?? null, n.interface, n.state, r.collected_at, r.collected_at, r.seq],
      );
      if (wasPresent !== true && !baseline) {
        added++;
        await this.event(q, { gatewayId: r.device_id, seq: r.seq, at: r.collected_at, kind: 'new', mac: n.mac, ip: n.ip, vendor, hostname: n.hostname ?? null });
      }
    }
    // A truncated table does not show every device: absence from it proves nothing.
    if (!facts.truncated) {
      for (const [mac, present] of known) {
        if (!present || seen.has(mac)) continue;
        const d = await q.get<{ ip: string; vendor: string | null; hostname: string | null }>('SELECT ip, vendor, hostname FROM inventory_devices WHERE gateway_id = ? AND mac = ?', [r.device_id, mac]);
        await q.run('UPDATE inventory_devices SET present = 0 WHERE gateway_id = ? AND mac = ?', [r.device_id, mac]);
        vanished++;
        await this.event(q, { gatewayId: r.device_id, seq: r.seq, at: r.collected_at, kind: 'vanished', mac, ip: d!.ip, vendor: d!.vendor, hostname: d!.hostname });
      }
    }
    await q.run('INSERT INTO inventory_snapshots (gateway_id, seq, collected_at, devices, added, vanished) VALUES (?, ?, ?, ?, ?, ?)', [r.device_id, r.seq, r.collected_at, seen.size, added, vanished]);
  }

  private async event(q: Queryable, e: Omit<InventoryEvent, 'id'>): Promise<void> {
    await q.run('INSERT INTO inventory_events (gateway_id, seq, at, kind, mac, ip, vendor, hostname) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [e.gatewayId, e.seq, e.at, e.kind, e.mac, e.ip, e.vendor, e.hostname]);
    if (this.sink) await this.sink(q, e);
  }

  /** The devices behind one gateway or all of them; vanished ones only when asked. */
  async devices(opts: { gatewayId?: string; includeVanished?: boolean } = {}): Promise<InventoryDevice[]> {
    if (opts.gatewayId) await this.requireDevice(opts.gatewayId);
    const where: string[] = [];
    const params: string[] = [];
    if (opts.gatewayId) {
      where.push('i.gateway_id = ?');
      params.push(opts.gatewayId);
    }
    if (!opts.includeVanished) where.push('i.present = 1');
    const rows = await this.db.all<DeviceRow>(
      `SELECT i.gateway_id, d.hostname, i.mac, i.ip, i.vendor, i.hostname AS dev_hostname, i.interface, i.state, i.first_seen_at, i.last_seen_at, i.present
         FROM inventory_devices i JOIN devices d ON d.id = i.gateway_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.hostname, i.gateway_id, i.mac`,
      params,
    );
    return rows.map((r) => ({
      gatewayId: r.gateway_id,
      gatewayHostname: r.hostname,
      mac: r.mac,
      ip: r.ip,
      vendor: r.vendor,
      hostname: r.dev_hostname,
      interface: r.interface,
      state: r.state,
      firstSeenAt: r.first_seen_at,
      lastSeenAt: r.last_seen_at,
      present: r.present === 1,
    }));
  }

  async events(opts: { gatewayId?: string; limit?: number } = {}): Promise<InventoryEvent[]> {
    if (opts.gatewayId) await this.requireDevice(opts.gatewayId);
    const limit = Math.min(Math.max(opts.limit ?? 200, 1), 5000);
    const rows = await this.db.all<{ id: number; gateway_id: string; seq: number; at: string; kind: 'new' | 'vanished'; mac: string; ip: string; vendor: string | null; hostname: string | null }>(
      `SELECT * FROM inventory_events ${opts.gatewayId ? 'WHERE gateway_id = ?' : ''} ORDER BY id DESC LIMIT ${limit}`,
      opts.gatewayId ? [opts.gatewayId] : [],
    );
    return rows.map((r) => ({ id: r.id, gatewayId: r.gateway_id, seq: r.seq, at: r.at, kind: r.kind, mac: r.mac, ip: r.ip, vendor: r.vendor, hostname: r.hostname }));
  }

  private async requireDevice(id: string): Promise<void> {
    if (!(await this.db.get('SELECT 1 AS x FROM devices WHERE id = ?', [id]))) throw new VigilError('E_NOT_FOUND', `no device ${id}`);
  }
}
