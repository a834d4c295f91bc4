// Waivers (exceptions): per device, per check or per control, or a device's check or control; with a
// reason, an approver and an expiry. They excuse a result, they never turn it into a pass.
import { randomBytes } from 'node:crypto';
import { CHECK_IDS } from '../../protocol/checks/index.js';
import { VigilError } from '../../protocol/errors.js';
import { parseDuration } from '../../protocol/table.js';
import type { Db } from '../db/types.js';
import { audit } from '../audit.js';
import { resolveControlId } from '../controls/catalogue.js';
import { inForce, type WaiverRow } from './apply.js';
import { waiversRepo } from './repo.js';

/** Exceptions are reviewed at least yearly: a waiver cannot outlive a year. */
export const MAX_WAIVER_MS = 366 * 86_400_000;

export interface NewWaiver {
  deviceId?: string;
  checkId?: string;
  control?: string;
  reason: string;
  approver: string;
  /** Absolute ISO time, or a lifetime in ms from now. */
  expires: string | number;
  actor: string;
}

export interface WaiverView extends WaiverRow {
  state: 'active' | 'expired' | 'revoked' | 'pending';
}

export function waiverState(w: WaiverRow, at: string): WaiverView['state'] {
  if (w.revoked_at !== null && w.revoked_at <= at) return 'revoked';
  if (inForce(w, at)) return 'active';
  return w.created_at > at ? 'pending' : 'expired';
}

function text(value: string | undefined, field: string, max: number): string {
  const v = (value ?? '').trim();
  if (!v) throw new VigilError('E_BAD_REQUEST', `${field} is required`);
  if (v.length > max) throw new VigilError('E_BAD_REQUEST', `${field} is longer than ${max} characters`);
  return v;
}

export class WaiversService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async create(input: NewWaiver): Promise<WaiverView> {
    const now = this.now();
    const controlId = input.control === undefined ? null : resolveControlId(input.control);
    if (input.control !== undefined && controlId === null) throw new VigilError('E_NOT_FOUND', `control ${input.control} is not an ISO/IEC 27001:2022 Annex A control`);
    if (input.checkId !== undefined && !CHECK_IDS.includes(input.checkId)) throw new VigilError('E_NOT_FOUND', `check ${input.checkId} is not known`);
    if (input.deviceId === undefined && input.checkId === undefined && controlId === null) {
      throw new VigilError('E_BAD_REQUEST', 'a waiver names a device, a check or a control (or a device and one of the others)');
    }
    if (input.checkId !== undefined && controlId !== null) throw new VigilError('E_BAD_REQUEST', 'a waiver names a check or a control, not both');
    const expiresAt = typeof input.expires === 'number' ? new Date(now.getTime() + input.expires) : new Date(input.expires);
    if (!Number.isFinite(expiresAt.getTime())) throw new VigilError('E_BAD_REQUEST', `expiry ${JSON.stringify(input.expires)} is not a date or duration`);
    if (expiresAt.getTime() <= now.getTime()) throw new VigilError('E_BAD_REQUEST', 'expiry must be in the future');
    if (expiresAt.getTime() - now.getTime() > MAX_WAIVER_MS) throw new VigilError('E_BAD_REQUEST', 'a waiver lasts at most 366 days: renew it after review');
    const row: WaiverRow = {
      id: `wvr_${randomBytes(8).toString('hex')}`,
      device_id: input.deviceId ?? null,
      check_id: input.checkId ?? null,
      control_id: controlId,
      reason: text(input.reason, 'reason', 2000),
      approver: text(input.approver, 'approver', 200),
      created_by: input.actor,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      revoked_at: null,
      revoked_by: null,
      revoke_reason: null,
    };
    await this.db.tx(async (q) => {
      if (row.device_id !== null && !(await q.get('SELECT 1 AS x FROM devices WHERE id = ?', [row.device_id]))) {
        throw new VigilError('E_NOT_FOUND', `device ${row.device_id} does not exist`);
      }
      await waiversRepo.insert(q, row);
      await audit(q, now, input.actor, 'waiver.create', row.id, {
        device: row.device_id, check: row.check_id, control: row.control_id, reason: row.reason, approver: row.approver, expiresAt: row.expires_at,
      });
    });
    return { ...row, state: 'active' };
  }

  async revoke(id: string, actor: string, reason: string): Promise<void> {
    const now = this.now();
    await this.db.tx(async (q) => {
      const r = await waiversRepo.revoke(q, id, now.toISOString(), actor, reason);
      if (r.changes !== 1) throw new VigilError('E_NOT_FOUND', `waiver ${id} does not exist or is already revoked`);
      await audit(q, now, actor, 'waiver.revoke', id, { reason });
    });
  }

  /** All waivers (include: every one ever made) or those in force now, with their state now. */
  async list(opts: { all?: boolean } = {}): Promise<WaiverView[]> {
    const at = this.now().toISOString();
    const rows = opts.all ? await waiversRepo.all(this.db) : await waiversRepo.inForceAt(this.db, at);
    return rows.map((w) => ({ ...w, state: waiverState(w, at) }));
  }

  inForceAt(at: string): Promise<WaiverRow[]> {
    return waiversRepo.inForceAt(this.db, at);
  }

  overlapping(from: string, to: string): Promise<WaiverRow[]> {
    return waiversRepo.overlapping(this.db, from, to);
  }
}

/** "30d" → ms; an ISO time stays as it is. */
export function parseExpiry(text: string): string | number {
  const ms = parseDuration(text);
  if (ms !== null) return ms;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || !Number.isFinite(Date.parse(text))) throw new VigilError('E_BAD_REQUEST', `expiry "${text}" is not a duration like 30d or an ISO date`);
  return text;
}
