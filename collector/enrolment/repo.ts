import type { Queryable } from '../db/types.js';

export interface TokenRow {
  id: string;
  secret_sha256: string;
  role: string;
  site: string | null;
  created_at: string;
  expires_at: string;
  max_uses: number;
  uses: number;
  revoked_at: string | null;
}

export interface NewDevice {
  id: string;
  publicKeyPem: string;
  keyDigest: string;
  role: string;
  site: string | null;
  hostname: string;
  osPlatform: string;
  osName: string;
  osVersion: string;
  arch: string;
  serial: string | null;
  model: string | null;
  agentVersion: string;
  tokenId: string;
  enrolledAt: string;
}

export const tokensRepo = {
  insert(q: Queryable, t: TokenRow) {
    return q.run(
      'INSERT INTO enrolment_tokens (id, secret_sha256, role, site, created_at, expires_at, max_uses, uses, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL)',
      [t.id, t.secret_sha256, t.role, t.site, t.created_at, t.expires_at, t.max_uses],
    );
  },
  byId(q: Queryable, id: string) {
    return q.get<TokenRow>('SELECT * FROM enrolment_tokens WHERE id = ?', [id]);
  },
  list(q: Queryable) {
    return q.all<TokenRow>('SELECT * FROM enrolment_tokens ORDER BY created_at DESC');
  },
  /** Consumes one use only while uses remain: the WHERE clause makes two racing enrolments safe. */
  async consume(q: Queryable, id: string): Promise<boolean> {
    const r = await q.run('UPDATE enrolment_tokens SET uses = uses + 1 WHERE id = ? AND uses < max_uses AND revoked_at IS NULL', [id]);
    return r.changes === 1;
  },
  revoke(q: Queryable, id: string, at: string) {
    return q.run('UPDATE enrolment_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id]);
  },
};

export const noncesRepo = {
  insert(q: Queryable, nonce: string, tokenId: string, expiresAt: string) {
    return q.run('INSERT INTO enrolment_nonces (nonce, token_id, expires_at) VALUES (?, ?, ?)', [nonce, tokenId, expiresAt]);
  },
  /** Marks the nonce used if it exists for this token, is unused and unexpired. */
  async consume(q: Queryable, nonce: string, tokenId: string, now: string): Promise<boolean> {
    const r = await q.run(
      'UPDATE enrolment_nonces SET used_at = ? WHERE nonce = ? AND token_id = ? AND used_at IS NULL AND expires_at > ?',
      [now, nonce, tokenId, now],
    );
    return r.changes === 1;
  },
  prune(q: Queryable, now: string) {
    return q.run('DELETE FROM enrolment_nonces WHERE expires_at <= ?', [now]);
  },
};

export const enrolDevicesRepo = {
  byKeyDigest(q: Queryable, digest: string) {
    return q.get<{ id: string }>('SELECT id FROM devices WHERE key_digest = ?', [digest]);
  },
  insert(q: Queryable, d: NewDevice) {
    return q.run(
      `INSERT INTO devices (id, public_key_pem, key_digest, role, site, hostname, os_platform, os_name, os_version, arch, serial, model,
         agent_version, token_id, enrolled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [d.id, d.publicKeyPem, d.keyDigest, d.role, d.site, d.hostname, d.osPlatform, d.osName, d.osVersion, d.arch, d.serial, d.model, d.agentVersion, d.tokenId, d.enrolledAt],
    );
  },
};
