// The agent's state directory: enrolment.json (device id, collector URL, pinned CA), key.pem (the device
// key, 0600, never leaves the device), chain.json and spool/ (see spool.ts).
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, open, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { VigilError } from '../protocol/errors.js';
import { makeParser } from '../protocol/validate.js';

export const Enrolment = Type.Object({
  version: Type.Literal(1),
  deviceId: Type.String({ pattern: '^dev_[0-9a-f]{32}$' }),
  url: Type.String({ pattern: '^https?://' }),
  caPem: Type.String(),
  caSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  role: Type.String(),
  site: Type.Optional(Type.String()),
  intervalSeconds: Type.Integer({ minimum: 10 }),
  enrolledAt: Type.String(),
});
export type Enrolment = Static<typeof Enrolment>;
const parseEnrolment = makeParser(Enrolment, 'E_STATE_CORRUPT', 'enrolment.json');

export function defaultStateDir(): string {
  if (process.env.VIGIL_AGENT_STATE) return process.env.VIGIL_AGENT_STATE;
  if (process.platform === 'win32') return join(process.env.ProgramData ?? 'C:\\ProgramData', 'Vigil', 'agent');
  if (process.platform === 'darwin') return '/Library/Application Support/Vigil/agent';
  if (process.getuid?.() === 0) return '/var/lib/vigil-agent';
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'vigil-agent');
}

export interface StatePaths {
  root: string;
  enrolment: string;
  key: string;
  chain: string;
  spool: string;
  /** What `vigil-agent status` shows: last cycle, last ack, connection (written by the running agent). */
  status: string;
}

export function statePaths(dir: string): StatePaths {
  const root = resolve(dir);
  return { root, enrolment: join(root, 'enrolment.json'), key: join(root, 'key.pem'), chain: join(root, 'chain.json'), spool: join(root, 'spool'), status: join(root, 'status.json') };
}

export interface AgentStatus {
  pid?: number;
  version?: string;
  startedAt?: string;
  lastCycleSeq?: number;
  lastCycleAt?: string;
  lastAckSeq?: number;
  lastAckAt?: string;
  connection?: 'connecting' | 'connected' | 'disconnected' | 'stopped';
  connectionAt?: string;
  connectionDetail?: string;
}

export async function readAgentStatus(p: StatePaths): Promise<AgentStatus> {
  try {
    return JSON.parse(await readFile(p.status, 'utf8')) as AgentStatus;
  } catch {
    return {};
  }
}

/** Merges into status.json. Not fsynced: it is a display, rewritten on every event. */
export async function updateAgentStatus(p: StatePaths, patch: AgentStatus): Promise<void> {
  const next = { ...(await readAgentStatus(p)), ...patch };
  const tmp = `${p.status}.tmp-${process.pid}.${++tmpCounter}`;
  try {
    await writeFile(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, p.status);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

export async function ensureStateDir(p: StatePaths): Promise<void> {
  await mkdir(p.spool, { recursive: true, mode: 0o700 });
}

/** Temporary files of writeFileDurable and updateAgentStatus: `<name>.tmp-<pid>` or `<name>.tmp-<pid>.<n>`. */
export const TMP_FILE = /\.tmp-(\d+)(?:\.\d+)?$/;

/** Each durable write its own tmp file: two writes of one file at once must not rename each other's. */
let tmpCounter = 0;

/** No space (ENOSPC) or over quota (EDQUOT). */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Write a file so that a crash leaves either the old or the new content, never a torn one: tmp file,
 * fsync, rename, fsync of the directory (so the rename itself survives a power cut). A failed write (disk
 * full) removes its tmp file, so it does not hold on to the space the next attempt needs.
 */
export async function writeFileDurable(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}.${++tmpCounter}`;
  try {
    const fh = await open(tmp, 'w', mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(file));
}

async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function readEnrolment(p: StatePaths): Promise<Enrolment | null> {
  if (!existsSync(p.enrolment)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(p.enrolment, 'utf8'));
  } catch {
    throw new VigilError('E_STATE_CORRUPT', `${p.enrolment} is not valid JSON`);
  }
  return parseEnrolment(raw);
}

export async function requireEnrolment(p: StatePaths): Promise<Enrolment> {
  const e = await readEnrolment(p);
  if (!e) throw new VigilError('E_NOT_ENROLLED', `no enrolment in ${p.root}: run "vigil-agent enroll <enrolment string> --state ${p.root}" first`);
  return e;
}

export async function writeEnrolment(p: StatePaths, e: Enrolment): Promise<void> {
  await writeFileDurable(p.enrolment, JSON.stringify(e, null, 2) + '\n');
}

