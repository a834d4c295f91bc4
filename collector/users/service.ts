// Local users of the dashboard and their sessions. Passwords are hashed with scrypt (node:crypto; N=2^15,
// r=8, p=1, 16-byte salt, stored as "scrypt$N$r$p$salt$hash"); a login compares in constant time and a
// wrong username costs the same as a wrong password. Sessions are random 32-byte ids kept as sha256, each
// with its own CSRF token, expiring after 12 hours. User changes are in the audit log.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { VigilError } from '../../protocol/errors.js';
import type { Db } from '../db/types.js';
import { audit } from '../audit.js';
import { sessionsRepo, usersRepo, type UserRole, type UserRow } from './repo.js';

export const USER_ROLES: readonly UserRole[] = ['admin', 'operator', 'auditor'];
export const SESSION_TTL_MS = 12 * 3_600_000;
const SCRYPT = { N: 32768, r: 8, p: 1, keylen: 32 };

function scrypt(password: string, salt: Buffer, o: { N: number; r: number; p: number }, keylen: number): Promise<Buffer> {
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 128 * o.N * o.r * 2 };
  return new Promise((res, rej) => scryptCb(password.normalize('NFC'), salt, keylen, options, (err, key) => (err ? rej(err) : res(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT, SCRYPT.keylen);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64'), { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }, expected.length);
  return timingSafeEqual(key, expected);
}

export function checkPasswordStrength(password: string): void {
  if (password.length < 12) throw new VigilError('E_BAD_REQUEST', 'password: at least 12 characters');
  if (password.length > 1024) throw new VigilError('E_BAD_REQUEST', 'password: at most 1024 characters');
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
// A hash to compare against when the username is unknown, so both failures take the same time.
let decoy: Promise<string> | null = null;

export interface SessionUser {
  userId: string;
  username: string;
  role: UserRole;
  csrf: string;
  sessionSha256: string;
}

export type PublicUser = Omit<UserRow, 'password_hash'>;

export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  async create(input: { username: string; role: string; password: string; actor: string }): Promise<PublicUser> {
    const username = input.username.trim();
    if (!/^[a-zA-Z0-9][\w.@-]{0,63}$/.test(username)) throw new VigilError('E_BAD_REQUEST', 'username: 1–64 letters, digits and . _ @ - (starting with a letter or digit)');
    if (!USER_ROLES.includes(input.role as UserRole)) throw new VigilError('E_BAD_REQUEST', `role must be one of ${USER_ROLES.join(', ')}`);
    checkPasswordStrength(input.password);
    const hash = await hashPassword(input.password);
    const now = this.now();
    const row: UserRow = { id: `usr_${randomBytes(8).toString('hex')}`, username, role: input.role as UserRole, password_hash: hash, created_by: input.actor, created_at: now.toISOString(), disabled_at: null };
    await this.db.tx(async (q) => {
      if (await usersRepo.byUsername(q, username)) throw new VigilError('E_CONFLICT', `user ${username} already exists`);
      await usersRepo.insert(q, row);
      await audit(q, now, input.actor, 'user.create', row.id, { username, role: row.role });
    });
    const { password_hash: _, ...rest } = row;
    return rest;
  }

  async list(): Promise<PublicUser[]> {
    return (await usersRepo.list(this.db)).map(({ password_hash: _, ...rest }) => rest);
  }

  async disable(username: string, actor: string): Promise<void> {
    const now = this.now();
    await this.db.tx(async (q) => {
      const u = await usersRepo.byUsername(q, username);
      if (!u || (await usersRepo.disable(q, u.id, now.toISOString())).changes !== 1) throw new VigilError('E_NOT_FOUND', `user ${username} does not exist or is already disabled`);
      await sessionsRepo.deleteForUser(q, u.id);
      await audit(q, now, actor, 'user.disable', u.id, { username });
    });
  }

  async setPassword(username: string, password: string, actor: string): Promise<void> {
    checkPasswordStrength(password);
    const hash = await hashPassword(password);
    const now = this.now();
    await this.db.tx(async (q) => {
      const u = await usersRepo.byUsername(q, username);
      if (!u) throw new VigilError('E_NOT_FOUND', `user ${username} does not exist`);
      await usersRepo.setPassword(q, u.id, hash);
      await sessionsRepo.deleteForUser(q, u.id);
      await audit(q, now, actor, 'user.password', u.id, { username });
    });
  }

  /** A new session for valid credentials, or E_LOGIN_FAILED (one code whatever was wrong). Both outcomes are audited. */
  async login(username: string, password: string, remote: string): Promise<{ sessionId: string; user: SessionUser }> {
    const u = await usersRepo.byUsername(this.db, username);
    const ok = u ? await verifyPassword(password, u.password_hash) : (await verifyPassword(password, await (decoy ??= hashPassword(randomBytes(16).toString('hex')))), false);
    const now = this.now();
    if (!u || !ok || u.disabled_at !== null) {
      await this.db.tx((q) => audit(q, now, `user:${username.slice(0, 64)}`, 'login.refused', u?.id ?? null, { remote }));
      throw new VigilError('E_LOGIN_FAILED');
    }
    const sessionId = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const idSha256 = sha256(sessionId);
    await this.db.tx(async (q) => {
      await sessionsRepo.purgeExpired(q, now.toISOString());
      await sessionsRepo.insert(q, { id_sha256: idSha256, user_id: u.id, csrf, created_at: now.toISOString(), expires_at: new Date(now.getTime() + SESSION_TTL_MS).toISOString() });
      await audit(q, now, `user:${u.username}`, 'login', u.id, { remote });
    });
    return { sessionId, user: { userId: u.id, username: u.username, role: u.role, csrf, sessionSha256: idSha256 } };
  }

  /** The user behind a session cookie value, or null when it is unknown, expired or the user is disabled. */
  async session(sessionId: string | undefined): Promise<SessionUser | null> {
    if (!sessionId || !/^[A-Za-z0-9_-]{43}$/.test(sessionId)) return null;
    const idSha256 = sha256(sessionId);
    const row = await sessionsRepo.live(this.db, idSha256, this.now().toISOString());
    return row ? { userId: row.user_id, username: row.username, role: row.role, csrf: row.csrf, sessionSha256: idSha256 } : null;
  }

  async logout(user: SessionUser): Promise<void> {
    const now = this.now();
    await this.db.tx(async (q) => {
      await sessionsRepo.delete(q, user.sessionSha256);
      await audit(q, now, `user:${user.username}`, 'logout', user.userId);
    });
  }
}
