import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED_COMMANDS, isAllowedCommand, programName } from '../../agent/allowlist.js';
import { checksFor } from '../../agent/checks/registry.js';
import type { FileReader } from '../../agent/checks/types.js';
import { nodeFiles } from '../../agent/files.js';
import { createRunner, type CommandRunner } from '../../agent/runner.js';
import { VigilError } from '../../protocol/errors.js';

/** Runs every check of a platform with a runner that records each command and answers with `stdout`. */
async function commandsOf(platform: string, files: FileReader, stdout: string): Promise<string[][]> {
  const seen: string[][] = [];
  const run: CommandRunner = async (file, args) => {
    seen.push([file, ...args]);
    return { source: file, stdout, stderr: '', exitCode: 0, durationMs: 1 };
  };
  for (const check of checksFor(platform)) await check.collect({ run, files, now: () => Date.now() }).catch(() => undefined);
  return seen;
}

const nothing: FileReader = { readText: async () => null, mtimeMs: async () => null, exists: async () => false };
const everything: FileReader = {
  readText: async () => 'ID=debian\nVERSION_ID=12\nuser:x:1000:1000::/home/user:/bin/bash\n',
  mtimeMs: async () => Date.now(),
  exists: async () => true,
};

describe('allowlist of read-only commands', () => {
  for (const platform of ['linux', 'darwin', 'win32']) {
    it(`allows every command the ${platform} checks issue (nothing found, everything found)`, async () => {
      const all = [...(await commandsOf(platform, nothing, '')), ...(await commandsOf(platform, everything, '{}'))];
      expect(all.length).toBeGreaterThan(10);
      expect(all.filter(([file, ...args]) => !isAllowedCommand(file!, args)).map((c) => c.join(' ').slice(0, 200))).toEqual([]);
    });
  }

  it('allows every command the Linux checks run on this machine, through the enforcing runner', async () => {
    const refused: string[] = [];
    const real = createRunner();
    const run: CommandRunner = async (file, args, opts) => {
      try {
        return await real(file, args, opts);
      } catch (err) {
        if (err instanceof VigilError && err.code === 'E_COMMAND_REFUSED') refused.push([file, ...args].join(' '));
        throw err;
      }
    };
    for (const check of checksFor('linux')) await check.collect({ run, files: nodeFiles, now: () => Date.now() });
    expect(refused).toEqual([]);
  }, 120_000);

  it('names every program the check sources mention', async () => {
    // Branches the runs above do not reach still name their program in the source: run('x', …) or an
    // argv constant ['x', …].
    const root = new URL('../../agent/checks/', import.meta.url).pathname;
    const programs = new Set<string>();
    for (const dir of await readdir(root, { recursive: true })) {
      if (!dir.endsWith('.ts') || /(^|\/)parse-/.test(dir)) continue;
      const src = await readFile(join(root, dir), 'utf8');
      for (const m of src.matchAll(/\brun\(\s*'([^']+)'/g)) programs.add(programName(m[1]!));
      for (const m of src.matchAll(/ARGV(?:: [^=]+)? = \[\s*'([^']+)'/g)) programs.add(programName(m[1]!));
    }
    expect(programs.size).toBeGreaterThan(40);
    expect([...programs].filter((p) => !(p in ALLOWED_COMMANDS))).toEqual([]);
  });

  it('refuses anything else with E_COMMAND_REFUSED, before starting a process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-allow-'));
    const marker = join(dir, 'touched');
    const run = createRunner();
    const refused: string[][] = [
      ['touch', marker],
      ['sh', '-c', `touch ${marker}`],
      ['rm', '-rf', dir],
      ['systemctl', 'stop', 'ssh.service'],
      ['iptables', '-F'],
      ['iptables', '-A', 'INPUT', '-j', 'DROP'],
      ['nft', 'flush', 'ruleset'],
      ['find', dir, '-delete'],
      ['find', dir, '-exec', 'touch', marker, ';'],
      ['apt-get', 'upgrade'],
      ['modprobe', 'usb-storage'],
      ['ufw', 'enable'],
      ['nmap', '-sn', '10.0.0.0/24'],
      ['ping', '-c', '1', '10.0.0.1'],
      ['runuser', '-u', 'nobody', '--', 'touch', marker],
      ['env', 'A=1', 'touch', marker],
      ['launchctl', 'asuser', '501', 'sudo', '-u', 'x', 'rm', '-rf', '/'],
      ['launchctl', 'unload', '/Library/LaunchDaemons/x.plist'],
      ['powershell.exe', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', 'Stop-Service WinDefend'],
      ['powershell.exe', '-NoProfile', '-Command', 'Get-Service; Set-MpPreference -DisableRealtimeMonitoring $true'],
      ['powershell.exe', '-NoProfile', '-Command', "iex 'Remove-Item C:\\x'"],
      ['powershell.exe', '-NoProfile', '-Command', 'Invoke-CimMethod -InputObject $v -MethodName Decrypt'],
      ['net', 'localgroup', 'Administrators', 'eve', '/add'],
      ['netsh', 'advfirewall', 'set', 'allprofiles', 'state', 'off'],
      ['wmic', 'process', 'call', 'create', 'calc.exe'],
      ['defaults', 'write', 'com.apple.screensaver', 'idleTime', '0'],
      ['sysctl', '-w', 'kernel.x=1'],
      ['nvram', 'boot-args=-v'],
    ];
    try {
      for (const [file, ...args] of refused) {
        const err = await run(file!, args).then(() => null, (e: unknown) => e);
        expect(err, [file, ...args].join(' ')).toBeInstanceOf(VigilError);
        expect((err as VigilError).code).toBe('E_COMMAND_REFUSED');
      }
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(dir)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs at most maxConcurrent commands at a time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-conc-'));
    // Each command registers itself in dir, reports how many are registered, waits, and leaves.
    const script = `touch "$1/$$"; ls "$1" | wc -l; sleep 0.3; rm "$1/$$"`;
    const run = createRunner({ maxConcurrent: 2, unrestricted: true });
    try {
      const results = await Promise.all(Array.from({ length: 6 }, () => run('sh', ['-c', script, 'x', dir])));
      const counts = results.map((r) => Number(r.stdout.trim()));
      expect(Math.max(...counts)).toBeLessThanOrEqual(2);
      expect(results.every((r) => r.exitCode === 0)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
