// The fleet over the API, as the dashboard shows it: overview, device list (search, filters, sort,
// cursor paging), one device in detail with its signed envelopes, the 93 Annex A controls, enrolment
// tokens, device revocation and verification of an uploaded evidence archive.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CHECK_IDS } from '../../protocol/checks/index.js';
import { formatEnrolmentString } from '../../protocol/enrolment-string.js';
import { VigilError } from '../../protocol/errors.js';
import { parseDuration } from '../../protocol/table.js';
import { makeParser } from '../../protocol/validate.js';
import type { CollectorServices } from '../app.js';
import { actorOf } from '../auth/service.js';
import { loadExportKey } from '../export/signing-key.js';
import { stateJson } from '../history/json.js';
import { verifyArchive } from '../verify/verify.js';
import type { DeviceStatusFilter } from '../dashboard/repo.js';

export const MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024;

const Id = Type.String({ pattern: '^dev_[0-9a-f]{32}$' });
export const DeviceListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, pattern: '^[^\\u0000-\\u001f]*$' })),
    status: Type.Optional(Type.Union(['pass', 'fail', 'unknown', 'stale', 'revoked', 'none', ''].map((s) => Type.Literal(s)))),
    role: Type.Optional(Type.String({ maxLength: 64 })),
    site: Type.Optional(Type.String({ maxLength: 100 })),
    os: Type.Optional(Type.String({ maxLength: 32 })),
    check: Type.Optional(Type.Union([...CHECK_IDS, ''].map((s) => Type.Literal(s)))),
    sort: Type.Optional(Type.Union([Type.Literal('hostname'), Type.Literal('last_seen'), Type.Literal('failing')])),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    cursor: Type.Optional(Type.String({ maxLength: 400 })),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$' })),
  },
  { additionalProperties: false },
);
export type DeviceListQueryT = Static<typeof DeviceListQuery>;
export const RevokeDeviceBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });
export const NewEnrolmentTokenBody = Type.Object(
  {
    role: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' }),
    site: Type.Optional(Type.String({ maxLength: 100 })),
    expires: Type.String({ pattern: '^\\d+\\s*[smhdw]$' }),
    maxUses: Type.Integer({ minimum: 1, maximum: 100_000 }),
  },
  { additionalProperties: false },
);
const DeviceParams = Type.Object({ id: Id });
const EnvelopeParams = Type.Object({ id: Id, seq: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }) });
const TokenParams = Type.Object({ id: Type.String({ pattern: '^tok_[0-9a-f]{16}$' }) });
export const parseDeviceList = makeParser(DeviceListQuery, 'E_BAD_REQUEST', 'query');
const parseDevice = makeParser(DeviceParams, 'E_BAD_REQUEST', 'path');
const parseEnvelope = makeParser(EnvelopeParams, 'E_BAD_REQUEST', 'path');
const parseToken = makeParser(TokenParams, 'E_BAD_REQUEST', 'path');
const parseRevoke = makeParser(RevokeDeviceBody, 'E_BAD_REQUEST', 'revocation');
const parseNewToken = makeParser(NewEnrolmentTokenBody, 'E_BAD_REQUEST', 'enrolment token');

export function deviceQueryOf(q: DeviceListQueryT, defaultLimit: number) {
  return {
    filter: { q: q.q?.trim() || undefined, status: (q.status || undefined) as DeviceStatusFilter | undefined, role: q.role || undefined, site: q.site || undefined, os: q.os || undefined, check: q.check || undefined },
    sort: q.sort ?? 'hostname',
    desc: q.order === 'desc',
    cursor: q.cursor || null,
    limit: q.limit ? Number(q.limit) : defaultLimit,
  };
}

/** The collector URL to put in an enrolment string: the configured public URL, else the one the admin used. */
export function collectorUrlOf(req: FastifyRequest, publicUrl: string | null): string {
  return publicUrl ?? `${req.protocol}://${req.host}`;
}

export interface FleetOptions {
  services: CollectorServices;
  caSha256: string;
  publicUrl: string | null;
  dataRoot: string;
}

async function fleetPlugin(app: FastifyInstance, opts: FleetOptions): Promise<void> {
  const s = opts.services;
  const read = { preHandler: app.authorize('read') };
  const write = { preHandler: app.authorize('write') };

  app.get('/api/v1/overview', read, async () => s.dashboard.overview());

  app.get('/api/v1/devices', read, async (req) => {
    const query = deviceQueryOf(parseDeviceList(req.query), 100);
    const [page, total] = await Promise.all([s.dashboard.devices(query), s.dashboard.countDevices(query.filter)]);
    return { total, next: page.next, devices: page.devices };
  });

  app.get('/api/v1/devices/:id', read, async (req) => {
    const { id } = parseDevice(req.params);
    const device = await s.devices.get(id);
    const detail = await s.dashboard.device(id);
    return { device, state: detail.state ? stateJson(detail.state) : null, timeline: detail.timeline, envelopes: detail.envelopes, tamper: detail.tamper };
  });

  app.post('/api/v1/devices/:id/revoke', write, async (req) => {
    const { id } = parseDevice(req.params);
    const { reason } = parseRevoke(req.body);
    await s.devices.revoke(id, actorOf(req.principal!), reason);
    return { id, revoked: true };
  });

  app.get('/api/v1/devices/:id/envelopes', read, async (req) => {
    const { id } = parseDevice(req.params);
    await s.devices.get(id);
    return { envelopes: (await s.dashboard.device(id)).envelopes };
  });

  // Every stored envelope of the device, oldest first, one JSON envelope per line (verbatim bytes).
  app.get('/api/v1/devices/:id/envelopes.jsonl', read, async (req, reply) => {
    const { id } = parseDevice(req.params);
    await s.devices.get(id);
    const rows = await app.db.all<{ bytes: Buffer }>('SELECT bytes FROM envelopes WHERE device_id = ? ORDER BY seq', [id]);
    return reply
      .header('content-disposition', `attachment; filename="${id}-envelopes.jsonl"`)
      .type('application/jsonl')
      .send(Buffer.concat(rows.flatMap((r) => [Buffer.from(r.bytes), Buffer.from('\n')])));
  });

  app.get('/api/v1/devices/:id/envelopes/:seq', read, async (req, reply) => {
    const { id, seq } = parseEnvelope(req.params);
    const e = await s.dashboard.envelope(id, Number(seq));
    return reply
      .header('content-disposition', `attachment; filename="${id}-${seq}.dsse.json"`)
      .header('x-content-sha256', e.sha256)
      .type('application/json')
      .send(Buffer.from(e.bytes));
  });

  app.get('/api/v1/annex-a', read, async () => ({ controls: await s.dashboard.controls() }));

  app.get('/api/v1/enrolment-tokens', read, async () => ({
    tokens: (await s.enrolment.listTokens()).map(({ secret_sha256: _, ...t }) => t),
  }));
  app.post('/api/v1/enrolment-tokens', write, async (req, reply) => {
    const b = parseNewToken(req.body);
    const expiresInMs = parseDuration(b.expires);
    if (expiresInMs === null || expiresInMs > 366 * 86_400_000) throw new VigilError('E_BAD_REQUEST', 'expires: a duration up to 366 days, e.g. 24h or 7d');
    const t = await s.enrolment.createToken({ role: b.role, site: b.site?.trim() || undefined, expiresInMs, maxUses: b.maxUses, actor: actorOf(req.principal!) });
    const enrolment = formatEnrolmentString({ url: collectorUrlOf(req, opts.publicUrl), token: t.token, caSha256: opts.caSha256 });
    return reply.status(201).send({ id: t.id, role: t.role, site: t.site, expiresAt: t.expiresAt, maxUses: t.maxUses, enrolment });
  });
  app.post('/api/v1/enrolment-tokens/:id/revoke', write, async (req) => {
    const { id } = parseToken(req.params);
    await s.enrolment.revokeToken(id, actorOf(req.principal!));
    return { id, revoked: true };
  });

  await app.register(async (scoped) => {
    // The archive arrives as the raw body, streamed to a temporary file (it can be large).
    scoped.addContentTypeParser('application/octet-stream', { bodyLimit: MAX_ARCHIVE_BYTES }, (_req, payload, done) => done(null, payload));
    scoped.post('/api/v1/exports/verify', { preHandler: scoped.authorize('export'), bodyLimit: MAX_ARCHIVE_BYTES }, async (req) => {
      const body = req.body as NodeJS.ReadableStream | undefined;
      if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') throw new VigilError('E_BAD_REQUEST', 'send the archive as application/octet-stream');
      const dir = await mkdtemp(join(tmpdir(), 'vigil-verify-'));
      try {
        const file = join(dir, 'archive.tar.gz');
        await pipeline(body, createWriteStream(file));
        const key = await loadExportKey(opts.dataRoot);
        return await verifyArchive(file, { expectedKey: key.fingerprint });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}

export default fp(fleetPlugin, { name: 'vigil-fleet', dependencies: ['vigil-auth', 'vigil-storage'] });
