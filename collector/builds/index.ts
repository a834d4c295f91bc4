// Known agent builds: the SHA-256 of every agent binary the operator has built or approved, in
// known-builds.json in the data directory (`vigil-collector builds add manifest.json|SHA256`). Every
// attestation reports its binary's SHA-256 (predicate.agent.binarySha256); a device running a build not
// on the list is flagged in `devices` and `device show`, and isKnownBuild() is there for alerting.
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VigilError } from '../../protocol/errors.js';
import type { Predicate } from '../../protocol/statement.js';
import type { Queryable } from '../db/types.js';

export const KNOWN_BUILDS_FILE = 'known-builds.json';

export interface KnownBuild {
  sha256: string;
  version: string | null;
  target: string | null;
  addedAt: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

function parseFile(text: string, file: string): KnownBuild[] {
  try {
    const doc = JSON.parse(text) as { builds?: unknown };
    if (!Array.isArray(doc.builds)) throw new Error('no "builds" array');
    return doc.builds.filter((b): b is KnownBuild => typeof b === 'object' && b !== null && HEX64.test(String((b as KnownBuild).sha256)));
  } catch (err) {
    throw new VigilError('E_CONFIG', `${file} is not a known-builds file: ${(err as Error).message}`);
  }
}

export function readKnownBuilds(dataRoot: string): KnownBuild[] {
  const file = join(dataRoot, KNOWN_BUILDS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return parseFile(text, file);
}

/**
 * The builds to add from a CLI argument: a SHA-256, or a build manifest (manifest.json written by
 * npm run build:agent), or another collector's known-builds.json.
 */
export async function buildsFrom(arg: string, now: Date, version: string | null = null): Promise<KnownBuild[]> {
  const addedAt = now.toISOString();
  const sha = arg.toLowerCase().replace(/^sha256:/, '');
  if (HEX64.test(sha)) return [{ sha256: sha, version, target: null, addedAt }];
  let doc: { version?: unknown; binaries?: unknown; builds?: unknown };
  try {
    doc = JSON.parse(await readFile(arg, 'utf8'));
  } catch (err) {
    throw new VigilError('E_BAD_REQUEST', `"${arg}" is neither a SHA-256 nor a readable build manifest: ${(err as Error).message}`);
  }
  if (Array.isArray(doc.binaries)) {
    const out = (doc.binaries as { sha256?: unknown; target?: unknown }[])
      .filter((b) => typeof b.sha256 === 'string' && HEX64.test(b.sha256))
      .map((b) => ({ sha256: b.sha256 as string, version: typeof doc.version === 'string' ? doc.version : version, target: typeof b.target === 'string' ? b.target : null, addedAt }));
    if (out.length) return out;
  }
  if (Array.isArray(doc.builds)) return parseFile(JSON.stringify(doc), arg).map((b) => ({ ...b, addedAt }));
  throw new VigilError('E_BAD_REQUEST', `${arg} lists no binaries with a SHA-256`);
}

/** Adds builds (already known hashes are kept as they were); returns how many were new. */
export async function addKnownBuilds(dataRoot: string, builds: KnownBuild[]): Promise<number> {
  const { writeFile, rename } = await import('node:fs/promises');
  const current = readKnownBuilds(dataRoot);
  const have = new Set(current.map((b) => b.sha256));
  const fresh = builds.filter((b) => !have.has(b.sha256) && (have.add(b.sha256), true));
  const file = join(dataRoot, KNOWN_BUILDS_FILE);
  await writeFile(`${file}.tmp`, JSON.stringify({ builds: [...current, ...fresh] }, null, 2) + '\n');
  await rename(`${file}.tmp`, file);
  return fresh.length;
}

/** A checker that re-reads known-builds.json when it changes (for long-running collectors). */
export function knownBuilds(dataRoot: string): { isKnownBuild(sha256: string | null | undefined): boolean; list(): KnownBuild[] } {
  const file = join(dataRoot, KNOWN_BUILDS_FILE);
  let seen = '';
  let set = new Set<string>();
  let builds: KnownBuild[] = [];
  const refresh = () => {
    // mtime and size: a rewrite within the clock's granularity still changes the size (one more hash).
    const m = (() => {
      try {
        const st = statSync(file);
        return `${st.mtimeMs}:${st.size}`;
      } catch {
        return '';
      }
    })();
    if (m === seen && m !== '') return;
    seen = m;
    builds = m ? readKnownBuilds(dataRoot) : [];
    set = new Set(builds.map((b) => b.sha256));
  };
  return {
    isKnownBuild(sha256) {
      refresh();
      return typeof sha256 === 'string' && set.has(sha256);
    },
    list() {
      refresh();
      return builds;
    },
  };
}

export type BuildStatus = 'known' | 'unknown' | 'unreported';

export interface DeviceBuild {
  version: string;
  binarySha256: string | null;
  configSha256: string | null;
  status: BuildStatus;
}

/** What the device's newest stored attestation says about its agent build. */
export async function deviceBuild(q: Queryable, deviceId: string, isKnown: (sha: string) => boolean): Promise<DeviceBuild | null> {
  const row = await q.get<{ bytes: Buffer }>('SELECT bytes FROM envelopes WHERE device_id = ? ORDER BY seq DESC LIMIT 1', [deviceId]);
  if (!row) return null;
  try {
    const env = JSON.parse(Buffer.from(row.bytes).toString('utf8')) as { payload: string };
    const agent = (JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as { predicate: Predicate }).predicate.agent;
    const sha = agent.binarySha256 ?? null;
    return { version: agent.version, binarySha256: sha, configSha256: agent.configSha256 ?? null, status: sha === null ? 'unreported' : isKnown(sha) ? 'known' : 'unknown' };
  } catch {
    return null;
  }
}
