// Network partition between a real agent and the collector. The agent runs in its own network namespace
// behind a veth pair (needs root, iproute2, nftables); mid-stream, nftables in the namespace silently drops
// its established connection and refuses new ones. The agent must notice the dead session (keepalive),
// back off between attempts (spacing grows, capped at connection.maxBackoff), and once the partition heals
// deliver everything it spooled meanwhile: 0 lost, 0 duplicated, no tamper event.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AGENT_CLI, CollectorProc, OutcomeBuilder, compareWithHead, freePort, keyDigestOf, runNode, sleep, startNode, storedRows, expectNoTamper, tempDir, until, type FaultOutcome } from './harness.js';

const sh = (cmd: string, args: string[], input?: string) => execFileSync(cmd, args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();

export interface PartitionOptions {
  name?: string;
  partitions: number;
  partitionMs: number;
  /** Backoff ceiling given to the agent (connection.maxBackoff). */
  maxBackoffMs: number;
  keepaliveMs: number;
}

export async function partition(opts: PartitionOptions): Promise<FaultOutcome> {
  const out = new OutcomeBuilder(opts.name ?? 'network-partition', `agent in a network namespace partitioned ×${opts.partitions} for ${Math.round(opts.partitionMs / 1000)} s (nftables drop + reject)`);
  const id = randomBytes(3).toString('hex');
  const ns = `vigil-pt-${id}`;
  const hostIf = `vph${id}`;
  const nsIf = `vpa${id}`;
  const octet = 16 + (parseInt(id, 16) % 200);
  const hostIp = `10.232.${octet}.1`;
  const nsIp = `10.232.${octet}.2`;
  const inNs = ['ip', 'netns', 'exec', ns];
  const table = `vigilfault${id}`;
  sh('ip', ['netns', 'add', ns]);
  const dir = await tempDir('vigil-fault-pt-');
  let collector: CollectorProc | null = null;
  try {
    sh('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    sh('ip', ['link', 'set', nsIf, 'netns', ns]);
    sh('ip', ['addr', 'add', `${hostIp}/30`, 'dev', hostIf]);
    sh('ip', ['link', 'set', hostIf, 'up']);
    sh('ip', ['netns', 'exec', ns, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', nsIf]);
    sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up']);
    sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);

    const port = await freePort();
    collector = await CollectorProc.init(join(dir.path, 'collector'), { host: hostIp, port });
    await collector.start();
    const state = join(dir.path, 'agent');
    const enrolled = await runNode(AGENT_CLI, ['enroll', await collector.token(1), '--state', state], { prefix: inNs });
    if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.stderr}`);
    const deviceId = /enrolled as (dev_[0-9a-f]{32})/.exec(enrolled.stdout)![1]!;
    const env = {
      VIGIL_AGENT_KEEPALIVE: `${Math.round(opts.keepaliveMs / 1000)}s`,
      VIGIL_AGENT_MAX_BACKOFF: `${Math.round(opts.maxBackoffMs / 1000)}s`,
      VIGIL_AGENT_CHECK_TIMEOUT: '1s',
      VIGIL_AGENT_CHECK_CONCURRENCY: '8',
      VIGIL_AGENT_COMMAND_TIMEOUT: '1s',
      VIGIL_AGENT_COMMAND_CONCURRENCY: '8',
    };
    const db = await collector.openDb();
    const agent = startNode(AGENT_CLI, ['run', '--state', state, '--interval', '1s'], { env, prefix: inNs });
    const episodes: { detectedMs: number | null; delaysS: number[]; attempts: number; resumedMs: number | null; spooledAtHeal: number }[] = [];
    try {
      const stored = async () => (await storedRows(db, deviceId)).length;
      await until(async () => (await stored()) >= 1, 60_000, 'attestations before the partition').catch((err: Error) => {
        throw new Error(`${err.message}\n${agent.output().slice(-2000)}\n${collector!.current?.output().slice(-2000)}`);
      });
      for (let p = 0; p < opts.partitions; p++) {
        const mark = agent.output().length;
        const t0 = Date.now();
        // Established traffic to the collector vanishes; new connections are refused at once (an RST),
        // so the spacing of attempts is the agent's backoff and nothing else.
        // Silent loss on the wire: the collector's side of the veth drops everything both ways (a table
        // of its own, bound to this veth only) ...
        sh('nft', ['-f', '-'], [`table inet ${table} {`, '  chain input {', '    type filter hook input priority filter; policy accept;', `    iifname "${hostIf}" drop`, '  }', '  chain output {', '    type filter hook output priority filter; policy accept;', `    oifname "${hostIf}" drop`, '  }', '}'].join('\n'));
        // ... and new connections are refused inside the namespace at once.
        sh('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], [
          `table inet ${table} {`,
          '  chain output {',
          '    type filter hook output priority filter; policy accept;',
          `    ip daddr ${hostIp} tcp dport ${port} tcp flags & (syn | ack) == syn reject with tcp reset`,
          '  }',
          '}',
        ].join('\n'));
        const detected = await agent.waitFor(/disconnected: E_CONNECT no reply[^\n]*/, opts.keepaliveMs * 3 + 5000, mark).then(() => Date.now() - t0).catch(() => null);
        if (detected === null) out.details.agentLog = agent.output().slice(mark).slice(-1500);
        out.expect(detected !== null, `partition ${p}: the agent did not notice the dead session within ${opts.keepaliveMs * 3 + 5000} ms`);
        await sleep(Math.max(0, opts.partitionMs - (Date.now() - t0)));
        const during = agent.output().slice(mark);
        const delaysS = [...during.matchAll(/reconnecting in ([\d.]+) s/g)].map((m) => Number(m[1]));
        const attempts = (during.match(/connect failed:/g) ?? []).length;
        const spooledAtHeal = Number(/"spoolDepth": (\d+)/.exec((await runNode(AGENT_CLI, ['status', '--json', '--state', state])).stdout)?.[1] ?? 0);
        const before = await stored();
        sh('ip', ['netns', 'exec', ns, 'nft', 'delete', 'table', 'inet', table]);
        sh('nft', ['delete', 'table', 'inet', table]);
        const healedAt = Date.now();
        const resumed = await until(async () => (await stored()) > before + Math.max(1, spooledAtHeal - 1), opts.maxBackoffMs + 20_000, 'delivery after the partition healed')
          .then(() => Date.now() - healedAt)
          .catch(() => null);
        out.expect(resumed !== null, `partition ${p}: spooled attestations not delivered after healing:\n${agent.output().slice(-1500)}`);
        episodes.push({ detectedMs: detected, delaysS, attempts, resumedMs: resumed, spooledAtHeal });
        // Backoff: first wait within the base second, later ones grow past it, none above the ceiling.
        out.expect(delaysS.length >= 3, `partition ${p}: only ${delaysS.length} reconnect attempt(s) logged`);
        out.expect(delaysS.every((d) => d <= opts.maxBackoffMs / 1000 + 0.05), `partition ${p}: a wait above the ${opts.maxBackoffMs / 1000} s ceiling: ${delaysS.join(', ')}`);
        out.expect((delaysS[0] ?? 0) <= 1.05, `partition ${p}: first wait ${delaysS[0]} s is above the 1 s base`);
        out.expect(Math.max(...delaysS.slice(2)) > 1, `partition ${p}: waits did not grow: ${delaysS.join(', ')}`);
        if (p + 1 < opts.partitions) await sleep(2000);
      }
    } finally {
      agent.proc.kill('SIGTERM');
      await agent.exited;
    }
    const once = await runNode(AGENT_CLI, ['run', '--once', '--state', state, '--timeout', '60s'], { env, prefix: inNs });
    out.expect(once.code === 0, `run --once after the partitions: ${once.stderr.slice(-800)}`);
    try {
      out.add(await compareWithHead(db, deviceId, state, await keyDigestOf(state)));
      out.details.tamperEvents = await expectNoTamper(out, db);
    } finally {
      await db.close();
      await collector!.kill('SIGTERM');
    }
    out.details.episodes = episodes;
    out.details.maxBackoffS = opts.maxBackoffMs / 1000;
    out.details.keepaliveS = opts.keepaliveMs / 1000;
    return out.done();
  } finally {
    await collector?.kill('SIGKILL');
    try {
      sh('nft', ['delete', 'table', 'inet', table]);
    } catch {
      /* not there */
    }
    try {
      sh('ip', ['link', 'delete', hostIf]);
    } catch {
      /* removed with the namespace */
    }
    sh('ip', ['netns', 'delete', ns]);
    await dir.cleanup();
  }
}
