// The few helpers every Linux check needs: turning a command result or a file read into evidence, and
// telling "needs root" apart from other failures so the reason a fact is null is specific.
import type { Evidence } from '../../protocol/checks/types.js';
import { describeFailure, type CommandResult } from '../runner.js';

/** Evidence for one command run, whatever its outcome. */
export function commandEvidence(r: CommandResult): Evidence {
  const e: Evidence = { source: r.source, exitCode: r.exitCode, durationMs: r.durationMs };
  if (r.failure) e.error = describeFailure(r);
  return e;
}

/** Evidence for one file the check read (or could not read). */
export function fileEvidence(path: string, found: boolean, what = 'read'): Evidence {
  return found ? { source: `${what} ${path}` } : { source: `${what} ${path}`, error: 'missing or unreadable' };
}

// Tools word it differently: nft "Operation not permitted (you must be root)", iptables "Permission denied
// (you must be root)", ufw "You need to be root", blkid "Permission denied", cryptsetup "running as non-root".
const ROOT_HINTS = /permission denied|operation not permitted|must be root|need to be root|non-root|not permitted/i;

/** True when the command failed because the agent lacks privileges. */
export function deniedByPermission(r: CommandResult): boolean {
  return r.failure === 'permission' || (r.exitCode !== 0 && ROOT_HINTS.test(r.stderr));
}

/** One line saying why a command gave no usable answer; "needs root" when that is the cause. */
export function whyFailed(r: CommandResult): string {
  if (r.failure) return describeFailure(r);
  if (deniedByPermission(r)) return clip(`${r.source}: needs root (${firstLine(r.stderr)})`, 1024);
  const msg = firstLine(r.stderr) || firstLine(r.stdout);
  return clip(`${r.source} exited with ${r.exitCode}${msg ? `: ${msg}` : ''}`, 1024);
}

export function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? '').trim().slice(0, 300);
}

/** Cut a string to a schema's maxLength. */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
