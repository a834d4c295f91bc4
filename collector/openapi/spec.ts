// The OpenAPI 3.1 description of /api/v1, served at /docs/openapi.json. Operations are documented here
// with the same TypeBox schemas the handlers parse with; routes registered without an entry still appear
// (marked undocumented) because the list of paths comes from the routes fastify actually registered.
import type { TSchema } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { IsoTime } from '../../protocol/messages.js';
import { AuditExportQuery, AuditQuery, LoginBody, NewApiTokenBody, NewUserBody } from '../plugins/users.js';
import { DeviceListQuery, NewEnrolmentTokenBody, RevokeDeviceBody } from '../plugins/fleet.js';

export type Access = 'public' | 'device' | 'read' | 'export' | 'write' | 'admin' | 'session';

export interface OperationDoc {
  summary: string;
  tag: string;
  access: Access;
  query?: TSchema;
  body?: TSchema;
  /** Response content type when not JSON. */
  produces?: string;
  consumes?: string;
}

const AsOf = Type.Object({ asOf: Type.Optional(IsoTime) });

export const OPERATIONS: Record<string, OperationDoc> = {
  'GET /api/v1/enrol/ca': { summary: 'The CA certificate agents pin (PEM)', tag: 'enrolment', access: 'public', produces: 'application/x-pem-file' },
  'POST /api/v1/enrol/challenge': { summary: 'Start enrolment: exchange a token for a single-use nonce', tag: 'enrolment', access: 'device' },
  'POST /api/v1/enrol': { summary: 'Enrol a device key with token, nonce and proof of possession', tag: 'enrolment', access: 'device' },
  'POST /api/v1/session': { summary: 'Log in: sets the session cookie and returns the CSRF token', tag: 'auth', access: 'public', body: LoginBody },
  'DELETE /api/v1/session': { summary: 'Log out', tag: 'auth', access: 'read' },
  'GET /api/v1/me': { summary: 'The caller: user or API token, role, CSRF token', tag: 'auth', access: 'read' },
  'GET /api/v1/users': { summary: 'Dashboard users', tag: 'auth', access: 'admin' },
  'POST /api/v1/users': { summary: 'Add a user (scrypt-hashed password)', tag: 'auth', access: 'admin', body: NewUserBody },
  'POST /api/v1/users/:username/disable': { summary: 'Disable a user and end their sessions', tag: 'auth', access: 'admin' },
  'GET /api/v1/api-tokens': { summary: 'API tokens (secrets are never shown again)', tag: 'auth', access: 'admin' },
  'POST /api/v1/api-tokens': { summary: 'Create an API token; the secret is in this response only', tag: 'auth', access: 'admin', body: NewApiTokenBody },
  'POST /api/v1/api-tokens/:id/revoke': { summary: 'Revoke an API token', tag: 'auth', access: 'admin' },
  'GET /api/v1/audit': { summary: 'Audit log, newest first (cursor: before)', tag: 'audit', access: 'read', query: AuditQuery },
  'GET /api/v1/audit/export': { summary: 'The whole audit log as CSV or JSON', tag: 'audit', access: 'export', query: AuditExportQuery, produces: 'text/csv' },
  'GET /api/v1/overview': { summary: 'Fleet overview: counts per check and control, stale and tamper counts, 90-day trend', tag: 'fleet', access: 'read' },
  'GET /api/v1/devices': { summary: 'Devices: search, filter, sort, cursor paging', tag: 'fleet', access: 'read', query: DeviceListQuery },
  'GET /api/v1/devices/:id': { summary: 'One device: latest result per check with facts, timeline, envelopes, tamper events', tag: 'fleet', access: 'read' },
  'POST /api/v1/devices/:id/revoke': { summary: 'Revoke a device', tag: 'fleet', access: 'write', body: RevokeDeviceBody },
  'GET /api/v1/devices/:id/envelopes': { summary: "The device's newest stored envelopes (metadata)", tag: 'fleet', access: 'read' },
  'GET /api/v1/devices/:id/envelopes.jsonl': { summary: 'Every stored signed envelope of the device, one per line', tag: 'fleet', access: 'read', produces: 'application/jsonl' },
  'GET /api/v1/devices/:id/envelopes/:seq': { summary: 'One signed envelope, verbatim', tag: 'fleet', access: 'read' },
  'GET /api/v1/devices/:id/state': { summary: "A device's state now or as of a moment", tag: 'history', access: 'read', query: AsOf },
  'GET /api/v1/devices/:id/evaluations': { summary: 'Every stored evaluation of a device, newest first', tag: 'history', access: 'read' },
  'GET /api/v1/devices/:id/controls': { summary: "A device's Annex A controls", tag: 'history', access: 'read', query: AsOf },
  'GET /api/v1/fleet': { summary: 'The fleet as of a moment, paged by device id', tag: 'history', access: 'read' },
  'GET /api/v1/controls': { summary: 'Devices per status for each control with automated evidence', tag: 'history', access: 'read', query: AsOf },
  'GET /api/v1/annex-a': { summary: 'All 93 Annex A controls: applicability, evidence coverage, device counts, crosswalks', tag: 'controls', access: 'read' },
  'GET /api/v1/inventory': { summary: 'Devices seen behind gateways (neighbour tables, DHCP leases) with OUI vendors', tag: 'gateways', access: 'read' },
  'GET /api/v1/inventory/events': { summary: 'New and vanished devices behind gateways, newest first', tag: 'gateways', access: 'read' },
  'GET /api/v1/compensations': { summary: 'Compensating controls recorded for end-of-life systems', tag: 'gateways', access: 'read' },
  'GET /api/v1/mds2/models': { summary: 'Medical-device models with an imported MDS2 form', tag: 'gateways', access: 'read' },
  'PUT /api/v1/mds2/models/:model': { summary: "Import a model's MDS2 answers (CSV or XLSX body)", tag: 'gateways', access: 'write', consumes: 'text/csv' },
  'GET /api/v1/mds2/mismatches': { summary: 'Declared (MDS2) versus observed findings per device', tag: 'gateways', access: 'read' },
  'GET /api/v1/retention': { summary: 'Retention settings in force: cutoff, evidence holds and the last prune runs', tag: 'settings', access: 'read' },
  'POST /api/v1/retention/run': { summary: 'Prune history older than the retention cutoff now (pinned evidence stays)', tag: 'settings', access: 'admin' },
  'PUT /api/v1/devices/:id/model': { summary: "Set a device's medical-device model", tag: 'gateways', access: 'write' },
  'GET /api/v1/policy': { summary: 'Policy version in force and versions loaded', tag: 'settings', access: 'read' },
  'GET /api/v1/waivers': { summary: 'Waivers in force (all=true: every waiver)', tag: 'waivers', access: 'read' },
  'POST /api/v1/waivers': { summary: 'Create a waiver', tag: 'waivers', access: 'write' },
  'POST /api/v1/waivers/:id/revoke': { summary: 'Revoke a waiver', tag: 'waivers', access: 'write' },
  'GET /api/v1/soa': { summary: 'Statement of Applicability', tag: 'controls', access: 'read', query: AsOf },
  'PUT /api/v1/soa/:control': { summary: 'Record whether a control applies, and why', tag: 'controls', access: 'write' },
  'GET /api/v1/soa/:control/history': { summary: 'Applicability decisions of a control', tag: 'controls', access: 'read' },
  'POST /api/v1/soa/:control/evidence': { summary: 'Attach a manual evidence file (raw body)', tag: 'controls', access: 'write', consumes: 'application/octet-stream' },
  'GET /api/v1/evidence/:id': { summary: 'Download a manual evidence file', tag: 'controls', access: 'read', produces: 'application/octet-stream' },
  'GET /api/v1/enrolment-tokens': { summary: 'Enrolment tokens', tag: 'enrolment', access: 'read' },
  'POST /api/v1/enrolment-tokens': { summary: 'Create an enrolment token; the enrolment string is in this response only', tag: 'enrolment', access: 'write', body: NewEnrolmentTokenBody },
  'POST /api/v1/enrolment-tokens/:id/revoke': { summary: 'Revoke an enrolment token', tag: 'enrolment', access: 'write' },
  'GET /api/v1/alerts': { summary: 'Alerts (state=active|open|acknowledged|resolved|all, kind, device)', tag: 'alerts', access: 'read' },
  'GET /api/v1/alerts/:id': { summary: 'One alert with its deliveries', tag: 'alerts', access: 'read' },
  'POST /api/v1/alerts/:id/ack': { summary: 'Acknowledge an alert', tag: 'alerts', access: 'write' },
  'POST /api/v1/alerts/:id/resolve': { summary: 'Resolve an alert', tag: 'alerts', access: 'write' },
  'GET /api/v1/alerts/dead-letters': { summary: 'Notifications that could not be delivered', tag: 'alerts', access: 'read' },
  'POST /api/v1/alerts/dead-letters/:id/retry': { summary: 'Retry one undelivered notification', tag: 'alerts', access: 'write' },
  'POST /api/v1/alerts/dead-letters/retry': { summary: 'Retry every undelivered notification', tag: 'alerts', access: 'write' },
  'POST /api/v1/alerts/channels/:name/test': { summary: 'Send a test notification to a channel', tag: 'alerts', access: 'write' },
  'GET /api/v1/export': { summary: 'Evidence archive for a period (streamed tar.gz)', tag: 'exports', access: 'export', produces: 'application/gzip' },
  'POST /api/v1/exports/verify': { summary: 'Verify an evidence archive (raw body) as vigil verify does', tag: 'exports', access: 'export', consumes: 'application/octet-stream' },
};

const ErrorBody = Type.Object({ v: Type.Integer(), code: Type.String(), message: Type.String(), details: Type.Optional(Type.Array(Type.String())) });
const plain = (s: TSchema) => JSON.parse(JSON.stringify(s)) as Record<string, unknown>;

export function openApiDocument(routes: readonly { method: string; url: string }[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const key = `${r.method} ${r.url}`;
    const doc = OPERATIONS[key];
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const params = [...r.url.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = doc?.query ? Object.entries((plain(doc.query).properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({ name, in: 'query', required: ((plain(doc.query!).required as string[] | undefined) ?? []).includes(name), schema })) : [];
    const access = doc?.access ?? 'read';
    const op: Record<string, unknown> = {
      operationId: key.replace(/[^A-Za-z0-9]+/g, '_'),
      summary: doc?.summary ?? 'undocumented',
      tags: [doc?.tag ?? 'other'],
      'x-vigil-access': access,
      parameters: [...params, ...query],
      responses: {
        '200': { description: 'OK', content: { [doc?.produces ?? 'application/json']: {} } },
        default: { description: 'Error with a stable code', content: { 'application/json': { schema: plain(ErrorBody) } } },
      },
    };
    if (access === 'public' || access === 'device') op.security = [];
    if (doc?.body) op.requestBody = { required: true, content: { 'application/json': { schema: plain(doc.body) } } };
    else if (doc?.consumes) op.requestBody = { required: true, content: { [doc.consumes]: { schema: { type: 'string', format: 'binary' } } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Vigil collector API', version, description: 'Errors are JSON {v, code, message, details}. Lists page with cursors (next / before). Cookie sessions must send x-csrf-token on state-changing requests.' },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (vigil-collector api-token create, or Settings)' },
        session: { type: 'apiKey', in: 'cookie', name: 'vigil_session', description: 'Dashboard session; state-changing requests also need the x-csrf-token header' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
