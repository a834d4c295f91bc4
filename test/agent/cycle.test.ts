import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attest, runChecks } from '../../agent/cycle.js';
import { createServer } from 'node:net';
import { BACKOFF_BASE_MS, Backoff, backoffCeiling, backoffDelay, isRefused, jittered } from '../../agent/daemon.js';
import { Session } from '../../agent/transport.js';
import { freePort } from '../helpers/processes.js';
import { generateDeviceKey } from '../../agent/keystore.js';
import { Spool } from '../../agent/spool.js';
import { ensureStateDir, statePaths } from '../../agent/state.js';
import type { CollectDeps, PlatformCheck } from '../../agent/checks/types.js';
import { checksFor } from '../../agent/checks/registry.js';
import { loadChecks } from '../../agent/checks/platform.js';
import { parseEnvelope, verifyEnvelope } from '../../protocol/dsse.js';
import { DEFAULT_POLICY } from '../../protocol/policy.js';
import { PAYLOAD_TYPE, parseStatement } from '../../protocol/statement.js';
import { CHECK_IDS } from '../../protocol/checks/index.js';
import { DEVICE, tempDir } from '../helpers/collector.js';

const deps: CollectDeps = {
  run: async () => {
    throw new Error('no commands in this test');
  },
  files: { readText: async () => null, mtimeMs: async () => null, exists: async () => false },
  now: () => Date.now(),
};

const check = (id: string, collect: PlatformCheck['collect']): PlatformCheck => ({ id, collect });

describe('runChecks', () => {
  it('evaluates facts with the shared policy', async () => {
    const [r] = await runChecks(
      [check('firewall', async () => ({ facts: { backends: [{ name: 'nftables', active: true, inboundDefault: 'allow' }] }, evidence: [{ source: 'nft -j list ruleset', exitCode: 0 }] }))],
      deps,
      DEFAULT_POLICY,
      'workstation',
    );
    expect(r).toMatchObject({ id: 'firewall', status: 'fail', reason: 'nftables is active but allows inbound traffic by default' });
  });

  it('turns a probe that throws or hangs into unknown with the reason, never pass', async () => {
    const results = await runChecks(
      [
        check('firewall', async () => {
          throw new Error('boom');
        }),
        check('disk_encryption', () => new Promise(() => undefined)),
        check('mdm_enrollment', async () => ({ facts: null, reason: 'needs root', evidence: [] })),
      ],
      deps,
      DEFAULT_POLICY,
      'workstation',
      200,
    );
    expect(results.map((r) => [r.status, r.reason])).toEqual([
      ['unknown', 'probe failed: boom'],
      ['unknown', 'probe timed out after 200 ms'],
      ['unknown', 'needs root'],
    ]);
  });

  it('says unknown, with why, for facts that do not match the check schema', async () => {
    const [r] = await runChecks([check('firewall', async () => ({ facts: { backends: 'garbage' }, evidence: [] }))], deps, DEFAULT_POLICY, 'workstation');
    expect(r!.status).toBe('error');
    expect(r!.reason).toMatch(/facts do not match the check schema/);
  });

  it('registry covers every check on every platform, unsupported ones as unknown', async () => {
    for (const platform of ['linux', 'darwin', 'win32', 'aix']) {
      expect(checksFor(platform).map((c) => c.id)).toEqual(CHECK_IDS);
    }
    const [r] = await runChecks(checksFor('aix').slice(0, 1), deps, DEFAULT_POLICY, 'workstation');
    expect(r).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/not implemented on aix/) });
  });

  it('loads one platform\'s checks on demand, the same implementations the registry holds', async () => {
    for (const platform of ['linux', 'darwin', 'win32']) {
      expect(await loadChecks(platform)).toEqual(checksFor(platform));
    }
    for (const platform of ['aix', 'constructor']) {
      const checks = await loadChecks(platform);
      expect(checks.map((c) => c.id)).toEqual(CHECK_IDS);
      const [r] = await runChecks(checks.slice(0, 1), deps, DEFAULT_POLICY, 'workstation');
      expect(r).toMatchObject({ status: 'unknown', reason: expect.stringMatching(new RegExp(`not implemented on ${platform}`)) });
    }
  });
});

describe('attest', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir('vigil-attest-');
  });
  afterEach(async () => dir.cleanup());

  it('chains envelopes: sequence 1 points at the key digest, later ones at the previous envelope bytes', async () => {
    const paths = statePaths(dir.path);
    await ensureStateDir(paths);
    const spool = await Spool.open(paths);
    const key = generateDeviceKey();
    const input = { key, spool, device: DEVICE, role: 'workstation', results: [], collectedAt: '2026-11-23T10:00:00.000Z' };
    const a = await attest(input);
    const b = await attest(input);
    const stA = parseStatement(JSON.parse(verifyEnvelope(parseEnvelope(JSON.parse(a.envelope)), key.publicKey, PAYLOAD_TYPE).toString()));
    const stB = parseStatement(JSON.parse(verifyEnvelope(parseEnvelope(JSON.parse(b.envelope)), key.publicKey, PAYLOAD_TYPE).toString()));
    expect(stA.predicate.sequence).toBe(1);
    expect(stA.predicate.previous).toBe(key.digest);
    expect(stA.subject[0]!.digest.sha256).toBe(key.digest);
    expect(stB.predicate.sequence).toBe(2);
    expect(stB.predicate.previous).toBe(createHash('sha256').update(a.envelope).digest('hex'));
    expect(await spool.read(2)).toBe(b.envelope);
  });

  it('a probe with too much or too long evidence still yields a statement the collector accepts, saying what was cut', async () => {
    const paths = statePaths(dir.path);
    await ensureStateDir(paths);
    const spool = await Spool.open(paths);
    const key = generateDeviceKey();
    const evidence = Array.from({ length: 200 }, (_, i) => ({ source: `cat /etc/file-${i}-${'x'.repeat(600)}`, error: 'e'.repeat(5000) }));
    const results = await runChecks([check('firewall', async () => ({ facts: null, reason: 'r'.repeat(9000), evidence }))], deps, DEFAULT_POLICY, 'workstation');
    const a = await attest({ key, spool, device: DEVICE, role: 'workstation', results, collectedAt: '2026-11-23T10:00:00.000Z' });
    const st = parseStatement(JSON.parse(verifyEnvelope(parseEnvelope(JSON.parse(a.envelope)), key.publicKey, PAYLOAD_TYPE).toString()));
    const ev = st.predicate.checks[0]!.evidence;
    expect(ev).toHaveLength(64);
    expect(ev[0]!.source.length).toBe(512);
    expect(ev[0]!.error!.length).toBe(1024);
    expect(ev[63]).toEqual({ source: 'evidence truncated', error: '137 more probe records omitted' });
    expect(st.predicate.checks[0]!.reason!.length).toBe(4096);
  });
});

describe('timing', () => {
  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(50, () => 1)).toBe(300_000);
    expect(jittered(60_000, () => 0)).toBe(54_000);
    expect(jittered(60_000, () => 1)).toBe(66_000);
  });

  it('backs off from refusals and from other failures separately: a reset after a restart does not inherit the outage', () => {
    const b = new Backoff(() => 1);
    // The collector is down for a while: refusals grow to their 10 s ceiling.
    expect([1, 2, 3, 4, 5, 6].map(() => b.next(true))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    // It is back and resets the first connection under the load of the whole fleet: the other backoff
    // starts from the base instead of from 2^6 s.
    expect(b.next(false)).toBe(1000);
    expect(b.next(false)).toBe(2000);
    expect(b.next(true)).toBe(10_000);
    // Repeated failures of a running collector still grow to the configured ceiling.
    for (let i = 0; i < 20; i++) b.next(false, 60_000);
    expect(b.next(false, 60_000)).toBe(60_000);
    // A welcome starts both over.
    b.reset();
    expect(b.next(true)).toBe(1000);
    expect(b.next(false)).toBe(1000);
  });

  it('retries a refused connection (collector restarting) within 10 s, any other failure up to the configured ceiling', async () => {
    expect(backoffDelay(50, () => 1, BACKOFF_BASE_MS, backoffCeiling(true))).toBe(10_000);
    expect(backoffDelay(50, () => 1, BACKOFF_BASE_MS, backoffCeiling(false))).toBe(300_000);
    expect(backoffCeiling(true, 2000)).toBe(2000);
    const key = generateDeviceKey();
    const enrolment = (port: number) => ({ deviceId: 'dev', url: `https://127.0.0.1:${port}`, caPem: 'unused', caSha256: 'unused', role: 'workstation', intervalSeconds: 300, enrolledAt: '2026-01-01T00:00:00.000Z' });
    // Nothing listens on the port: refused.
    const closed = await freePort();
    const refused = await Session.open(enrolment(closed) as never, key, {} as never).catch((e: unknown) => e);
    expect(isRefused(refused)).toBe(true);
    // Something listens and hangs up: the collector is there and failing, not restarting.
    const server = createServer((socket) => socket.destroy()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const port = (server.address() as { port: number }).port;
      const reset = await Session.open(enrolment(port) as never, key, {} as never).catch((e: unknown) => e);
      expect(reset).toMatchObject({ code: 'E_CONNECT' });
      expect(isRefused(reset)).toBe(false);
    } finally {
      server.close();
    }
  });
});
