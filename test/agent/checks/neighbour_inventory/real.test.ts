// The neighbour inventory for real: a fresh network namespace with a veth pair, neighbour entries added
// with `ip neigh add … nud permanent|stale`, and the agent's own Linux collect() run inside it through a
// runner that prefixes `ip netns exec NAME`. Needs root and iproute2.
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import check from '../../../../agent/checks/neighbour_inventory/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner, type CommandRunner } from '../../../../agent/runner.js';
import { evaluateResult } from '../../../../protocol/checks/index.js';
import { schemaErrors, sh } from '../fakes.js';

const inNetns = (ns: string, base: CommandRunner = createRunner()): CommandRunner => (file, args, opts) => base('ip', ['netns', 'exec', ns, file, ...args], opts);

const namespaces: string[] = [];
afterEach(() => {
  for (const ns of namespaces.splice(0)) sh('ip', ['netns', 'delete', ns]);
});

function gatewayNetns(): string {
  const ns = `vigil-nb-${randomBytes(4).toString('hex')}`;
  sh('ip', ['netns', 'add', ns]);
  namespaces.push(ns);
  const ip = (...a: string[]) => sh('ip', ['netns', 'exec', ns, 'ip', ...a]);
  ip('link', 'add', 'gw0', 'type', 'veth', 'peer', 'name', 'dev0');
  ip('addr', 'add', '10.20.0.1/24', 'dev', 'gw0');
  ip('link', 'set', 'gw0', 'up');
  ip('link', 'set', 'dev0', 'up');
  return ns;
}

const collectIn = (ns: string) => check.collect({ run: inNetns(ns), files: nodeFiles, now: () => Date.now() });

describe('neighbour inventory in a network namespace (real ip neigh)', () => {
  it('reports the static and stale entries on the device-side interface; the verdict is pass (evidence)', async () => {
    const ns = gatewayNetns();
    sh('ip', ['netns', 'exec', ns, 'ip', 'neigh', 'add', '10.20.0.11', 'lladdr', '00:09:02:12:34:56', 'dev', 'gw0', 'nud', 'permanent']);
    sh('ip', ['netns', 'exec', ns, 'ip', 'neigh', 'add', '10.20.0.12', 'lladdr', '00:1b:63:aa:bb:cc', 'dev', 'gw0', 'nud', 'stale']);
    const c = await collectIn(ns);
    expect(schemaErrors('neighbour_inventory', c.facts)).toEqual([]);
    expect(c.facts!.source).toBe('ip -j neigh');
    expect(c.facts!.neighbours).toEqual([
      { ip: '10.20.0.11', mac: '00:09:02:12:34:56', state: 'permanent', interface: 'gw0', seenIn: 'neighbours' },
      { ip: '10.20.0.12', mac: '00:1b:63:aa:bb:cc', state: 'stale', interface: 'gw0', seenIn: 'neighbours' },
    ]);
    const v = evaluateResult({ id: 'neighbour_inventory', status: 'unknown', facts: c.facts }, undefined, { collectedAt: new Date().toISOString(), role: 'gateway' });
    expect(v).toEqual({ status: 'pass', reason: '2 device(s) seen' });
  });

  it('a device removed from the table is gone from the next collection', async () => {
    const ns = gatewayNetns();
    sh('ip', ['netns', 'exec', ns, 'ip', 'neigh', 'add', '10.20.0.11', 'lladdr', '00:09:02:12:34:56', 'dev', 'gw0', 'nud', 'permanent']);
    expect((await collectIn(ns)).facts!.neighbours).toHaveLength(1);
    sh('ip', ['netns', 'exec', ns, 'ip', 'neigh', 'del', '10.20.0.11', 'dev', 'gw0']);
    expect((await collectIn(ns)).facts!.neighbours).toEqual([]);
  });
}, 60_000);
