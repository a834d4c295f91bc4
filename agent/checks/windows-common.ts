// Windows probes run PowerShell with a fixed preamble: no profile, no prompts, UTF-8 output, and errors
// kept off stdout so the JSON stays parseable. Structured output (ConvertTo-Json) first; each caller keeps
// a text fallback for hosts where the cmdlet is missing (Server Core without modules, constrained shells).

export const POWERSHELL = 'powershell.exe';

const PREAMBLE = "$ErrorActionPreference='Stop';$ProgressPreference='SilentlyContinue';[Console]::OutputEncoding=[Text.Encoding]::UTF8;";

export function psArgs(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', PREAMBLE + script];
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
