// In-place upgrade: an agent with attestations waiting in its spool is stopped, its binary replaced by a
// rebuild with another version, and the new binary delivers the spool as the same device (same key,
// same chain), each attestation reporting the build that made it.
import { execFile } from 'node:child_process';
import { copyFile, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDeviceKey } from '../../agent/keystore.js';
import { spooledPredicate } from '../../agent/spool.js';
import { initDataDir, startCollector, type RunningCollector } from '../../collector/server.js';
import { formatEnrolmentString } from '../../protocol/enrolment-string.js';
import { tempDir } from '../helpers/collector.js';
import { freePort } from '../helpers/processes.js';
import { buildLinuxAgent, type Built } from './build.js';

const execFileP = promisify(execFile);
let dir: Awaited<ReturnType<typeof tempDir>>;
let oldBuild: Built;
let newBuild: Built;

beforeAll(async () => {
  dir = await tempDir('vigil-upgrade-');
  oldBuild = await buildLinuxAgent(join(dir.path, 'old'), '0.1.0-old');
  newBuild = await buildLinuxAgent(join(dir.path, 'new'), '0.1.0-new');
}, 480_000);
afterAll(async () => {
  await dir?.cleanup();
});

async function agent(bin: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    return { ...(await execFileP(bin, args, { timeout: 120_000 })), code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
  }
}

describe('in-place upgrade', () => {
  it('keeps the device key, state and spool; the new binary drains the spool as the same device', async () => {
    const cdir = join(dir.path, 'collector');
    await initDataDir(cdir, { host: '127.0.0.1', port: await freePort() });
    let c: RunningCollector = await startCollector(cdir);
    const installed = join(dir.path, 'vigil-agent');
    const state = join(dir.path, 'state');
    await copyFile(oldBuild.binary, installed);
    try {
      const t = await c.services.enrolment.createToken({ role: 'workstation', expiresInMs: 60_000, maxUses: 1, actor: 'test' });
      expect((await agent(installed, ['enroll', formatEnrolmentString({ url: c.url, token: t.token, caSha256: c.caSha256 }), '--state', state])).code).toBe(0);
      expect((await agent(installed, ['run', '--once', '--state', state])).code).toBe(0);
      const keyBefore = await readFile(join(state, 'key.pem'));
      const digest = (await loadDeviceKey(join(state, 'key.pem'))).digest;

      // Collector down: two cycles stay in the spool.
      await c.close();
      for (let i = 0; i < 2; i++) {
        const r = await agent(installed, ['run', '--once', '--state', state, '--timeout', '2s']);
        expect(r.stderr).toMatch(/E_NOT_ACKED/);
      }
      const before = JSON.parse((await agent(installed, ['status', '--json', '--state', state])).stdout) as { spoolDepth: number; lastSeq: number };
      expect(before).toMatchObject({ spoolDepth: 2, lastSeq: 3 });

      // Upgrade: the new binary written beside the old one and renamed over it, as the installers do.
      await copyFile(newBuild.binary, `${installed}.new`);
      await rename(`${installed}.new`, installed);
      expect((await agent(installed, ['--version'])).stdout.trim()).toBe('0.1.0-new');

      c = await startCollector(cdir);
      const r = await agent(installed, ['run', '--once', '--state', state]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/attestation 4 acknowledged/);
      const after = JSON.parse((await agent(installed, ['status', '--json', '--state', state])).stdout) as { spoolDepth: number; lastAckSeq: number };
      expect(after).toMatchObject({ spoolDepth: 0, lastAckSeq: 4 });
      expect(await readFile(join(state, 'key.pem'))).toEqual(keyBefore);

      const devices = await c.db.all<{ id: string; key_digest: string; last_seq: number }>('SELECT id, key_digest, last_seq FROM devices');
      expect(devices).toEqual([expect.objectContaining({ key_digest: digest, last_seq: 4 })]);
      const rows = await c.db.all<{ seq: number; bytes: Buffer }>('SELECT seq, bytes FROM envelopes ORDER BY seq');
      const agents = rows.map((row) => spooledPredicate(Buffer.from(row.bytes).toString('utf8')).agent);
      expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4]);
      expect(agents.map((a) => [a.version, a.binarySha256])).toEqual([
        ['0.1.0-old', oldBuild.sha256],
        ['0.1.0-old', oldBuild.sha256],
        ['0.1.0-old', oldBuild.sha256],
        ['0.1.0-new', newBuild.sha256],
      ]);
    } finally {
      await c.close().catch(() => undefined);
    }
  });
});
