// Independent views of this machine for the real-command tests: read straight from /proc and the file
// system, not through the agent's runner, so a wrong probe shows up as a mismatch.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Names (comm) of every running process, from /proc/<pid>/comm. */
export function runningProcesses(): Set<string> {
  const out = new Set<string>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      out.add(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
    } catch {
      // the process exited while we looked
    }
  }
  return out;
}

/** systemd is the service manager (the sd_booted() test). */
export const systemdBooted = () => existsSync('/run/systemd/system');
