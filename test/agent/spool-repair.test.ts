// The spool as the agent opens it after a crash: tmp files of a killed agent are removed, and a damaged
// newest entry is set aside (never sent) with a log line while the chain head goes back to the last intact
// entry. Opening without a gap marker (vigil-agent status) repairs nothing.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDeviceKey } from '../../agent/keystore.js';
import { Spool, signedGapMarker } from '../../agent/spool.js';
import { attest } from '../../agent/cycle.js';
import { ensureStateDir, statePaths, type StatePaths } from '../../agent/state.js';
import { DEVICE, sha256, tempDir } from '../helpers/collector.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let paths: StatePaths;
const key = generateDeviceKey();
const marker = signedGapMarker(key, { version: 'test' });
const name = (seq: number) => `${String(seq).padStart(12, '0')}.json`;

beforeEach(async () => {
  dir = await tempDir('vigil-spool-repair-');
  paths = statePaths(dir.path);
  await ensureStateDir(paths);
});
afterEach(async () => dir.cleanup());

async function spoolWith(n: number): Promise<Spool> {
  const s = await Spool.open(paths, { gapMarker: marker });
  for (let i = 0; i < n; i++) await attest({ key, spool: s, device: DEVICE, role: 'workstation', results: [], collectedAt: new Date().toISOString() });
  return s;
}

describe('spool repair on open', () => {
  it('sets a torn newest entry aside with a log line and continues the chain from the entry before it', async () => {
    await spoolWith(3);
    const intact = sha256(readFile(2));
    // A torn write of sequence 3 (what a power cut on a reordering filesystem could leave), head still at 3.
    writeFileSync(join(paths.spool, name(3)), readFile(3).slice(0, 40));
    const lines: string[] = [];
    const s = await Spool.open(paths, { gapMarker: marker, log: (l) => lines.push(l) });
    expect(await s.pendingSeqs()).toEqual([1, 2]);
    expect(s.chainHead()).toEqual({ lastSeq: 2, lastHash: intact });
    expect(lines.join('\n')).toMatch(/spool: entry 3 is damaged \(unreadable .*\); moved to .*corrupt, not sent/);
    expect(readdirSync(join(paths.spool, 'corrupt'))).toHaveLength(1);
    const { seq } = await attest({ key, spool: s, device: DEVICE, role: 'workstation', results: [], collectedAt: new Date().toISOString() });
    expect(seq).toBe(3);
  });

  it('sets aside an entry holding another sequence than its name', async () => {
    await spoolWith(2);
    writeFileSync(join(paths.spool, name(3)), readFile(1));
    const lines: string[] = [];
    const s = await Spool.open(paths, { gapMarker: marker, log: (l) => lines.push(l) });
    expect(await s.pendingSeqs()).toEqual([1, 2]);
    expect(s.chainHead().lastSeq).toBe(2);
    expect(lines.join('\n')).toMatch(/entry 3 is damaged \(holds sequence 1\)/);
  });

  it('removes tmp files left by a dead agent, keeps those of a live one', async () => {
    await spoolWith(1);
    const dead = join(paths.spool, `${name(2)}.tmp-999999999`);
    const mine = join(paths.root, `chain.json.tmp-${process.pid}`);
    writeFileSync(dead, '{"half');
    writeFileSync(mine, '{}');
    const lines: string[] = [];
    await Spool.open(paths, { gapMarker: marker, log: (l) => lines.push(l) });
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(mine)).toBe(true);
    expect(lines.join('\n')).toMatch(/removed 000000000002\.json\.tmp-999999999/);
  });

  it('repairs nothing when opened only to look (no gap marker)', async () => {
    await spoolWith(2);
    writeFileSync(join(paths.spool, name(2)), 'garbage');
    await Spool.open(paths);
    expect(readdirSync(paths.spool).filter((n) => n.endsWith('.json'))).toEqual([name(1), name(2)]);
  });
});

function readFile(seq: number): string {
  return readFileSync(join(paths.spool, name(seq)), 'utf8');
}
