// What several macOS checks share: splitting tool output into lines, a property-list reader, reading a
// plist file through plutil, finding the console user and running a command in that user's context.
//
// Plists: most files under /Library/Preferences are binary, so they are read through
// `plutil -convert xml1 -o - <file>`, never as text. XML and not JSON because `plutil -convert json`
// refuses any plist holding a <date> or <data> value ("invalid object in plist for destination format"),
// and the update and install-history plists are full of dates. A text read of the file is the fallback
// for XML plists when plutil cannot run.
import type { Evidence } from '../../protocol/checks/types.js';
import type { CommandResult, RunOptions } from '../runner.js';
import { commandEvidence, whyFailed } from './linux-common.js';
import type { CollectDeps } from './types.js';

/** Lines of tool output: BOM dropped, CRLF and CR handled, trailing blanks trimmed. */
export function textLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).map((l) => l.trimEnd());
}

export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };
export type PlistDict = { [key: string]: PlistValue };

export const isDict = (v: unknown): v is PlistDict => typeof v === 'object' && v !== null && !Array.isArray(v);

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Math.min(Number.parseInt(e.slice(2), 16), 0x10ffff));
    if (e.startsWith('#')) return String.fromCodePoint(Math.min(Number.parseInt(e.slice(1), 10), 0x10ffff));
    return ENTITIES[e] ?? m;
  });
}

type Frame = { kind: 'dict'; value: PlistDict; key: string | null } | { kind: 'array'; value: PlistValue[] };

/**
 * An XML property list (what `plutil -convert xml1`, `diskutil -plist` and `profiles -o stdout-xml`
 * print), or JSON (what `plutil -convert json` prints). Dates stay ISO strings, data stays base64.
 * null for anything that is not a complete, well-formed plist: truncated, garbage, blank.
 */
export function parsePlist(text: string): PlistValue | null {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('{') || body.startsWith('[')) {
    try {
      return JSON.parse(body) as PlistValue;
    } catch {
      return null;
    }
  }
  const start = body.indexOf('<plist');
  if (start < 0) return null;
  const tokens = body.slice(start).matchAll(/<(\/?)([A-Za-z0-9]+)[^>]*?(\/?)>|([^<]+)/g);
  const stack: Frame[] = [];
  let root: PlistValue | undefined;
  let open: string | null = null; // a scalar element whose text is being read
  let textBuf = '';
  let closedPlist = false;

  const place = (v: PlistValue): boolean => {
    const top = stack.at(-1);
    if (!top) {
      if (root !== undefined) return false;
      root = v;
      return true;
    }
    if (top.kind === 'array') {
      top.value.push(v);
      return true;
    }
    if (top.key === null) return false;
    top.value[top.key] = v;
    top.key = null;
    return true;
  };

  for (const m of tokens) {
    const [, slash, name, selfClose, text] = m;
    if (text !== undefined) {
      if (open) textBuf += text;
      else if (text.trim() !== '') return null;
      continue;
    }
    const tag = name!;
    if (tag === 'plist') {
      if (slash) closedPlist = true;
      continue;
    }
    if (open) {
      if (!slash || tag !== open) return null;
      const raw = unescapeXml(textBuf);
      let v: PlistValue;
      if (open === 'integer') {
        if (!/^\s*[+-]?(0x[0-9a-fA-F]+|\d+)\s*$/.test(raw)) return null;
        v = Number(raw.trim());
      } else if (open === 'real') {
        v = Number(raw.trim());
        if (!Number.isFinite(v)) return null;
      } else if (open === 'key') {
        const top = stack.at(-1);
        if (top?.kind !== 'dict' || top.key !== null) return null;
        top.key = raw;
        open = null;
        textBuf = '';
        continue;
      } else if (open === 'data') v = raw.replace(/\s+/g, '');
      else v = raw; // string, date
      open = null;
      textBuf = '';
      if (!place(v)) return null;
      continue;
    }
    if (slash) {
      const top = stack.pop();
      if (!top || top.kind !== tag || (top.kind === 'dict' && top.key !== null)) return null;
      if (!place(top.value)) return null;
      continue;
    }
    if (selfClose) {
      if (tag === 'true' || tag === 'false') {
        if (!place(tag === 'true')) return null;
      } else if (tag === 'dict') {
        if (!place({})) return null;
      } else if (tag === 'array') {
        if (!place([])) return null;
      } else if (tag === 'string') {
        if (!place('')) return null;
      } else return null;
      continue;
    }
    if (tag === 'dict') stack.push({ kind: 'dict', value: {}, key: null });
    else if (tag === 'array') stack.push({ kind: 'array', value: [] });
    else if (['key', 'string', 'integer', 'real', 'date', 'data'].includes(tag)) {
      open = tag;
      textBuf = '';
    } else return null;
  }
  if (open || stack.length || root === undefined || !closedPlist) return null;
  return root;
}

/** A plist boolean as macOS writes it: <true/>, 1, "1", "YES", "true". null for anything else. */
export function plistBool(v: PlistValue | undefined): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : null;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['1', 'yes', 'true'].includes(s)) return true;
    if (['0', 'no', 'false'].includes(s)) return false;
  }
  return null;
}

export function plistInt(v: PlistValue | undefined): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number(v.trim());
  return null;
}

/** Runs commands and reads files for one check, keeping the evidence of each. */
export class DarwinProbe {
  readonly evidence: Evidence[] = [];
  constructor(readonly deps: CollectDeps) {}

  async run(argv: readonly string[], opts?: RunOptions): Promise<CommandResult> {
    const r = await this.deps.run(argv[0]!, argv.slice(1), opts);
    this.evidence.push(commandEvidence(r));
    return r;
  }

  async exists(path: string): Promise<boolean> {
    const found = await this.deps.files.exists(path);
    this.evidence.push({ source: `exists ${path}`, ...(found ? {} : { error: 'not present' }) });
    return found;
  }

  async readText(path: string, maxBytes = 256 * 1024): Promise<string | null> {
    const text = await this.deps.files.readText(path, maxBytes);
    this.evidence.push({ source: `read ${path}`, ...(text === null ? { error: 'missing or unreadable' } : {}) });
    return text;
  }

  async mtimeMs(path: string): Promise<number | null> {
    return this.deps.files.mtimeMs(path);
  }

  /**
   * A plist file's contents. absent: the file does not exist (a fact, e.g. "no managed preference").
   * value null with error: it exists but could not be read or parsed (needs root, corrupt).
   */
  async plist(path: string): Promise<{ absent: boolean; value: PlistValue | null; error?: string }> {
    if (!(await this.exists(path))) return { absent: true, value: null };
    const r = await this.run(plutilArgv(path));
    if (!r.failure && r.exitCode === 0) {
      const value = parsePlist(r.stdout);
      if (value !== null) return { absent: false, value };
    }
    // Without plutil (or when it failed) an XML plist can still be read as text; a binary one cannot.
    const text = await this.readText(path, 4 * 1024 * 1024);
    const value = text === null ? null : parsePlist(text);
    if (value !== null) return { absent: false, value };
    return { absent: false, value: null, error: r.failure || r.exitCode !== 0 ? whyFailed(r) : `${path} is not a readable property list` };
  }
}

export const plutilArgv = (path: string): string[] => ['plutil', '-convert', 'xml1', '-o', '-', path];

export const CONSOLE_USER_ARGV = ['stat', '-f', '%Su', '/dev/console'] as const;
export const idArgv = (user: string): string[] => ['id', '-u', user];
/**
 * A command in the console user's GUI session: per-user preferences (-currentHost ones above all) are
 * only visible there. `launchctl asuser` enters the user's bootstrap namespace, `sudo -u` takes the
 * user's identity; as root neither asks for a password. Apple's and Jamf's scripts use the same pair.
 */
export const asUserArgv = (uid: string, user: string, argv: readonly string[]): string[] => ['launchctl', 'asuser', uid, 'sudo', '-u', user, ...argv];

/** Accounts that own /dev/console when nobody is logged in (login window, Setup Assistant). */
const NO_USER = new Set(['root', 'loginwindow', '_mbsetupuser', '']);

/** The console user's name from `stat -f %Su /dev/console`; null when the login window owns it. */
export function parseConsoleUser(text: string): string | null {
  const name = textLines(text).map((l) => l.trim()).find((l) => l !== '') ?? '';
  if (NO_USER.has(name) || !/^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,254}$/.test(name)) return null;
  return name;
}

export type ConsoleUser = { user: string; uid: string } | { user: null; reason: string; known: boolean };

/** Who sits at the console. known: false when that could not be found out (as opposed to nobody). */
export async function consoleUser(p: DarwinProbe): Promise<ConsoleUser> {
  const s = await p.run(CONSOLE_USER_ARGV);
  if (s.failure || s.exitCode !== 0) return { user: null, reason: whyFailed(s), known: false };
  const user = parseConsoleUser(s.stdout);
  if (!user) return { user: null, reason: 'nobody is logged in at the console (login window)', known: true };
  const id = await p.run(idArgv(user));
  const uid = id.exitCode === 0 && !id.failure ? textLines(id.stdout)[0]?.trim() : undefined;
  if (!uid || !/^\d+$/.test(uid)) return { user: null, reason: `uid of ${user} unknown: ${whyFailed(id)}`, known: false };
  return { user, uid };
}
