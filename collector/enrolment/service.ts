// Enrolment ceremony, collector side:
//   1. token → challenge: the token must be live; a single-use nonce bound to it is issued.
//   2. token + nonce + public key + device facts + proof → device: the proof (ES256 over the nonce,
//      key and token) shows the caller holds the private key; one token use is consumed; the device
//      is stored with the token's role. Every refusal is written to the audit log.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { VigilError } from '../../protocol/errors.js';
import { importP256PublicKey, publicKeyDigest } from '../../protocol/keys.js';
import { ENROL_PROOF_TYPE, PROTOCOL_VERSION, verifyProof, type EnrolChallengeResponse, type EnrolRequest, type EnrolResponse } from '../../protocol/messages.js';
import type { Db, Queryable } from '../db/types.js';
import { audit } from '../audit.js';
import { enrolDevicesRepo, noncesRepo, tokensRepo, type TokenRow } from './repo.js';
import type { AlertsService } from '../alerts/service.js';

export const NONCE_TTL_MS = 2 * 60_000;

export interface CreatedToken {
  id: string;
  token: string;
  role: string;
  site: string | null;
  expiresAt: string;
  maxUses: number;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function splitToken(token: string): { id: string; secret: string } | null {
  const m = /^(tok_[0-9a-f]{16})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export class EnrolmentService {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly intervalSeconds: number,
    /** New devices and token misuse raise alerts in the same transaction as the audit entry. */
    private readonly alerts: AlertsService | null = null,
  ) {}

  async createToken(opts: { role: string; site?: string; expiresInMs: number; maxUses: number; actor: string }): Promise<CreatedToken> {
    if (!/^[a-z][a-z0-9_-]{0,63}$/.test(opts.role)) throw new VigilError('E_BAD_REQUEST', `role "${opts.role}" is not a valid role name`);
    if (!(opts.maxUses >= 1)) throw new VigilError('E_BAD_REQUEST', 'max uses must be at least 1');
    if (!(opts.expiresInMs > 0)) throw new VigilError('E_BAD_REQUEST', 'expiry must be in the future');
    const now = this.now();
    const id = `tok_${randomBytes(8).toString('hex')}`;
    const secret = randomBytes(24).toString('base64url');
    const row: TokenRow = {
      id,
      secret_sha256: sha256(secret),
      role: opts.role,
      site: opts.site ?? null,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + opts.expiresInMs).toISOString(),
      max_uses: opts.maxUses,
      uses: 0,
      revoked_at: null,
    };
    await this.db.tx(async (q) => {
      await tokensRepo.insert(q, row);
      await audit(q, now, opts.actor, 'token.create', id, { role: row.role, site: row.site, expiresAt: row.expires_at, maxUses: row.max_uses });
    });
    return { id, token: `${id}.${secret}`, role: row.role, site: row.site, expiresAt: row.expires_at, maxUses: row.max_uses };
  }

  async revokeToken(id: string, actor: string): Promise<void> {
    const now = this.now();
    await this.db.tx(async (q) => {
      const r = await tokensRepo.revoke(q, id, now.toISOString());
      if (r.changes !== 1) throw new VigilError('E_NOT_FOUND', `token ${id} does not exist or is already revoked`);
      await audit(q, now, actor, 'token.revoke', id);
    });
  }

  listTokens(): Promise<TokenRow[]> {
    return tokensRepo.list(this.db);
  }

  /** Resolves a token to its live row or throws the precise reason. */
  private async liveToken(q: Queryable, token: string, now: Date): Promise<TokenRow> {
    const parts = splitToken(token);
    const row = parts ? await tokensRepo.byId(q, parts.id) : undefined;
    if (!parts || !row) throw new VigilError('E_TOKEN_INVALID');
    const a = Buffer.from(row.secret_sha256, 'hex');
    const b = Buffer.from(sha256(parts.secret), 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new VigilError('E_TOKEN_INVALID');
    if (row.revoked_at) throw new VigilError('E_TOKEN_REVOKED');
    if (Date.parse(row.expires_at) <= now.getTime()) throw new VigilError('E_TOKEN_EXPIRED', `enrolment token expired at ${row.expires_at}`);
    if (row.uses >= row.max_uses) throw new VigilError('E_TOKEN_EXHAUSTED', `enrolment token has been used ${row.uses} of ${row.max_uses} times`);
    return row;
  }

  private async refuse(err: unknown, token: string, remote: string): Promise<never> {
    if (err instanceof VigilError) {
      const tokenId = splitToken(token)?.id ?? null;
      await this.db.tx(async (q) => {
        await q.run('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)', [
          this.now().toISOString(),
          `remote:${remote}`,
          'enrol.refused',
          tokenId,
          JSON.stringify({ code: err.code }),
        ]);
        await this.alerts?.onEnrolmentRefused(q, { code: err.code, tokenId, remote });
      });
    }
    throw err;
  }

  async challenge(token: string, remote: string): Promise<EnrolChallengeResponse> {
    const now = this.now();
    try {
      const row = await this.liveToken(this.db, token, now);
      const nonce = randomBytes(32).toString('base64');
      const expiresAt = new Date(now.getTime() + NONCE_TTL_MS).toISOString();
      await this.db.tx(async (q) => {
        await noncesRepo.prune(q, now.toISOString());
        await noncesRepo.insert(q, nonce, row.id, expiresAt);
      });
      return { v: PROTOCOL_VERSION, nonce, expiresAt };
    } catch (err) {
      return this.refuse(err, token, remote);
    }
  }

  async enrol(req: EnrolRequest, remote: string): Promise<EnrolResponse> {
    const now = this.now();
    try {
      const key = importP256PublicKey(req.publicKey);
      if (!verifyProof(ENROL_PROOF_TYPE, { nonce: req.nonce, publicKey: req.publicKey, token: req.token }, req.proof, key)) {
        throw new VigilError('E_BAD_SIGNATURE', 'proof of possession does not verify with the presented key');
      }
      const digest = publicKeyDigest(key);
      const deviceId = `dev_${randomBytes(16).toString('hex')}`;
      const role = await this.db.tx(async (q) => {
        const row = await this.liveToken(q, req.token, now);
        if (!(await noncesRepo.consume(q, req.nonce, row.id, now.toISOString()))) throw new VigilError('E_NONCE_INVALID');
        if (await enrolDevicesRepo.byKeyDigest(q, digest)) throw new VigilError('E_KEY_IN_USE');
        if (!(await tokensRepo.consume(q, row.id))) throw new VigilError('E_TOKEN_EXHAUSTED');
        await enrolDevicesRepo.insert(q, {
          id: deviceId,
          publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(),
          keyDigest: digest,
          role: row.role,
          site: row.site,
          hostname: req.device.hostname,
          osPlatform: req.device.os.platform,
          osName: req.device.os.name,
          osVersion: req.device.os.version,
          arch: req.device.arch,
          serial: req.device.serial ?? null,
          model: req.device.model ?? null,
          agentVersion: req.agentVersion,
          tokenId: row.id,
          enrolledAt: now.toISOString(),
        });
        await audit(q, now, `token:${row.id}`, 'device.enrol', deviceId, { remote, hostname: req.device.hostname, keyDigest: digest });
        await this.alerts?.onEnrolled(q, { deviceId, hostname: req.device.hostname, role: row.role, site: row.site, remote, tokenId: row.id });
        return { role: row.role, site: row.site };
      });
      const res: EnrolResponse = { v: PROTOCOL_VERSION, deviceId, role: role.role, intervalSeconds: this.intervalSeconds };
      if (role.site) res.site = role.site;
      return res;
    } catch (err) {
      return this.refuse(err, req.token, remote);
    }
  }
}
