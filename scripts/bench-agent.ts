// npm run bench:agent [-- --seconds 60 --interval 10 --json]: the real agent daemon (`vigil-agent run`)
// against a real collector on loopback, measured from outside through /proc: wall time of each full
// check cycle, CPU per cycle (the agent's own and the commands it ran), steady RSS between cycles and
// peak RSS.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { initDataDir, startCollector } from '../collector/server.js';
import { formatEnrolmentString } from '../protocol/enrolment-string.js';
import { renderTable } from '../protocol/table.js';

const run = promisify(execFile);
const json = process.argv.includes('--json');
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = arg('--seconds', 45);
const INTERVAL = arg('--interval', 10);
const agentCli = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'agent', 'bin.js');
const TICK = 100; // clock ticks per second of /proc/<pid>/stat on Linux

interface Sample {
  t: number;
  rssKb: number;
  hwmKb: number;
  cpuTicks: number;
  childTicks: number;
}

function sample(pid: number, t: number): Sample | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      t,
      rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]),
      hwmKb: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]),
      cpuTicks: Number(f[11]) + Number(f[12]),
      childTicks: Number(f[13]) + Number(f[14]),
    };
  } catch {
    return null;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-agent-'));
  const collector = await (async () => {
    await initDataDir(join(dir, 'collector'), { host: '127.0.0.1', port: 0 });
    return startCollector(join(dir, 'collector'));
  })();
  try {
    const t = await collector.services.enrolment.createToken({ role: 'workstation', expiresInMs: 60_000, maxUses: 1, actor: 'bench' });
    const state = join(dir, 'agent');
    await run(process.execPath, [agentCli, 'enroll', formatEnrolmentString({ url: collector.url, token: t.token, caSha256: collector.caSha256 }), '--state', state]);
    if (!json) console.error(`running vigil-agent for ${SECONDS} s, a cycle every ${INTERVAL} s…`);
    const started = performance.now();
    const child = spawn(process.execPath, [agentCli, 'run', '--state', state, '--interval', `${INTERVAL}s`], { stdio: ['ignore', 'ignore', 'pipe'] });
    const cycles: { at: number; ms: number }[] = [];
    let log = '';
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      for (const m of d.toString().matchAll(/cycle \d+ done in (\d+) ms/g)) cycles.push({ at: performance.now() - started, ms: Number(m[1]) });
    });
    const samples: Sample[] = [];
    const timer = setInterval(() => {
      const s = sample(child.pid!, performance.now() - started);
      if (s) samples.push(s);
    }, 100);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    clearInterval(timer);
    const last = samples.at(-1)!;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (!cycles.length) throw new Error(`no cycle completed:\n${log}`);
    // Idle samples: at least 1 s after a cycle ended and before the next one starts.
    const busy = cycles.map((c) => [c.at - c.ms - 200, c.at + 1000] as const);
    const idle = samples.filter((s) => s.t > cycles[0]!.at + 1000 && !busy.some(([a, b]) => s.t >= a && s.t <= b));
    const out = {
      seconds: SECONDS,
      intervalSeconds: INTERVAL,
      cycles: cycles.length,
      cycleWallMsMedian: median(cycles.map((c) => c.ms)),
      cycleWallMsMax: Math.max(...cycles.map((c) => c.ms)),
      agentCpuMsPerCycle: Math.round(((last.cpuTicks / TICK) * 1000) / cycles.length),
      commandsCpuMsPerCycle: Math.round(((last.childTicks / TICK) * 1000) / cycles.length),
      steadyRssMb: Number((median(idle.map((s) => s.rssKb)) / 1024).toFixed(1)),
      peakRssMb: Number((last.hwmKb / 1024).toFixed(1)),
    };
    if (json) {
      console.log(JSON.stringify(out));
      return;
    }
    console.log(
      renderTable(
        ['MEASURE', 'VALUE', 'TARGET'],
        [
          ['cycles completed', out.cycles, ''],
          ['full cycle wall, median (ms)', out.cycleWallMsMedian, '≤ 1000'],
          ['full cycle wall, max (ms)', out.cycleWallMsMax, ''],
          ['agent CPU per cycle (ms; includes start-up, amortised)', out.agentCpuMsPerCycle, ''],
          ['commands CPU per cycle (ms)', out.commandsCpuMsPerCycle, ''],
          ['steady RSS between cycles (MB)', out.steadyRssMb, '≤ 60'],
          ['peak RSS (MB)', out.peakRssMb, ''],
        ],
      ),
    );
  } finally {
    await collector.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
