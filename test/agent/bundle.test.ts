import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBundle, recordingDeps, replayDeps, writeBundle } from '../../agent/bundle.js';
import { checksFor } from '../../agent/checks/registry.js';
import { runChecks } from '../../agent/cycle.js';
import { nodeFiles } from '../../agent/files.js';
import { createRunner } from '../../agent/runner.js';
import { DEFAULT_POLICY } from '../../protocol/policy.js';
import { tempDir } from '../helpers/collector.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir('vigil-bundle-');
});
afterEach(async () => dir.cleanup());

describe('support bundles', () => {
  it('replaying a capture of this machine reproduces the live facts and verdicts', async () => {
    const at = Date.now();
    const rec = recordingDeps({ run: createRunner(), files: nodeFiles, now: () => at });
    const live = await runChecks(checksFor('linux'), rec.deps, DEFAULT_POLICY, 'workstation');
    expect(rec.commands.length).toBeGreaterThan(3);
    await writeBundle(dir.path, { platform: 'linux', createdAt: new Date(at).toISOString(), agentVersion: 'test', commands: rec.commands, files: rec.files });
    const replayed = await runChecks(checksFor('linux'), replayDeps(await readBundle(dir.path)), DEFAULT_POLICY, 'workstation');
    const strip = (rs: typeof live) => rs.map((r) => ({ id: r.id, status: r.status, reason: r.reason, facts: r.facts }));
    expect(strip(replayed)).toEqual(strip(live));
  }, 60_000);

  it('answers commands missing from the bundle as not installed, so checks say unknown, never pass', async () => {
    await writeBundle(dir.path, { platform: 'win32', createdAt: '2026-11-23T10:00:00.000Z', agentVersion: 'test', commands: [], files: [] });
    const results = await runChecks(checksFor('win32'), replayDeps(await readBundle(dir.path)), DEFAULT_POLICY, 'workstation');
    expect(results.length).toBe(15);
    expect(results.filter((r) => r.status === 'pass')).toEqual([]);
  });

  it('refuses a bundle whose manifest points outside the bundle', async () => {
    await writeBundle(dir.path, { platform: 'linux', createdAt: '2026-11-23T10:00:00.000Z', agentVersion: 't', commands: [{ argv: ['true'], exitCode: 0, stdout: '', stderr: '' }], files: [] });
    const manifest = JSON.parse((await import('node:fs')).readFileSync(join(dir.path, 'bundle.json'), 'utf8'));
    manifest.commands[0].stdout = '../../etc/passwd';
    writeFileSync(join(dir.path, 'bundle.json'), JSON.stringify(manifest));
    await expect(readBundle(dir.path)).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
  });

  it('refuses a malformed manifest with its field list', async () => {
    writeFileSync(join(dir.path, 'bundle.json'), JSON.stringify({ version: 1, platform: 'beos' }));
    await expect(readBundle(dir.path)).rejects.toMatchObject({ code: 'E_BAD_REQUEST' });
  });
});
