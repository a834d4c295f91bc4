// The one string an operator copies to a device: collector URL, enrolment token and the SHA-256
// fingerprint of the collector's CA (pinned by the agent, as kubeadm's discovery-token-ca-cert-hash).
//   vigil+https://collector.example:8443/?token=tok_….secret&ca=sha256:<64 hex>
import { VigilError } from './errors.js';

export interface EnrolmentString {
  url: string;
  token: string;
  caSha256: string;
}

const PREFIX = 'vigil+';

export function formatEnrolmentString(e: EnrolmentString): string {
  const u = new URL(e.url);
  u.searchParams.set('token', e.token);
  u.searchParams.set('ca', `sha256:${e.caSha256}`);
  return PREFIX + u.toString();
}

export function parseEnrolmentString(text: string): EnrolmentString {
  const trimmed = text.trim();
  if (!trimmed.startsWith(PREFIX)) throw new VigilError('E_ENROLMENT_STRING', 'enrolment string must start with "vigil+https://"');
  let u: URL;
  try {
    u = new URL(trimmed.slice(PREFIX.length));
  } catch {
    throw new VigilError('E_ENROLMENT_STRING', 'enrolment string does not hold a valid URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new VigilError('E_ENROLMENT_STRING', 'collector URL must be https');
  const token = u.searchParams.get('token');
  const ca = u.searchParams.get('ca');
  const problems: string[] = [];
  if (!token || token.length < 8) problems.push('token is missing');
  const m = ca?.match(/^sha256:([0-9a-fA-F]{64})$/);
  if (!m) problems.push('ca fingerprint (sha256:<64 hex>) is missing or malformed');
  if (problems.length) throw new VigilError('E_ENROLMENT_STRING', `enrolment string is invalid: ${problems.join('; ')}`, problems);
  return { url: `${u.protocol}//${u.host}`, token: token!, caSha256: m![1]!.toLowerCase() };
}
