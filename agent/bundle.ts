// Support bundles. `vigil-agent capture --out DIR` records every command a check cycle ran (argv, exit
// code, stdout, stderr) and every file it read; `vigil-agent check --replay DIR --platform P` runs the
// real check code for platform P against such a bundle anywhere. Layout:
//   DIR/bundle.json        { version, platform, createdAt, agentVersion, commands[], files[] }
//   DIR/commands/NNNN.out  stdout, DIR/commands/NNNN.err stderr, DIR/files/NNNN file contents
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { makeParser } from '../protocol/validate.js';
import { VigilError } from '../protocol/errors.js';
import type { CollectDeps, FileReader } from './checks/types.js';
import type { CommandResult, CommandRunner } from './runner.js';

const BundleManifest = Type.Object({
  version: Type.Literal(1),
  platform: Type.Union([Type.Literal('linux'), Type.Literal('darwin'), Type.Literal('win32')]),
  createdAt: Type.String(),
  agentVersion: Type.String(),
  commands: Type.Array(
    Type.Object({
      argv: Type.Array(Type.String(), { minItems: 1 }),
      exitCode: Type.Union([Type.Integer(), Type.Null()]),
      failure: Type.Optional(Type.Union([Type.Literal('not-found'), Type.Literal('timeout'), Type.Literal('output-cap'), Type.Literal('permission'), Type.Literal('spawn')])),
      stdout: Type.String(),
      stderr: Type.String(),
      durationMs: Type.Optional(Type.Number()),
    }),
  ),
  files: Type.Array(Type.Object({ path: Type.String(), content: Type.Union([Type.String(), Type.Null()]), mtimeMs: Type.Union([Type.Number(), Type.Null()]) })),
});
export type BundleManifest = Static<typeof BundleManifest>;
export type BundlePlatform = BundleManifest['platform'];
const parseManifest = makeParser(BundleManifest, 'E_BAD_REQUEST', 'bundle.json');

export interface RecordedCommand {
  argv: string[];
  exitCode: number | null;
  failure?: CommandResult['failure'];
  stdout: string;
  stderr: string;
  durationMs?: number;
}

export interface RecordedFile {
  path: string;
  /** null: the file did not exist or could not be read. */
  content: string | null;
  mtimeMs: number | null;
}

export interface BundleContent {
  platform: BundlePlatform;
  createdAt: string;
  agentVersion: string;
  commands: RecordedCommand[];
  files: RecordedFile[];
}

const key = (argv: readonly string[]) => JSON.stringify(argv);

export async function writeBundle(dir: string, b: BundleContent): Promise<void> {
  await mkdir(join(dir, 'commands'), { recursive: true });
  await mkdir(join(dir, 'files'), { recursive: true });
  const manifest: BundleManifest = { version: 1, platform: b.platform, createdAt: b.createdAt, agentVersion: b.agentVersion, commands: [], files: [] };
  let i = 0;
  for (const c of b.commands) {
    const n = String(++i).padStart(4, '0');
    await writeFile(join(dir, 'commands', `${n}.out`), c.stdout);
    await writeFile(join(dir, 'commands', `${n}.err`), c.stderr);
    const entry: BundleManifest['commands'][number] = { argv: c.argv, exitCode: c.exitCode, stdout: `commands/${n}.out`, stderr: `commands/${n}.err` };
    if (c.failure) entry.failure = c.failure;
    if (c.durationMs !== undefined) entry.durationMs = c.durationMs;
    manifest.commands.push(entry);
  }
  i = 0;
  for (const f of b.files) {
    const n = String(++i).padStart(4, '0');
    if (f.content !== null) await writeFile(join(dir, 'files', n), f.content);
    manifest.files.push({ path: f.path, content: f.content === null ? null : `files/${n}`, mtimeMs: f.mtimeMs });
  }
  await writeFile(join(dir, 'bundle.json'), JSON.stringify(manifest, null, 2) + '\n');
}

export async function readBundle(dir: string): Promise<BundleContent> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'bundle.json'), 'utf8'));
  } catch (err) {
    throw new VigilError('E_BAD_REQUEST', `${join(dir, 'bundle.json')} is missing or not JSON: ${(err as Error).message}`);
  }
  const m = parseManifest(raw);
  const safe = (rel: string) => {
    if (rel.includes('..') || rel.startsWith('/')) throw new VigilError('E_BAD_REQUEST', `bundle path ${rel} escapes the bundle`);
    return readFile(join(dir, rel), 'utf8');
  };
  const commands: RecordedCommand[] = [];
  for (const c of m.commands) {
    const r: RecordedCommand = { argv: c.argv, exitCode: c.exitCode, stdout: await safe(c.stdout), stderr: await safe(c.stderr) };
    if (c.failure) r.failure = c.failure;
    if (c.durationMs !== undefined) r.durationMs = c.durationMs;
    commands.push(r);
  }
  const files: RecordedFile[] = [];
  for (const f of m.files) files.push({ path: f.path, content: f.content === null ? null : await safe(f.content), mtimeMs: f.mtimeMs });
  return { platform: m.platform, createdAt: m.createdAt, agentVersion: m.agentVersion, commands, files };
}

/** Collect deps that answer from a bundle: commands by exact argv, files by path, time = capture time. */
export function replayDeps(b: BundleContent): CollectDeps {
  const commands = new Map(b.commands.map((c) => [key(c.argv), c]));
  const files = new Map(b.files.map((f) => [f.path, f]));
  const run: CommandRunner = async (file, args) => {
    const argv = [file, ...args];
    const c = commands.get(key(argv));
    if (!c) return { source: argv.join(' '), stdout: '', stderr: 'command not recorded in the bundle', exitCode: null, failure: 'not-found', durationMs: 0 };
    const r: CommandResult = { source: argv.join(' '), stdout: c.stdout, stderr: c.stderr, exitCode: c.exitCode, durationMs: c.durationMs ?? 0 };
    if (c.failure) r.failure = c.failure;
    return r;
  };
  const reader: FileReader = {
    async readText(path, maxBytes = 1024 * 1024) {
      const f = files.get(path);
      return f?.content == null ? null : f.content.slice(0, maxBytes);
    },
    async mtimeMs(path) {
      return files.get(path)?.mtimeMs ?? null;
    },
    async exists(path) {
      const f = files.get(path);
      return f !== undefined && (f.content !== null || f.mtimeMs !== null);
    },
  };
  const at = Date.parse(b.createdAt);
  return { run, files: reader, now: () => at };
}

/** Wraps real deps so that everything they run and read is recorded for a bundle. */
export function recordingDeps(deps: CollectDeps): { deps: CollectDeps; commands: RecordedCommand[]; files: RecordedFile[] } {
  const commands: RecordedCommand[] = [];
  const files = new Map<string, RecordedFile>();
  const touch = (path: string) => files.get(path) ?? { path, content: null, mtimeMs: null };
  return {
    commands,
    get files() {
      return [...files.values()];
    },
    deps: {
      now: deps.now,
      async run(file, args, opts) {
        const r = await deps.run(file, args, opts);
        const c: RecordedCommand = { argv: [file, ...args], exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, durationMs: r.durationMs };
        if (r.failure) c.failure = r.failure;
        commands.push(c);
        return r;
      },
      files: {
        async readText(path, maxBytes) {
          const text = await deps.files.readText(path, maxBytes);
          files.set(path, { ...touch(path), content: text });
          return text;
        },
        async mtimeMs(path) {
          const m = await deps.files.mtimeMs(path);
          files.set(path, { ...touch(path), mtimeMs: m });
          return m;
        },
        async exists(path) {
          const e = await deps.files.exists(path);
          if (!files.has(path)) files.set(path, { path, content: null, mtimeMs: e ? 0 : null });
          return e;
        },
      },
    },
  };
}
