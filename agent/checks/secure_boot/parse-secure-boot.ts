// Inputs for boot security on the three kinds of Mac.
// - `sysctl -n machdep.cpu.brand_string`: "Apple M1 Pro" on Apple silicon (also under Rosetta, unlike
//   `uname -m`), "Intel(R) Core(TM) i7-8850H CPU @ 2.60GHz" on Intel.
// - `system_profiler SPiBridgeDataType -json`: on a T2 Mac the controller entry names "Apple T2 Security
//   Chip" and its Secure Boot setting ("Full Security", "Medium Security", "No Security"); key names have
//   changed between releases, so values are matched, not keys. Intel Macs without T2 list no T2 entry.
// - `nvram 94b73556-2197-4702-82a8-3e1337dafbfb:AppleSecureBootPolicy` (T2): "%02" full, "%01" medium,
//   "%00" none, after the variable name and a tab.
// - `bputil -d` (Apple silicon, root): the local policy; "Security Mode: Full|Reduced|Permissive".
// - `csrutil status`: "System Integrity Protection status: enabled." / "disabled." / "enabled (Custom
//   Configuration)." / "unknown (Custom Configuration)."
import { textLines } from '../darwin-common.js';

export type Policy = 'full' | 'reduced' | 'permissive';

export function parseCpuBrand(text: string): 'apple-silicon' | 'intel' | null {
  const l = textLines(text).map((x) => x.trim()).find(Boolean) ?? '';
  if (/^Apple\s+M\d/i.test(l) || /^Apple\s+\w+/.test(l)) return 'apple-silicon';
  if (/Intel/i.test(l)) return 'intel';
  return null;
}

const POLICY_WORDS: [RegExp, Policy][] = [
  [/\bfull security\b/i, 'full'],
  [/\b(medium|reduced) security\b/i, 'reduced'],
  [/\b(no|permissive) security\b/i, 'permissive'],
];

function collectStrings(v: unknown, out: string[], depth = 0): void {
  if (depth > 8 || out.length > 500) return;
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => collectStrings(x, out, depth + 1));
  else if (typeof v === 'object' && v !== null) Object.values(v).forEach((x) => collectStrings(x, out, depth + 1));
}

/** T2 presence and its Secure Boot setting; null when the output is neither JSON nor the text layout. */
export function parseIBridge(text: string): { t2: boolean; policy: Policy | null } | null {
  let values: string[] = [];
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('{')) {
    try {
      const j = JSON.parse(body) as Record<string, unknown>;
      if (!('SPiBridgeDataType' in j)) return null;
      collectStrings(j.SPiBridgeDataType, values);
    } catch {
      return null;
    }
  } else {
    values = textLines(body);
    if (!values.some((l) => /Controller|Model Name|iBridge/i.test(l))) return null;
  }
  const t2 = values.some((s) => /\bT2\b/.test(s));
  const policy = POLICY_WORDS.find(([re]) => values.some((s) => re.test(s)))?.[1] ?? null;
  return { t2, policy: t2 ? policy : null };
}

export function parseSecureBootNvram(text: string): Policy | null {
  const m = /AppleSecureBootPolicy\s+%0([012])\b/.exec(text);
  return m ? (['permissive', 'reduced', 'full'] as const)[Number(m[1])]! : null;
}

export function parseBputil(text: string): Policy | null {
  for (const l of textLines(text)) {
    const m = /^\s*Security Mode\s*:\s*(Full|Reduced|Permissive)\b/i.exec(l);
    if (m) return m[1]!.toLowerCase() as Policy;
  }
  return null;
}

export type SipState = 'enabled' | 'disabled' | 'custom' | 'unknown';

export function parseCsrutil(text: string): SipState | null {
  for (const l of textLines(text)) {
    const m = /System Integrity Protection status:\s*(enabled|disabled|unknown)\s*(\(Custom Configuration\))?/i.exec(l);
    if (m) return m[2] ? (m[1]!.toLowerCase() === 'unknown' ? 'unknown' : 'custom') : (m[1]!.toLowerCase() as SipState);
  }
  return null;
}
