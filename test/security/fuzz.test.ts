// Property-based hostile input (fast-check). Every parser of untrusted input either returns a value that
// satisfies its contract or throws a VigilError with a known code, never anything else; and every
// /api/v1 operation, fed random path parameters, queries and bodies with an admin token, answers below
// 500 with a JSON error body carrying a known code for every 4xx.
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvelope, signEnvelope, verifyEnvelope } from '../../protocol/dsse.js';
import { parseEnrolmentString, formatEnrolmentString } from '../../protocol/enrolment-string.js';
import { VigilError, isErrorCode, type ErrorCode } from '../../protocol/errors.js';
import { parseDeviceRecord, parseManifest } from '../../protocol/evidence-archive.js';
import { canonicalize } from '../../protocol/jcs.js';
import { PROTOCOL_VERSION, parseAgentMessage, parseCollectorMessage, parseEnrolChallengeRequest, parseEnrolRequest } from '../../protocol/messages.js';
import { PAYLOAD_TYPE, parseStatement } from '../../protocol/statement.js';
import { parsePolicy } from '../../collector/policy/document.js';
import { parseAlertsConfig } from '../../collector/alerts/config.js';
import { parseMds2Form } from '../../collector/mds2/parse.js';
import { verifyArchive } from '../../collector/verify/verify.js';
import { OPERATIONS } from '../../collector/openapi/spec.js';
import { enrolTestDevice, envelopeFor, startTestCollector, tempDir } from '../helpers/collector.js';

const RUNS = 200;

/** Runs f; passes if it returns, or throws a VigilError whose code is one of `codes`. */
function onlyVigilErrors<T>(f: () => T, codes: readonly ErrorCode[]): T | undefined {
  try {
    return f();
  } catch (err) {
    if (!(err instanceof VigilError)) throw new Error(`threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
    if (!isErrorCode(err.code) || !codes.includes(err.code)) throw new Error(`unexpected code ${err.code}: ${err.message}`);
    return undefined;
  }
}

const POISON_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '$where', 'v', 'type'];
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('', ' ', '\u0000', '\uFFFD', '\uD800', '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', '${7*7}', '%00', 'A'.repeat(70_000), '1e309', '-0', 'NaN', 'null'),
);
const hostileKey = fc.oneof(fc.constantFrom(...POISON_KEYS), fc.string({ maxLength: 12 }));
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;
/** Objects shaped like a protocol message: right version and type, random fields. */
const messageLike = (types: string[]) =>
  fc.record({ v: fc.oneof(fc.constant(PROTOCOL_VERSION), hostileJson), type: fc.oneof(fc.constantFrom(...types), hostileJson) }).chain((base) =>
    fc.dictionary(hostileKey, hostileJson, { maxKeys: 6 }).map((extra) => ({ ...extra, ...base })),
  );
/** JSON text: valid JSON of a hostile value, or raw hostile text (truncated, poisoned, nested). */
const jsonText = (objects: fc.Arbitrary<unknown>) =>
  fc.oneof(
    objects.map((o) => JSON.stringify(o) ?? 'null'),
    hostileJson.map((o) => JSON.stringify(o) ?? 'null'),
    hostileString,
    fc.constantFrom('{"v":1,"type":"hello","__proto__":{"x":1}}', '{"v":1,"type":{"toString":1}}', '['.repeat(5000) + ']'.repeat(5000), '{"v":1,"type":"hello"'),
  );

describe('protocol parsers', () => {
  it('parseAgentMessage: a known message or E_MALFORMED_MESSAGE / E_UNSUPPORTED_VERSION / E_SCHEMA', () => {
    fc.assert(
      fc.property(jsonText(messageLike(['hello', 'attestation'])), (text) => {
        const m = onlyVigilErrors(() => parseAgentMessage(text), ['E_MALFORMED_MESSAGE', 'E_UNSUPPORTED_VERSION', 'E_SCHEMA']);
        if (m) {
          expect(m.v).toBe(PROTOCOL_VERSION);
          expect(['hello', 'attestation']).toContain(m.type);
          if (m.type === 'attestation') expect(Number.isSafeInteger(m.seq) && m.seq > 0).toBe(true);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('parseCollectorMessage (what an agent accepts): a known message or a code', () => {
    fc.assert(
      fc.property(jsonText(messageLike(['challenge', 'welcome', 'ack', 'error', 'recheck'])), (text) => {
        const m = onlyVigilErrors(() => parseCollectorMessage(text), ['E_MALFORMED_MESSAGE', 'E_UNSUPPORTED_VERSION', 'E_SCHEMA']);
        if (m) expect(['challenge', 'welcome', 'ack', 'error', 'recheck']).toContain(m.type);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('enrolment requests: E_SCHEMA for anything but the documented shape', () => {
    fc.assert(
      fc.property(hostileJson, fc.dictionary(hostileKey, hostileJson, { maxKeys: 8 }), (a, b) => {
        for (const raw of [a, b, { v: 1, token: a }, { ...b, v: 1 }]) {
          const ch = onlyVigilErrors(() => parseEnrolChallengeRequest(raw), ['E_SCHEMA']);
          if (ch) expect(typeof ch.token).toBe('string');
          onlyVigilErrors(() => parseEnrolRequest(raw), ['E_SCHEMA']);
        }
      }),
      { numRuns: RUNS },
    );
  });

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const goodEnvelope = signEnvelope(PAYLOAD_TYPE, Buffer.from('{"a":1}'), privateKey);

  it('DSSE: parseEnvelope refuses non-envelopes with E_BAD_ENVELOPE; verify never accepts a forged or altered envelope', () => {
    fc.assert(
      fc.property(
        hostileJson,
        fc.record({ payload: fc.oneof(fc.base64String(), hostileString), payloadType: hostileString, signatures: fc.array(fc.record({ sig: fc.oneof(fc.base64String(), hostileString), keyid: fc.option(hostileString, { nil: undefined }) }), { maxLength: 6 }) }),
        fc.nat({ max: 200 }),
        (junk, forged, flip) => {
          onlyVigilErrors(() => parseEnvelope(junk), ['E_BAD_ENVELOPE']);
          const env = onlyVigilErrors(() => parseEnvelope(JSON.parse(JSON.stringify(forged))), ['E_BAD_ENVELOPE']);
          if (env) expect(() => verifyEnvelope(env, publicKey, PAYLOAD_TYPE)).toThrow(VigilError);
          if (env) onlyVigilErrors(() => verifyEnvelope(env, publicKey, PAYLOAD_TYPE), ['E_BAD_ENVELOPE', 'E_BAD_SIGNATURE', 'E_PAYLOAD_TYPE']);
          // One flipped character anywhere in payload or signature: refused.
          const payload = goodEnvelope.payload;
          const i = flip % payload.length;
          const altered = { ...goodEnvelope, payload: payload.slice(0, i) + (payload[i] === 'A' ? 'B' : 'A') + payload.slice(i + 1) };
          const code = (() => {
            try {
              verifyEnvelope(parseEnvelope(altered), publicKey, PAYLOAD_TYPE);
              return 'accepted';
            } catch (e) {
              return (e as VigilError).code;
            }
          })();
          expect(['E_BAD_SIGNATURE', 'E_BAD_ENVELOPE']).toContain(code);
        },
      ),
      { numRuns: RUNS },
    );
    expect(verifyEnvelope(parseEnvelope(goodEnvelope), publicKey, PAYLOAD_TYPE).toString()).toBe('{"a":1}');
  });

  it('parseStatement: E_BAD_STATEMENT for anything but an in-toto v1 statement with the Vigil predicate', () => {
    fc.assert(
      fc.property(hostileJson, fc.dictionary(fc.constantFrom('_type', 'subject', 'predicateType', 'predicate', '__proto__'), hostileJson), (a, b) => {
        for (const raw of [a, b]) {
          const st = onlyVigilErrors(() => parseStatement(raw), ['E_BAD_STATEMENT']);
          if (st) expect(st._type).toBe('https://in-toto.io/Statement/v1');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('JCS: canonicalisation is deterministic and round-trips JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalize(v);
        const back = JSON.parse(text);
        expect(canonicalize(back)).toBe(text);
        expect(back).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('enrolment strings: format → parse round trip; anything else E_ENROLMENT_STRING', () => {
    fc.assert(
      fc.property(hostileString, fc.webUrl(), fc.stringMatching(/^[A-Za-z0-9_.-]{8,80}$/), fc.stringMatching(/^[0-9a-f]{64}$/), (junk, url, token, ca) => {
        onlyVigilErrors(() => parseEnrolmentString(junk), ['E_ENROLMENT_STRING']);
        onlyVigilErrors(() => parseEnrolmentString(`vigil+${junk}`), ['E_ENROLMENT_STRING']);
        onlyVigilErrors(() => parseEnrolmentString(`vigil+https://x/?token=${junk}&ca=sha256:${junk}`), ['E_ENROLMENT_STRING']);
        const u = new URL(url);
        if (u.protocol !== 'https:') return;
        const parsed = parseEnrolmentString(formatEnrolmentString({ url: `${u.protocol}//${u.host}`, token, caSha256: ca }));
        expect(parsed).toEqual({ url: `${u.protocol}//${u.host}`, token, caSha256: ca });
      }),
      { numRuns: RUNS },
    );
  });

  it('evidence archive manifest and device records: E_ARCHIVE for anything but the schema', () => {
    fc.assert(
      fc.property(hostileJson, fc.dictionary(fc.constantFrom('format', 'files', 'devices', 'period', 'exportId', '__proto__', 'createdAt'), hostileJson), (a, b) => {
        for (const raw of [a, b]) {
          onlyVigilErrors(() => parseManifest(raw), ['E_ARCHIVE']);
          onlyVigilErrors(() => parseDeviceRecord(raw), ['E_ARCHIVE']);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('evidence archives: random bytes, random gzip and truncated tar are reported as E_ARCHIVE, never thrown', async () => {
    const dir = await tempDir();
    try {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.boolean(), async (bytes, gz) => {
          const file = join(dir.path, 'a.tar.gz');
          await writeFile(file, gz ? gzipSync(Buffer.from(bytes)) : Buffer.from(bytes));
          const report = await verifyArchive(file);
          expect(report.ok).toBe(false);
          for (const p of report.problems) expect(isErrorCode(p.code)).toBe(true);
        }),
        { numRuns: 40 },
      );
    } finally {
      await dir.cleanup();
    }
  });

  const yamlText = fc.oneof(
    hostileString,
    hostileJson.map((v) => JSON.stringify(v) ?? ''),
    fc.constantFrom('roles:\n  workstation:\n    checks:\n      firewall:\n        enabled: yes\n', 'a: &a [*a]\n', 'a: !!js/function "x"\n', '? [a, b]\n: c\n', '%YAML 9.9\n---\n', 'a: 1\na: 2\n', '<<: *x\n', 'x: ' + '['.repeat(2000)),
    fc.dictionary(hostileKey, hostileJson).map((o) => Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join('\n')),
  );

  it('policy YAML: a loaded policy or E_POLICY', () => {
    fc.assert(
      fc.property(yamlText, (text) => {
        const p = onlyVigilErrors(() => parsePolicy(text), ['E_POLICY']);
        if (p) expect(p.policy.roles).toBeTypeOf('object');
      }),
      { numRuns: RUNS },
    );
  });

  it('alerts.yaml: a configuration or E_ALERT_CONFIG', () => {
    fc.assert(
      fc.property(yamlText, (text) => {
        onlyVigilErrors(() => parseAlertsConfig(text), ['E_ALERT_CONFIG']);
      }),
      { numRuns: RUNS },
    );
  });

  it('MDS2 forms (CSV or XLSX): rows or E_MDS2', () => {
    const csvCell = fc.oneof(hostileString, fc.constantFrom('"', '""', '"a,b"', '\r\n', 'Yes', 'N/A', '=HYPERLINK("x")'));
    fc.assert(
      fc.property(
        fc.oneof(
          hostileString,
          fc.array(fc.array(csvCell, { maxLength: 6 }), { maxLength: 8 }).map((rows) => rows.map((r) => r.join(',')).join('\n')),
          fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(b)])),
        ),
        (input) => {
          const rows = onlyVigilErrors(() => parseMds2Form(input), ['E_MDS2']);
          if (rows) expect(Array.isArray(rows)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('HTTP API under random input (admin token)', () => {
  type Collector = Awaited<ReturnType<typeof startTestCollector>>;
  let c: Collector;
  let admin: string;
  let deviceId: string;

  beforeAll(async () => {
    c = await startTestCollector();
    admin = `Bearer ${(await c.services.auth.create({ name: 'fuzz', role: 'admin', actor: 'test' })).token}`;
    const d = await enrolTestDevice(c);
    deviceId = d.id;
    await c.services.ingest.ingest((await c.services.ingest.device(d.id))!, 1, envelopeFor(d, 1, d.digest), 'test');
  }, 60_000);
  afterAll(async () => c?.cleanup());

  const param = fc.oneof(
    hostileString.map((s) => encodeURIComponent(Buffer.from(s.slice(0, 300), 'utf8').toString('utf8'))),
    fc.constantFrom('..%2F..%2Fetc%2Fpasswd', '..', '%2e%2e', 'dev_' + '0'.repeat(32), '1', '0', '-1', '99999999999999999999', 'A.5.1', '%00', 'alr_0123456789abcdef', 'tok_0123456789abcdef', 'x'.repeat(2000)),
  );
  const query = fc.dictionary(hostileKey, fc.oneof(hostileString.map((s) => s.slice(0, 500)), fc.constantFrom('2026-01-01T00:00:00Z', 'true', 'csv', 'json', '1', 'hostname', 'desc')), { maxKeys: 5 });
  const body = fc.oneof(
    hostileJson.map((v) => ({ type: 'application/json', payload: JSON.stringify(v) ?? 'null' })),
    fc.dictionary(hostileKey, hostileJson, { maxKeys: 6 }).map((v) => ({ type: 'application/json', payload: JSON.stringify(v) })),
    fc.constantFrom(
      { type: 'application/json', payload: '{"__proto__":{"role":"admin"}}' },
      { type: 'application/json', payload: '{"constructor":{"prototype":{"x":1}}}' },
      { type: 'application/json', payload: '{"a":' },
      { type: 'application/json', payload: '[' .repeat(10_000) },
      { type: 'application/json', payload: JSON.stringify({ s: 'x'.repeat(100 * 1024) }) },
      { type: 'text/plain', payload: 'hello' },
      { type: 'application/x-www-form-urlencoded', payload: 'a=1&__proto__[x]=1' },
      { type: 'application/octet-stream', payload: '\u0000\u0001garbage' },
      { type: 'text/csv', payload: 'a,b\n"unterminated' },
      { type: 'multipart/form-data; boundary=x', payload: '--x\r\n' },
    ),
  );

  for (const key of Object.keys(OPERATIONS)) {
    it(`${key}: never 5xx; every 4xx is a JSON error with a known code`, async () => {
      const [method, path] = key.split(' ') as [string, string];
      await fc.assert(
        fc.asyncProperty(fc.array(param, { minLength: 3, maxLength: 3 }), query, body, fc.boolean(), async (params, q, b, realDevice) => {
          let i = 0;
          const url = path.replace(/:(\w+)/g, (_m, name: string) => (realDevice && name === 'id' ? deviceId : params[i++ % params.length]!));
          const qs = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();
          const withBody = method !== 'GET' && method !== 'DELETE';
          const r = await c.app.inject({
            method: method as 'GET',
            url: qs ? `${url}?${qs}` : url,
            headers: { authorization: admin, ...(withBody ? { 'content-type': b.type } : {}) },
            ...(withBody ? { payload: b.payload } : {}),
          });
          expect(r.statusCode, `${method} ${url}?${qs} → ${r.statusCode} ${r.body.slice(0, 300)}`).toBeLessThan(500);
          if (r.statusCode >= 400) {
            expect(r.headers['content-type']).toMatch(/^application\/json/);
            const e = r.json() as { code?: unknown };
            expect(isErrorCode(e.code), `${method} ${url}: ${r.body.slice(0, 200)}`).toBe(true);
          }
        }),
        { numRuns: 20 },
      );
    });
  }

  it('the admin principal is not polluted by a __proto__ body', async () => {
    await c.app.inject({ method: 'POST', url: '/api/v1/users', headers: { authorization: admin, 'content-type': 'application/json' }, payload: '{"__proto__":{"role":"admin"},"username":"p","role":"auditor","password":"x"}' });
    expect(({} as Record<string, unknown>).role).toBeUndefined();
  });
});
