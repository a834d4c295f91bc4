// Windows probes run PowerShell with a fixed preamble: no profile, no prompts, UTF-8 output, and errors
// kept off stdout so the JSON stays parseable. Structured output (ConvertTo-Json) first; each caller keeps
// a text fallback for hosts where the cmdlet is missing (Server Core without modules, constrained shells).
//
// Several probes of one check share one PowerShell process (starting powershell.exe costs ~0.5 s and a
// lot of memory on old hospital PCs): psProbes() wraps each probe in its own try/catch and prints one JSON
// object, so one failing probe (a missing cmdlet, an access-denied WMI namespace) does not lose the rest.
// A failed probe is printed as { error, id, category }: `id` is PowerShell's FullyQualifiedErrorId and
// `category` its ErrorCategory, both English identifiers in every Windows language, unlike the message.
import type { Evidence } from '../../protocol/checks/types.js';
import type { CommandResult } from '../runner.js';

export const POWERSHELL = 'powershell.exe';

const PREAMBLE = "$ErrorActionPreference='Stop';$ProgressPreference='SilentlyContinue';[Console]::OutputEncoding=[Text.Encoding]::UTF8;";

export function psArgs(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', PREAMBLE + script];
}

/** The full argv (program first) for one PowerShell script; collectors export these for support bundles. */
export function psCommand(script: string): readonly string[] {
  return [POWERSHELL, ...psArgs(script)];
}

/** Parse ConvertTo-Json output; null when it is not JSON. A BOM or surrounding blank lines are fine. */
export function parsePsJson(text: string): unknown {
  const t = text.replace(/^\uFEFF/, '').trim();
  if (!t) return null;
  try {
    return JSON.parse(t);
  } catch {
    return null;
  }
}

/** ConvertTo-Json writes a single object for one item and an array for several. */
export function asArray(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

// ---- combined probes ------------------------------------------------------------------------------

/**
 * Registry reader defined once per script: $null when the key does not exist (a policy that was never
 * set), otherwise an ordered map of the requested values (absent values are $null).
 */
const REG_FN =
  'function RegVals($p,[string[]]$n){if(-not(Test-Path -LiteralPath $p)){return $null};$i=Get-ItemProperty -LiteralPath $p;$h=[ordered]@{};foreach($x in $n){$h[$x]=$i.$x};$h};';

/** A PowerShell expression that reads registry values with RegVals (psProbes defines it). */
export function psReg(path: string, names: string[]): string {
  return `RegVals '${path.replace(/'/g, "''")}' @(${names.map((n) => `'${n.replace(/'/g, "''")}'`).join(',')})`;
}

/**
 * One script that evaluates each named probe in its own try/catch and prints a single compressed JSON
 * object keyed by probe name. A probe is one expression; probes that need statements use `& { ... }`.
 * Parentheses (not `$( )`) keep a one-element `@(...)` an array in the JSON.
 */
export function psProbes(probes: Record<string, string>, depth = 4): string {
  const body = Object.entries(probes)
    .map(
      ([k, expr]) =>
        `try{$o['${k}']=(${expr})}catch{$o['${k}']=[ordered]@{error=[string]$_.Exception.Message;id=[string]$_.FullyQualifiedErrorId;category=[string]$_.CategoryInfo.Category}}`,
    )
    .join(';');
  return `${REG_FN}$o=[ordered]@{};${body};$o|ConvertTo-Json -Depth ${depth} -Compress`;
}

export interface ProbeError {
  error: string;
  id: string;
  category: string;
}

export type Probe = { ok: true; value: unknown } | { ok: false; failure: ProbeError };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One probe's outcome from a psProbes() object; a missing key counts as a failure (truncated output). */
export function probe(obj: unknown, key: string): Probe {
  if (!isRecord(obj) || !(key in obj)) return { ok: false, failure: { error: `probe ${key} missing from the output`, id: '', category: '' } };
  const v = obj[key];
  if (isRecord(v) && typeof v.error === 'string' && ('id' in v || 'category' in v)) {
    return { ok: false, failure: { error: v.error, id: str(v.id) ?? '', category: str(v.category) ?? '' } };
  }
  return { ok: true, value: v };
}

// Access denied shows up as a category (PermissionDenied), an HRESULT (E_ACCESSDENIED 0x80070005, WMI
// 0x80041003, NTSTATUS 0xC0000022) or, last resort, the localized message.
const DENIED =
  /PermissionDenied|UnauthorizedAccess|0x80070005|0x80041003|0xC0000022|access (is )?denied|access was denied|zugriff verweigert|acc[eè]s refus|acceso denegado|acesso negado|requires elevation|administrator privileges|administratorrechte|droits d.administrat/i;
// The cmdlet, class, namespace or registry path does not exist on this host.
const MISSING = /CommandNotFoundException|ItemNotFound|PathNotFound|0x8004100E|0x80041010|InvalidNamespace|InvalidClass|ObjectNotFound/i;

export function probeDenied(f: ProbeError): boolean {
  return DENIED.test(`${f.category} ${f.id} ${f.error}`);
}

export function probeMissing(f: ProbeError): boolean {
  return !probeDenied(f) && MISSING.test(`${f.category} ${f.id}`);
}

/** One line saying why a probe gave nothing; "needs administrator" when that is the cause. */
export function whyProbeFailed(name: string, f: ProbeError): string {
  if (probeDenied(f)) return clip(`${name}: access denied, needs administrator (${firstLine(f.error)})`, 1024);
  if (probeMissing(f)) return clip(`${name}: not available on this host (${firstLine(f.error)})`, 1024);
  return clip(`${name} failed: ${firstLine(f.error) || f.id || 'no detail'}`, 1024);
}

// ---- running commands -----------------------------------------------------------------------------

const ok = (r: CommandResult) => !r.failure && r.exitCode === 0;

const DENIED_TEXT =
  /PermissionDenied|UnauthorizedAccess|access is denied|access denied|zugriff verweigert|acc[eè]s refus|acceso denegado|acesso negado|requires elevation|elevated|administrator privileges|administrative rights|administratorrechte|droits d.administrat|privil[eé]gios de administrador|privilegios de administrador|0x80070005/i;

/** True when a Windows command failed because the agent lacks administrator rights. */
export function winDenied(r: CommandResult): boolean {
  return r.failure === 'permission' || (!ok(r) && DENIED_TEXT.test(`${r.stderr}\n${r.stdout}`));
}

/**
 * Why a command gave no usable answer. `label` replaces the argv in messages: PowerShell argv carries
 * the whole script, far too long for evidence or a reason.
 */
export function winWhyFailed(r: CommandResult, label = r.source): string {
  switch (r.failure) {
    case 'not-found':
      return clip(`${label}: ${r.source.split(' ')[0]} is not available on this host`, 1024);
    case 'timeout':
      return clip(`${label} timed out`, 1024);
    case 'output-cap':
      return clip(`${label} produced more output than allowed`, 1024);
    case 'permission':
      return clip(`${label} was not permitted (needs administrator)`, 1024);
    case 'spawn':
      return clip(`${label} could not be started`, 1024);
    default:
      break;
  }
  const msg = firstLine(r.stderr) || firstLine(r.stdout);
  if (winDenied(r)) return clip(`${label}: access denied, needs administrator (${msg})`, 1024);
  if (ok(r)) return clip(`${label}: output could not be parsed`, 1024);
  return clip(`${label} exited with ${r.exitCode}${msg ? `: ${msg}` : ''}`, 1024);
}

/** Evidence for one command; `label` names a PowerShell script by what it asks instead of its text. */
export function winEvidence(r: CommandResult, label?: string): Evidence {
  const e: Evidence = { source: clip(label ? `${POWERSHELL}: ${label}` : r.source, 512), exitCode: r.exitCode, durationMs: r.durationMs };
  if (r.failure || (r.exitCode !== 0 && r.exitCode !== null)) e.error = winWhyFailed(r, label ? `${POWERSHELL}: ${label}` : r.source);
  return e;
}

/** A probe's failure as evidence: the process ran, this part of it did not. */
export function probeEvidence(name: string, f: ProbeError): Evidence {
  return { source: clip(`${POWERSHELL}: ${name}`, 512), error: whyProbeFailed(name, f) };
}

// ---- small value readers --------------------------------------------------------------------------

export function firstLine(s: string): string {
  return (s.split(/\r?\n/).find((l) => l.trim() !== '') ?? '').trim().slice(0, 300);
}

/** Cut a string to a schema's maxLength. */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
}

/** A number from JSON (number or numeric string, registry REG_SZ values included); null otherwise. */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return null;
}

/** PowerShell booleans arrive as true/false, "True"/"False", 1/0 (GpoBoolean, registry DWORDs). */
export function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === '1' || (typeof v === 'string' && /^\s*true\s*$/i.test(v))) return true;
  if (v === 0 || v === '0' || (typeof v === 'string' && /^\s*false\s*$/i.test(v))) return false;
  return null;
}

export function rec(v: unknown): Record<string, unknown> | null {
  return isRecord(v) ? v : null;
}

/**
 * ConvertTo-Json in Windows PowerShell 5.1 writes DateTime as "/Date(1650268800000)/"; PowerShell 7 and
 * our own scripts write ISO 8601. Returns ms since the epoch or null.
 */
export function psDate(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const m = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(v.trim());
  if (m) return Number(m[1]);
  if (/^\d{4}-\d{2}-\d{2}/.test(v.trim())) {
    const t = Date.parse(v.trim());
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

/** Service status as Get-Service | ConvertTo-Json writes it: 4 (Running) in 5.1, "Running" elsewhere. */
export function serviceRunning(status: unknown): boolean | null {
  if (status === 4 || (typeof status === 'string' && /^running$/i.test(status.trim()))) return true;
  if (typeof status === 'number' && status >= 1 && status <= 7) return false;
  if (typeof status === 'string' && /^(stopped|start_?pending|stop_?pending|continue_?pending|pause_?pending|paused)$/i.test(status.trim())) return false;
  return null;
}

/** ServiceStartMode: 0 Boot, 1 System, 2 Automatic, 3 Manual, 4 Disabled (names in PowerShell 7). */
export function serviceStartType(v: unknown): 'automatic' | 'manual' | 'disabled' | 'boot' | null {
  const n = num(v);
  const s = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (n === 2 || s === 'automatic') return 'automatic';
  if (n === 3 || s === 'manual') return 'manual';
  if (n === 4 || s === 'disabled') return 'disabled';
  if (n === 0 || n === 1 || s === 'boot' || s === 'system') return 'boot';
  return null;
}

// ---- PowerShell text formats (fallbacks and support tickets) --------------------------------------

/**
 * Format-List output: "Name : value" records separated by blank lines. A narrow console hard-wraps long
 * values onto continuation lines indented to the value column; they are joined back without adding
 * spaces, keeping any space that belongs to the value (taken from the value column, not trimmed).
 */
export function parseFormatList(text: string): Array<Record<string, string>> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const records: Array<Record<string, string>> = [];
  let cur: Record<string, string> | null = null;
  let lastKey: string | null = null;
  let valueCol = -1;
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, '');
    if (!line.trim()) {
      if (cur && Object.keys(cur).length) records.push(cur);
      cur = null;
      lastKey = null;
      continue;
    }
    const m = /^(\S[^:]*?)\s*:(?: (.*)|$)/.exec(line);
    if (m && !/^\s/.test(line)) {
      cur ??= {};
      lastKey = m[1]!.trim();
      cur[lastKey] = (m[2] ?? '').trim();
      valueCol = line.length - (m[2] ?? '').length;
      continue;
    }
    if (cur && lastKey && /^\s/.test(line)) {
      const indent = line.length - line.trimStart().length;
      const piece = valueCol > 0 && indent >= valueCol ? line.slice(valueCol) : line.trim();
      cur[lastKey] += piece;
    }
  }
  if (cur && Object.keys(cur).length) records.push(cur);
  return records;
}

/**
 * Format-Table (and wmic) output. Columns are found from the dashed underline when there is one
 * (Format-Table), otherwise from where each header word starts (wmic). A header that wraps onto a second
 * line ("Mount" / "Point") is joined. Cell text is cut at the next column's start and trimmed.
 */
export function parseFormatTable(text: string): Array<Record<string, string>> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const dashIdx = lines.findIndex((l) => /^\s*-{2,}(\s+-{2,})*\s*$/.test(l));
  let starts: number[];
  let headers: string[];
  let body: string[];
  if (dashIdx > 0) {
    const dash = lines[dashIdx]!;
    starts = [];
    for (const m of dash.matchAll(/-+/g)) starts.push(m.index);
    const headLines = lines.slice(0, dashIdx).filter((l) => l.trim() && !/^\s*\S+:\s*\S+\s*$/.test(l)).slice(-2);
    headers = starts.map((s, i) =>
      headLines
        .map((h) => h.slice(s, starts[i + 1] ?? undefined).trim())
        .filter(Boolean)
        .join(' '),
    );
    body = lines.slice(dashIdx + 1);
  } else {
    const hi = lines.findIndex((l) => l.trim() !== '');
    if (hi < 0) return [];
    const head = lines[hi]!;
    starts = [];
    headers = [];
    for (const m of head.matchAll(/\S+/g)) {
      starts.push(m.index);
      headers.push(m[0]);
    }
    body = lines.slice(hi + 1);
  }
  if (!starts.length) return [];
  const rows: Array<Record<string, string>> = [];
  for (const line of body) {
    if (!line.trim()) continue;
    const row: Record<string, string> = {};
    starts.forEach((s, i) => {
      const begin = i === 0 ? 0 : s;
      row[headers[i] || `col${i}`] = line.slice(begin, starts[i + 1] ?? undefined).trim();
    });
    rows.push(row);
  }
  return rows;
}
