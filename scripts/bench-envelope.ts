// What the ingest benchmarks send: a signed, chained attestation of one bench device, and the percentile
// they report latencies with.
import { signEnvelope } from '../protocol/dsse.js';
import { canonicalBytes } from '../protocol/jcs.js';
import type { DeviceFacts } from '../protocol/messages.js';
import { PAYLOAD_TYPE, buildStatement, type Predicate } from '../protocol/statement.js';
import type { DeviceKey } from '../agent/keystore.js';

export const BENCH_DEVICE: DeviceFacts = { hostname: 'bench', os: { platform: 'linux', name: 'Debian GNU/Linux', version: '12' }, arch: 'x64' };

export function benchEnvelope(key: Pick<DeviceKey, 'digest' | 'privateKey' | 'keyid'>, seq: number, previous: string, checks: Predicate['checks']): string {
  const st = buildStatement(key.digest, 'device:hostname:bench', {
    sequence: seq,
    previous,
    collectedAt: new Date().toISOString(),
    agent: { version: 'bench' },
    device: { ...BENCH_DEVICE, role: 'workstation' },
    checks,
  });
  return JSON.stringify(signEnvelope(PAYLOAD_TYPE, canonicalBytes(st), key.privateKey, key.keyid));
}

export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}
