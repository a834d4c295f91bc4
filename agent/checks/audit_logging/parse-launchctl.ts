// `launchctl list <label>` prints the job as an old-style plist when it is loaded:
//   {
//   	"Label" = "com.apple.auditd";
//   	"LastExitStatus" = 0;
//   	"PID" = 311;            (only while the process runs; on-demand jobs often have none)
//   	"OnDemand" = true;
//   	...
//   };
// and, when it is not loaded, 'Could not find service "com.apple.auditd" in domain for port' on stderr
// with exit 113. Loaded means enabled: launchd starts it on demand (socket, Mach port) if not running.
import { textLines } from '../darwin-common.js';

export interface LaunchdJob {
  label: string;
  pid: number | null;
  lastExitStatus: number | null;
}

/** The job when loaded; 'not-loaded' for launchctl's "Could not find service"; null otherwise. */
export function parseLaunchctlList(text: string): LaunchdJob | 'not-loaded' | null {
  const lines = textLines(text);
  if (lines.some((l) => /Could not find service/i.test(l))) return 'not-loaded';
  const kv = new Map<string, string>();
  for (const l of lines) {
    const m = /^\s*"([A-Za-z]+)"\s*=\s*"?(.*?)"?;\s*$/.exec(l);
    if (m && !kv.has(m[1]!)) kv.set(m[1]!, m[2]!);
  }
  const label = kv.get('Label');
  if (!label || !lines.some((l) => l.trim() === '};' || l.trim() === '}')) return null;
  const num = (k: string) => (/^-?\d+$/.test(kv.get(k) ?? '') ? Number(kv.get(k)) : null);
  return { label, pid: num('PID'), lastExitStatus: num('LastExitStatus') };
}
