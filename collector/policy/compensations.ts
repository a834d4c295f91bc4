// Compensating controls for an end-of-life operating system. Gateways in front of medical devices often
// run an OS the vendor no longer patches and cannot be upgraded without re-certifying the device. The
// operator records what compensates (inbound traffic restricted to listed subnets), for a device or a
// whole role, with a reason, an approver and an expiry; it is applied when results are read, like a waiver.
//
// A compensated os_eol result stays `fail`: it is shown as "fail (compensated)", never pass, next to the
// compensation's own evidence from the same attestation: the host firewall denying inbound by default
// and the listening services check (allowlist and insecure-service rules). When that evidence does not
// hold, the compensation is reported as not evidenced and the result is a plain fail.
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { VigilError } from '../../protocol/errors.js';
import type { CheckStatus } from '../../protocol/checks/types.js';
import { audit } from '../audit.js';
import type { Db } from '../db/types.js';

export const COMPENSATION_KINDS = ['inbound-restricted'] as const;
export type CompensationKind = (typeof COMPENSATION_KINDS)[number];
export const MAX_COMPENSATION_MS = 366 * 86_400_000;
/** The checks whose results evidence an inbound-restricted compensation. */
export const COMPENSATION_EVIDENCE = ['firewall', 'listening_services'] as const;

export interface Compensation {
  id: string;
  deviceId: string | null;
  role: string | null;
  kind: CompensationKind;
  subnets: string[];
  reason: string;
  approver: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  revokedAt: string | null;
}

export interface CompensatedResult {
  deviceId: string;
  hostname: string;
  /** Always fail: a compensated end-of-life OS is never a pass. */
  status: 'fail';
  compensated: boolean;
  compensation: Compensation;
  evidence: { checkId: string; status: CheckStatus | null; reason: string | null }[];
  /** "fail (compensated)" or "fail (compensation not evidenced)". */
  label: string;
}

interface Row {
  id: string;
  device_id: string | null;
  role: string | null;
  kind: CompensationKind;
  subnets_json: string;
  reason: string;
  approver: string;
  created_at: string;
  created_by: string;
  expires_at: string;
  revoked_at: string | null;
}

const toCompensation = (r: Row): Compensation => ({
  id: r.id,
  deviceId: r.device_id,
  role: r.role,
  kind: r.kind,
  subnets: JSON.parse(r.subnets_json) as string[],
  reason: r.reason,
  approver: r.approver,
  createdAt: r.created_at,
  createdBy: r.created_by,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

/** "10.20.0.0/24", "fd00:20::/64": an address and a prefix length valid for its family. */
export function parseSubnet(s: string): string {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(s.trim());
  const family = m ? isIP(m[1]!) : 0;
  if (!m || family === 0 || Number(m[2]) > (family === 4 ? 32 : 128)) throw new VigilError('E_BAD_REQUEST', `"${s}" is not a subnet in CIDR form (10.20.0.0/24, fd00:20::/64)`);
  return `${m[1]}/${Number(m[2])}`;
}

export class CompensationsService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async add(input: { deviceId?: string; role?: string; kind: CompensationKind; subnets: string[]; reason: string; approver: string; expires: string | number; actor: string }): Promise<Compensation> {
    if ((input.deviceId === undefined) === (input.role === undefined)) throw new VigilError('E_BAD_REQUEST', 'name either a device or a role');
    if (!COMPENSATION_KINDS.includes(input.kind)) throw new VigilError('E_BAD_REQUEST', `kind must be one of ${COMPENSATION_KINDS.join(', ')}`);
    if (!input.subnets.length || input.subnets.length > 64) throw new VigilError('E_BAD_REQUEST', 'list 1 to 64 subnets the inbound traffic is restricted to');
    const subnets = input.subnets.map(parseSubnet);
    if (!input.reason.trim() || !input.approver.trim()) throw new VigilError('E_BAD_REQUEST', 'a reason and an approver are required');
    const now = this.now();
    const expiresAt = typeof input.expires === 'number' ? new Date(now.getTime() + input.expires) : new Date(input.expires);
    if (!Number.isFinite(expiresAt.getTime()) || expiresAt <= now) throw new VigilError('E_BAD_REQUEST', 'expiry must be a date or duration in the future');
    if (expiresAt.getTime() - now.getTime() > MAX_COMPENSATION_MS) throw new VigilError('E_BAD_REQUEST', 'a compensation lasts at most 366 days: renew it after review');
    const row: Row = {
      id: `cmp_${randomBytes(8).toString('hex')}`,
      device_id: input.deviceId ?? null,
      role: input.role ?? null,
      kind: input.kind,
      subnets_json: JSON.stringify(subnets),
      reason: input.reason.slice(0, 2000),
      approver: input.approver.slice(0, 200),
      created_at: now.toISOString(),
      created_by: input.actor,
      expires_at: expiresAt.toISOString(),
      revoked_at: null,
    };
    await this.db.tx(async (q) => {
      if (row.device_id && !(await q.get('SELECT 1 AS x FROM devices WHERE id = ?', [row.device_id]))) throw new VigilError('E_NOT_FOUND', `no device ${row.device_id}`);
      await q.run(
        'INSERT INTO eol_compensations (id, device_id, role, kind, subnets_json, reason, approver, created_at, created_by, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)',
        [row.id, row.device_id, row.role, row.kind, row.subnets_json, row.reason, row.approver, row.created_at, row.created_by, row.expires_at],
      );
      await audit(q, now, input.actor, 'compensation.add', row.device_id ?? `role:${row.role}`, { id: row.id, kind: row.kind, subnets, reason: row.reason, approver: row.approver, expiresAt: row.expires_at });
    });
    return toCompensation(row);
  }

  async revoke(id: string, actor: string, reason: string): Promise<void> {
    const now = this.now();
    await this.db.tx(async (q) => {
      const r = await q.run('UPDATE eol_compensations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now.toISOString(), id]);
      if (r.changes === 0) throw new VigilError('E_NOT_FOUND', `no active compensation ${id}`);
      await audit(q, now, actor, 'compensation.revoke', id, { reason });
    });
  }

  async list(opts: { all?: boolean } = {}): Promise<Compensation[]> {
    const at = this.now().toISOString();
    const rows = await this.db.all<Row>(
      `SELECT * FROM eol_compensations ${opts.all ? '' : 'WHERE revoked_at IS NULL AND expires_at > ?'} ORDER BY created_at, id`,
      opts.all ? [] : [at],
    );
    return rows.map(toCompensation);
  }

  /**
   * Current os_eol failures covered by a compensation in force (for the device, or else its role), with
   * the compensation's evidence from the device's current results.
   */
  async compensated(opts: { deviceId?: string } = {}): Promise<CompensatedResult[]> {
    const at = this.now().toISOString();
    const failing = await this.db.all<{ id: string; hostname: string; role: string }>(
      `SELECT d.id, d.hostname, d.role FROM check_state s JOIN devices d ON d.id = s.device_id
        WHERE s.check_id = 'os_eol' AND s.status = 'fail' AND d.revoked_at IS NULL ${opts.deviceId ? 'AND d.id = ?' : ''} ORDER BY d.hostname, d.id`,
      opts.deviceId ? [opts.deviceId] : [],
    );
    if (!failing.length) return [];
    const active = (await this.db.all<Row>('SELECT * FROM eol_compensations WHERE revoked_at IS NULL AND created_at <= ? AND expires_at > ?', [at, at])).map(toCompensation);
    const out: CompensatedResult[] = [];
    for (const d of failing) {
      const c = active.find((x) => x.deviceId === d.id) ?? active.find((x) => x.role === d.role);
      if (!c) continue;
      const states = await this.db.all<{ check_id: string; status: CheckStatus; reason: string | null }>(
        `SELECT check_id, status, reason FROM check_state WHERE device_id = ? AND check_id IN (${COMPENSATION_EVIDENCE.map(() => '?').join(', ')})`,
        [d.id, ...COMPENSATION_EVIDENCE],
      );
      const evidence = COMPENSATION_EVIDENCE.map((checkId) => {
        const s = states.find((x) => x.check_id === checkId);
        return { checkId, status: s?.status ?? null, reason: s?.reason ?? null };
      });
      const compensated = evidence.every((e) => e.status === 'pass');
      out.push({ deviceId: d.id, hostname: d.hostname, status: 'fail', compensated, compensation: c, evidence, label: compensated ? 'fail (compensated)' : 'fail (compensation not evidenced)' });
    }
    return out;
  }
}

/** Lines for a terminal report under the device's os_eol row. */
export function formatCompensated(r: CompensatedResult): string[] {
  const c = r.compensation;
  return [
    `os_eol: ${r.label.toUpperCase()} — ${c.id} (${c.deviceId ? 'this device' : `role ${c.role}`}): ${c.kind} to ${c.subnets.join(', ')}, approved by ${c.approver}, until ${c.expiresAt}: ${c.reason}`,
    ...r.evidence.map((e) => `    evidence ${e.checkId}: ${e.status ?? 'not reported'}${e.reason ? ` (${e.reason})` : ''}`),
  ];
}
