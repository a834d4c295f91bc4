// npm run bench:agent [-- --seconds 600 --interval 300 --short --binary FILE --warm --json]: the real agent daemon
// (`vigil-agent run`) against a real collector on loopback, measured from outside through /proc: wall
// time of each full check cycle, CPU per cycle (the agent's own and the commands it ran), steady RSS and
// CPU while idle between cycles, peak RSS. Also: the size of each built binary (build/agent/manifest.json,
// from npm run build:agent) and cold start (`vigil-agent --version`, median of 5).
//
// Defaults: 10 minutes at the 5-minute cadence (the real figure); --short: 45 s, a cycle every 10 s.
// The agent runs as the single executable when one has been built (or --binary FILE), else (or with
// --node) under node.
//
// RSS counts the pages of the executable that the process has mapped (Node's code and read-only data),
// and how many the kernel maps on each fault depends on the page cache: a binary just written (built or
// installed) sits in the cache in large folios, and a fault maps the whole folio, so the same agent shows
// 67-83 MB right after the build against 55 MB when the binary is read from disk, as at boot (file pages
// 50-66 MB against 38 MB; private 16.5 MB either way). The bench therefore drops the binary's cached pages
// before it starts (`dd iflag=nocache`, posix_fadvise DONTNEED on that one file; --warm keeps them) and
// prints which state it measured. The private figure, without file pages, is the part the agent's code
// decides.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
const SHORT = process.argv.includes('--short');
const SECONDS = arg('--seconds', SHORT ? 45 : 600);
const INTERVAL = arg('--interval', SHORT ? 10 : 300);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const agentCli = join(root, 'dist', 'agent', 'bin.js');
const binaryArg = process.argv.indexOf('--binary');
const defaultBinary = join(root, 'build', 'agent', 'vigil-agent-linux-x64');
const BINARY = process.argv.includes('--node') ? null : binaryArg > 0 ? resolve(process.argv[binaryArg + 1]!) : existsSync(defaultBinary) ? defaultBinary : null;
/** argv to start the agent: the single executable, or node with the compiled entry point. */
const agentArgv = (args: string[]): [string, string[]] => (BINARY ? [BINARY, args] : [process.execPath, [agentCli, ...args]]);
const WARM = process.argv.includes('--warm');

/** Drops one file's pages from the page cache, as after a reboot; false when dd cannot (the state is then as found). */
async function evictFromPageCache(file: string): Promise<boolean> {
  try {
    await run('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
    return true;
  } catch {
    return false;
  }
}

async function coldStartMs(file: string, args: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await run(file, args);
    times.push(performance.now() - t);
  }
  return Math.round(median(times));
}

interface BinarySize {
  target: string;
  mb: number;
}
function builtBinaries(): { version: string; sizes: BinarySize[] } | null {
  try {
    const m = JSON.parse(readFileSync(join(root, 'build', 'agent', 'manifest.json'), 'utf8')) as { version: string; binaries: { target: string; bytes: number }[] };
    return { version: m.version, sizes: m.binaries.map((b) => ({ target: b.target, mb: Number((b.bytes / 1048576).toFixed(1)) })) };
  } catch {
    return null;
  }
}
const TICK = 100; // clock ticks per second of /proc/<pid>/stat on Linux

interface Sample {
  t: number;
  rssKb: number;
  /** Private (anonymous) resident memory: RSS without the executable's file pages, which the page cache shares. */
  anonKb: number;
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
      anonKb: Number(/RssAnon:\s+(\d+)/.exec(status)?.[1]),
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
    const [file, enrolArgs] = agentArgv(['enroll', formatEnrolmentString({ url: collector.url, token: t.token, caSha256: collector.caSha256 }), '--state', state]);
    await run(file, enrolArgs);
    const evicted = BINARY && !WARM ? await evictFromPageCache(BINARY) : false;
    const coldSea = BINARY ? await coldStartMs(BINARY, ['--version']) : null;
    const coldNode = await coldStartMs(process.execPath, [agentCli, '--version']);
    if (!json) console.error(`running ${BINARY ?? 'node dist/agent/bin.js'} for ${SECONDS} s, a cycle every ${INTERVAL} s…`);
    const started = performance.now();
    const [runFile, runArgs] = agentArgv(['run', '--state', state, '--interval', `${INTERVAL}s`]);
    const child = spawn(runFile, runArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
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
    // Idle CPU: ticks spent across consecutive idle samples over the time they span.
    let idleTicks = 0;
    let idleMs = 0;
    for (let i = 1; i < idle.length; i++) {
      const a = idle[i - 1]!;
      const b = idle[i]!;
      if (b.t - a.t > 250) continue; // not consecutive: a cycle lies between them
      idleTicks += b.cpuTicks - a.cpuTicks;
      idleMs += b.t - a.t;
    }
    const built = builtBinaries();
    const out = {
      binary: BINARY ? 'single executable' : 'node dist/agent/bin.js',
      binaryPageCache: evicted ? 'read from disk at start (as at boot)' : 'as found',
      binarySizesMb: built?.sizes ?? [],
      coldStartMsSingleExecutable: coldSea,
      coldStartMsNode: coldNode,
      idleCpuPercent: idleMs > 0 ? Number((((idleTicks / TICK) * 1000 * 100) / idleMs).toFixed(3)) : null,
      idleSeconds: Math.round(idleMs / 1000),
      totalCpuPercent: Number((((last.cpuTicks / TICK) * 1000 * 100) / last.t).toFixed(3)),
      seconds: SECONDS,
      intervalSeconds: INTERVAL,
      cycles: cycles.length,
      cycleWallMsMedian: median(cycles.map((c) => c.ms)),
      cycleWallMsMax: Math.max(...cycles.map((c) => c.ms)),
      agentCpuMsPerCycle: Math.round(((last.cpuTicks / TICK) * 1000) / cycles.length),
      commandsCpuMsPerCycle: Math.round(((last.childTicks / TICK) * 1000) / cycles.length),
      steadyRssMb: Number((median(idle.map((s) => s.rssKb)) / 1024).toFixed(1)),
      steadyPrivateRssMb: Number((median(idle.map((s) => s.anonKb)) / 1024).toFixed(1)),
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
          ...out.binarySizesMb.map((b) => [`binary size ${b.target} (MB)`, b.mb, '']),
          ['cold start, single executable --version (ms, median of 5)', out.coldStartMsSingleExecutable ?? 'not built', ''],
          ['cold start, node dist/agent/bin.js --version (ms)', out.coldStartMsNode, ''],
          ['agent measured', out.binary, ''],
          ['executable pages at start', out.binaryPageCache, ''],
          ['cycles completed', out.cycles, ''],
          ['full cycle wall, median (ms)', out.cycleWallMsMedian, '≤ 1000'],
          ['full cycle wall, max (ms)', out.cycleWallMsMax, ''],
          ['agent CPU per cycle (ms; includes start-up, amortised)', out.agentCpuMsPerCycle, ''],
          ['commands CPU per cycle (ms)', out.commandsCpuMsPerCycle, ''],
          ['steady RSS between cycles (MB)', out.steadyRssMb, '≤ 60'],
          ['  of which private, without file pages (MB)', out.steadyPrivateRssMb, ''],
          [`agent CPU while idle between cycles (%, over ${out.idleSeconds} s)`, out.idleCpuPercent, ''],
          [`agent CPU over the whole run (%, ${SECONDS} s incl. cycles)`, out.totalCpuPercent, ''],
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
