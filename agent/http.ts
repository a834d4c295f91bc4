// HTTPS to the collector with the CA pinned. Before enrolment the agent knows only the CA's fingerprint:
// it fetches the CA certificate over an unverified connection, accepts it only if its SHA-256 matches
// the pin, and from then on every connection verifies the server against that CA alone.
import { X509Certificate, createHash } from 'node:crypto';
import https from 'node:https';
import http from 'node:http';
import { VigilError, isErrorCode } from '../protocol/errors.js';

const TIMEOUT_MS = 15_000;
const MAX_BODY = 256 * 1024;

interface Reply {
  status: number;
  body: string;
}

function request(url: URL, method: string, body: string | null, tls: { ca?: string; verify: boolean }): Promise<Reply> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method,
        timeout: TIMEOUT_MS,
        headers: body === null ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        ...(url.protocol === 'https:' ? { ca: tls.ca, rejectUnauthorized: tls.verify } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) req.destroy(new Error('response too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const tlsCodes = ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE'];
      if (err.code && tlsCodes.includes(err.code)) {
        reject(new VigilError('E_CA_PIN_MISMATCH', `collector certificate is not issued by the pinned CA (${err.code})`));
      } else reject(new VigilError('E_CONNECT', `cannot reach ${url.origin}: ${err.message}`));
    });
    req.end(body ?? undefined);
  });
}

export function fingerprintOf(pem: string): string | null {
  try {
    return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
  } catch {
    return null;
  }
}

/** Fetch the collector's CA certificate and accept it only if it matches the pinned fingerprint. */
export async function fetchPinnedCa(baseUrl: string, caSha256: string): Promise<string> {
  const url = new URL('/api/v1/enrol/ca', baseUrl);
  const r = await request(url, 'GET', null, { verify: false });
  if (r.status !== 200) throw new VigilError('E_CONNECT', `collector answered ${r.status} for its CA certificate`);
  const fp = fingerprintOf(r.body);
  if (fp !== caSha256) {
    throw new VigilError('E_CA_PIN_MISMATCH', `collector CA fingerprint is ${fp ? `sha256:${fp}` : 'unreadable'}, the enrolment string pins sha256:${caSha256}`);
  }
  return r.body;
}

/** POST JSON to the collector, verifying its certificate against the pinned CA. Errors keep the collector's code. */
export async function postJson(baseUrl: string, path: string, body: unknown, caPem: string): Promise<unknown> {
  const r = await request(new URL(path, baseUrl), 'POST', JSON.stringify(body), { ca: caPem, verify: true });
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.body);
  } catch {
    throw new VigilError('E_CONNECT', `collector answered ${r.status} with a non-JSON body`);
  }
  if (r.status >= 200 && r.status < 300) return parsed;
  const obj = parsed as { code?: unknown; message?: unknown };
  const code = isErrorCode(obj.code) ? obj.code : 'E_CONNECT';
  throw new VigilError(code, typeof obj.message === 'string' ? obj.message.slice(0, 500) : `collector answered ${r.status}`);
}
