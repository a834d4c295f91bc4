// Who is calling: API tokens (bearer secrets for automation, stored as sha256, shown once at creation)
// and dashboard users (session cookies, collector/users). Roles: admin may do everything including user
// and API-token administration; operator may read, export and write (enrolment, devices, alerts,
// waivers); auditor may read and export. Every token creation and revocation is in the audit log.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { VigilError } from '../../protocol/errors.js';
import type { Db } from '../db/types.js';
import { audit } from '../audit.js';
import { apiTokensRepo, type ApiRole, type ApiTokenRow } from './repo.js';

export const API_ROLES: readonly ApiRole[] = ['admin', 'operator', 'auditor'];
export type Permission = 'read' | 'export' | 'write' | 'admin';
export type Role = ApiRole;

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(['read', 'export', 'write', 'admin']),
  operator: new Set(['read', 'export', 'write']),
  auditor: new Set(['read', 'export']),
};

export interface Principal {
  kind: 'token' | 'user';
  /** apt_… for a token, usr_… for a user. */
  id: string;
  name: string;
  role: Role;
  /** The session's CSRF token (users only). */
  csrf?: string;
}

/** The audit-log actor for a principal. */
export function actorOf(p: Principal): string {
  return p.kind === 'token' ? `api:${p.name} (${p.id})` : `user:${p.name}`;
}

export function may(p: Pick<Principal, 'role'>, permission: Permission): boolean {
  return GRANTS[p.role].has(permission);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async create(input: { name: string; role: string; actor: string }): Promise<{ id: string; token: string; role: ApiRole; name: string }> {
    if (!API_ROLES.includes(input.role as ApiRole)) throw new VigilError('E_BAD_REQUEST', `role must be one of ${API_ROLES.join(', ')}`);
    const name = input.name.trim();
    if (!/^[\w .@-]{1,100}$/.test(name)) throw new VigilError('E_BAD_REQUEST', 'name: 1–100 letters, digits, spaces and . _ @ -');
    const id = `apt_${randomBytes(8).toString('hex')}`;
    const secret = randomBytes(32).toString('base64url');
    const now = this.now();
    await this.db.tx(async (q) => {
      await apiTokensRepo.insert(q, { id, name, role: input.role as ApiRole, secret_sha256: sha256(secret).toString('hex'), created_by: input.actor, created_at: now.toISOString(), revoked_at: null, last_used_at: null });
      await audit(q, now, input.actor, 'api-token.create', id, { name, role: input.role });
    });
    return { id, token: `${id}.${secret}`, role: input.role as ApiRole, name };
  }

  async revoke(id: string, actor: string): Promise<void> {
    const now = this.now();
    await this.db.tx(async (q) => {
      const r = await apiTokensRepo.revoke(q, id, now.toISOString());
      if (r.changes !== 1) throw new VigilError('E_NOT_FOUND', `API token ${id} does not exist or is already revoked`);
      await audit(q, now, actor, 'api-token.revoke', id);
    });
  }

  async list(): Promise<Omit<ApiTokenRow, 'secret_sha256'>[]> {
    return (await apiTokensRepo.list(this.db)).map(({ secret_sha256: _, ...rest }) => rest);
  }

  /** The principal behind an Authorization header value, or E_UNAUTHORIZED (one code for every failure). */
  async authenticate(header: string | undefined): Promise<Principal> {
    const m = /^Bearer (apt_[0-9a-f]{16})\.([A-Za-z0-9_-]{20,100})$/.exec(header ?? '');
    if (!m) throw new VigilError('E_UNAUTHORIZED');
    const row = await apiTokensRepo.byId(this.db, m[1]!);
    const presented = sha256(m[2]!);
    const stored = row ? Buffer.from(row.secret_sha256, 'hex') : Buffer.alloc(32);
    if (!row || !timingSafeEqual(presented, stored) || row.revoked_at !== null) throw new VigilError('E_UNAUTHORIZED');
    const now = this.now();
    await apiTokensRepo.touch(this.db, row.id, now.toISOString(), new Date(now.getTime() - 60_000).toISOString());
    return { kind: 'token', id: row.id, name: row.name, role: row.role };
  }
}
